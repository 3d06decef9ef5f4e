package dev.veil.rewrite;

import dev.veil.catalog.TableName;
import dev.veil.plan.RestrictedTable;
import dev.veil.policy.ColumnAccess;
import dev.veil.policy.ColumnClass;
import dev.veil.policy.RowFilterPredicate;
import dev.veil.policy.TableAccess;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.validate.SqlValidatorUtil;

/**
 * Replaces the scan of a restricted table (a {@link RestrictedTable}) by a scan of the stored
 * table with the table's policies directly on top, below all user SQL: the row filter as a
 * Filter, then a Project to the columns the principal sees, with masks and clamping applied.
 * When the column that starts the table's path to its privacy unit is not among them unchanged,
 * the Project carries it as an extra field. Scans of unrestricted tables stay as they are.
 */
final class ScanStep {
    private ScanStep() {}

    static Piece apply(TableScan scan, RewriteContext ctx) {
        Optional<TableRef> found = ctx.tables().ofScan(scan.getTable());
        RestrictedTable view = scan.getTable().unwrap(RestrictedTable.class);
        if (found.isEmpty()) {
            return Piece.unrestricted(scan);
        }
        if (view == null) {
            TableName name = found.get().access().table();
            return Piece.unrestricted(ScanConditions.apply(scan, scan.getTable(), name, ctx));
        }
        TableRef table = found.get();
        TableAccess access = table.access();
        if (access.minGroupSize().isPresent() && access.unit().isEmpty()) {
            throw PrivacyErrors.invalidPolicy("Table '" + access.table()
                    + "' has a minimum group size but no privacy unit; ask an admin to set its PRIVACY UNIT");
        }
        RexBuilder rex = ctx.rexBuilder();
        ctx.log().policy(describe(access, ctx));

        RelNode rel = LogicalTableScan.create(ctx.cluster(), table.base(), scan.getHints());
        rel = ScanConditions.apply(rel, table.base(), access.table(), ctx);
        if (access.rowFilter().isPresent()) {
            String key = access.table() + "\u0000" + access.rowFilter().get() + "\u0000"
                    + table.base().getRowType().getFullTypeString();
            RexNode condition = ctx.rowFilterCache()
                    .get(
                            key,
                            () -> RowFilterPredicate.compile(
                                    access.table(),
                                    access.rowFilter().get(),
                                    table.base().getRowType(),
                                    ctx.cluster()));
            List<RelDataType> types = rel.getRowType().getFieldList().stream()
                    .map(RelDataTypeField::getType)
                    .toList();
            rel = LogicalFilter.create(rel, SafeExpressions.apply(rex, types, condition));
            ctx.markRowFilter(rel, access.table());
            ctx.log().rewrite("Row filter of '" + access.table() + "' applied directly on its scan, below the query");
        }

        Optional<UnitPathInfo> path = access.unit().map(u -> ctx.unitPaths().of(access));
        RelDataType viewType = scan.getRowType();
        int[] baseColumns = view.baseColumns();
        List<String> baseNames = table.base().getRowType().getFieldNames();
        List<RexNode> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<FieldInfo> fields = new ArrayList<>();
        List<Integer> unitFields = new ArrayList<>();
        for (int i = 0; i < viewType.getFieldCount(); i++) {
            String column = baseNames.get(baseColumns[i]);
            ColumnAccess columnAccess = access.column(column);
            RelDataType target = viewType.getFieldList().get(i).getType();
            RexNode raw = rex.makeInputRef(rel, baseColumns[i]);
            boolean startsUnit = path.isPresent() && path.get().startColumn().equals(column);
            ColumnId id = new ColumnId(access.table(), column);
            Set<UnitOrigin> units = startsUnit ? Set.of(UnitOrigin.of(id, path.get())) : Set.of();
            RexNode expr;
            FieldInfo info;
            switch (columnAccess.columnClass()) {
                case MASKED -> {
                    expr = ColumnPolicyExpressions.mask(
                            rex, raw, columnAccess.mask().orElseThrow(), target, ctx.maskKey(), access.table(), column);
                    info = new FieldInfo(
                            Set.of(),
                            Optional.empty(),
                            startsUnit ? Set.of(UnitOrigin.transformed(id)) : Set.of(),
                            false);
                    ctx.log()
                            .rewrite("Column '" + id + "' masked with "
                                    + columnAccess.mask().orElseThrow() + " (" + columnAccess.policy() + ")");
                }
                case AGGREGATE_ONLY -> {
                    ColumnRestriction restriction = new ColumnRestriction(
                            access.table(), column, ColumnClass.AGGREGATE_ONLY, columnAccess.policy());
                    if (columnAccess.bounds().isPresent()) {
                        expr = ColumnPolicyExpressions.clamp(
                                rex, raw, columnAccess.bounds().get(), target, access.table(), column);
                        info = new FieldInfo(
                                        Set.of(restriction),
                                        Optional.empty(),
                                        startsUnit ? Set.of(UnitOrigin.transformed(id)) : Set.of(),
                                        false)
                                .withRange(ValueRange.of(columnAccess.bounds().get()));
                        ctx.log()
                                .rewrite("Column '" + id + "' clamped to BOUNDS "
                                        + columnAccess.bounds().get() + " (" + columnAccess.policy() + ")");
                    } else {
                        expr = ColumnPolicyExpressions.conform(rex, raw, target);
                        info = new FieldInfo(Set.of(restriction), Optional.of(id), units, false);
                        if (startsUnit) {
                            unitFields.add(i);
                        }
                    }
                }
                case JOIN_ONLY -> {
                    expr = ColumnPolicyExpressions.conform(rex, raw, target);
                    info = new FieldInfo(
                            Set.of(new ColumnRestriction(
                                    access.table(), column, ColumnClass.JOIN_ONLY, columnAccess.policy())),
                            Optional.of(id),
                            units,
                            false);
                    if (startsUnit) {
                        unitFields.add(i);
                    }
                }
                case PUBLIC -> {
                    expr = ColumnPolicyExpressions.conform(rex, raw, target);
                    info = new FieldInfo(Set.of(), Optional.of(id), units, false);
                    if (startsUnit) {
                        unitFields.add(i);
                    }
                }
                default -> throw new IllegalStateException("hidden column in view: " + id);
            }
            exprs.add(expr);
            names.add(viewType.getFieldNames().get(i));
            fields.add(info);
        }
        int width = exprs.size();
        Optional<UnitHandle> unit = Optional.empty();
        if (path.isPresent()) {
            UnitPathInfo p = path.get();
            int start = table.column(p.startColumn());
            if (start < 0) {
                throw PrivacyErrors.invalidPolicy("The privacy unit of '" + access.table() + "' starts at column '"
                        + p.startColumn() + "', which the table does not have; ask an admin to fix the policy");
            }
            if (unitFields.isEmpty()) {
                unitFields.add(exprs.size());
                exprs.add(rex.makeInputRef(rel, start));
                names.add(Projections.UNIT_FIELD);
                ColumnId startId = new ColumnId(access.table(), p.startColumn());
                fields.add(new FieldInfo(Set.of(), Optional.of(startId), Set.of(UnitOrigin.of(startId, p)), false));
            }
            unit = Optional.of(new UnitHandle(unitFields, p.steps(), p.domain(), List.of(access)));
        }
        RelNode project =
                LogicalProject.create(rel, List.of(), exprs, SqlValidatorUtil.uniquify(names, true), Set.of());
        return new Piece(project, width, fields, unit);
    }

    /** One line on the policies of a table, for EXPLAIN PRIVACY; never the row filter's predicate. */
    private static String describe(TableAccess access, RewriteContext ctx) {
        StringBuilder line = new StringBuilder("'" + access.table() + "':");
        access.unit().ifPresent(u -> {
            UnitPathInfo path = ctx.unitPaths().of(access);
            line.append(" privacy unit ").append(path.domain());
            if (!u.isDirect()) {
                line.append(" via ").append(access.table()).append('.').append(path.startColumn());
            }
            line.append(';');
        });
        access.minGroupSize()
                .ifPresent(m -> line.append(" minimum group size ")
                        .append(m.k())
                        .append(m.remainder() ? " (remainder)" : " (suppress)")
                        .append(';'));
        access.rowFilter().ifPresent(f -> line.append(" row filter (predicate not shown);"));
        access.differentialPrivacy()
                .ifPresent(d -> line.append(' ')
                        .append(dev.veil.policy.DifferentialPrivacyPolicy.definition(d))
                        .append(';'));
        access.columns().values().stream()
                .filter(c -> c.columnClass() != ColumnClass.PUBLIC)
                .sorted(java.util.Comparator.comparing(ColumnAccess::column))
                .forEach(c -> line.append(' ')
                        .append(c.column())
                        .append(' ')
                        .append(className(c))
                        .append(';'));
        if (line.charAt(line.length() - 1) == ';') {
            line.setLength(line.length() - 1);
        }
        return line.toString();
    }

    private static String className(ColumnAccess c) {
        return switch (c.columnClass()) {
            case MASKED -> "MASKED USING " + c.mask().orElseThrow();
            case AGGREGATE_ONLY ->
                "AGGREGATE ONLY" + c.bounds().map(b -> " BOUNDS " + b).orElse("");
            case JOIN_ONLY -> "JOIN ONLY";
            case HIDDEN -> "HIDDEN";
            case PUBLIC -> "PUBLIC";
        };
    }
}
