package dev.veil.rewrite;

import dev.veil.plan.StoredTable;
import dev.veil.plan.UnitLookup;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.validate.SqlValidatorUtil;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Completes a privacy unit path where the query did not: for each remaining lookup, the value of
 * the referenced table (as stored, whatever the principal may see of it) whose key equals the
 * foreign key. Each row reaches exactly one unit even if the key is not unique in the data (the
 * smallest next value counts); a row whose key has no match has a NULL unit and counts for no
 * unit (fewer counted units only make thresholds stricter). A step is a {@link UnitLookup}, or,
 * for keys that compare only after a cast, the equivalent left join with the table grouped by
 * its key.
 */
final class UnitResolver {
    private UnitResolver() {}

    /** {@code in} with its unit resolved into the field right after the user's fields. */
    static Piece resolve(Piece in, RewriteContext ctx) {
        UnitHandle unit = in.unit().orElseThrow();
        if (unit.resolved()) {
            return in;
        }
        RelNode rel = in.rel();
        int current = unit.primary();
        int width = in.width();
        for (UnitStep step : unit.steps()) {
            TableRef parent = ctx.tables()
                    .byName(step.table())
                    .orElseThrow(() -> PrivacyErrors.invalidPolicy(
                            "The privacy unit path of " + unit.tableNames() + " leads to table '" + step.table()
                                    + "', which does not exist; ask an admin to fix the PRIVACY UNIT policy"));
            int key = parent.column(step.keyColumn());
            int next = parent.column(step.nextColumn());
            if (key < 0 || next < 0) {
                throw PrivacyErrors.invalidPolicy("The privacy unit path of " + unit.tableNames() + " names column '"
                        + (key < 0 ? step.keyColumn() : step.nextColumn()) + "' of '" + step.table()
                        + "', which does not exist; ask an admin to fix the PRIVACY UNIT policy");
            }
            RelDataType keyType = rel.getRowType().getFieldList().get(current).getType();
            RelDataType columnType =
                    parent.base().getRowType().getFieldList().get(key).getType();
            StoredTable stored = parent.base().unwrap(StoredTable.class);
            if (stored != null && stored.local() && UnitLookup.supports(keyType, columnType)) {
                rel = UnitLookup.create(rel, parent.base(), current, width, key, next, Projections.UNIT_FIELD);
            } else {
                rel = joinLookup(rel, current, width, parent.base(), key, next, ctx);
            }
            current = width;
        }
        List<FieldInfo> fieldInfos = new ArrayList<>(in.fields().subList(0, width));
        fieldInfos.add(new FieldInfo(
                Set.of(), Optional.of(unit.domain()), Set.of(new UnitOrigin(unit.domain(), unit.domain())), false));
        ctx.log()
                .rewrite("Privacy unit " + unit.domain() + " of " + unit.tableNames()
                        + " looked up along the declared foreign keys (" + describe(unit) + ")");
        return new Piece(
                rel,
                width,
                fieldInfos,
                Optional.of(new UnitHandle(List.of(width), List.of(), unit.domain(), unit.sources())));
    }

    /**
     * One lookup step as a left join with {@code SELECT key, MIN(next) ... GROUP BY key}, for keys
     * whose equality needs a cast or tables Veil does not store (a {@link UnitLookup} computes the
     * same for plain keys of stored tables): {@code rel}'s first {@code width} fields and then the
     * {@code next} column of {@code parent} (as stored) for the key in field {@code current}.
     */
    static RelNode joinLookup(
            RelNode rel, int current, int width, RelOptTable parent, int key, int next, RewriteContext ctx) {
        RexBuilder rex = ctx.rexBuilder();
        RelNode scan = LogicalTableScan.create(ctx.cluster(), parent, List.of());
        RelNode pairs = LogicalProject.create(
                scan,
                List.of(),
                List.of(rex.makeInputRef(scan, key), rex.makeInputRef(scan, next)),
                List.of("key", "next"),
                Set.of());
        AggregateCall min = AggregateCall.create(
                SqlStdOperatorTable.MIN,
                false,
                false,
                false,
                List.of(),
                List.of(1),
                -1,
                null,
                RelCollations.EMPTY,
                1,
                pairs,
                null,
                "next");
        RelNode lookup = LogicalAggregate.create(pairs, List.of(), ImmutableBitSet.of(0), null, List.of(min));

        int fields = rel.getRowType().getFieldCount();
        RexNode left = rex.makeInputRef(rel, current);
        RexNode right = new RexInputRef(
                fields, lookup.getRowType().getFieldList().get(0).getType());
        RelDataType common = ctx.typeFactory().leastRestrictive(List.of(left.getType(), right.getType()));
        if (common != null
                && !left.getType().getSqlTypeName().equals(right.getType().getSqlTypeName())) {
            left = rex.makeCast(
                    ctx.typeFactory()
                            .createTypeWithNullability(common, left.getType().isNullable()),
                    left,
                    true,
                    false);
            right = rex.makeCast(
                    ctx.typeFactory()
                            .createTypeWithNullability(common, right.getType().isNullable()),
                    right,
                    true,
                    false);
        }
        RexNode condition = rex.makeCall(SqlStdOperatorTable.EQUALS, left, right);
        RelNode join = LogicalJoin.create(rel, lookup, List.of(), condition, Set.of(), JoinRelType.LEFT);

        List<RexNode> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            exprs.add(rex.makeInputRef(join, i));
            names.add(join.getRowType().getFieldNames().get(i));
        }
        exprs.add(rex.makeInputRef(join, fields + 1));
        names.add(Projections.UNIT_FIELD);
        return LogicalProject.create(join, List.of(), exprs, SqlValidatorUtil.uniquify(names, true), Set.of());
    }

    private static String describe(UnitHandle unit) {
        StringBuilder path = new StringBuilder();
        for (UnitStep step : unit.steps()) {
            if (path.length() > 0) {
                path.append(", then ");
            }
            path.append(step.key()).append(" -> ").append(step.nextColumn());
        }
        return path.toString();
    }
}
