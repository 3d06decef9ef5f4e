package dev.veil.rewrite;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import dev.veil.plan.StoredTable;
import dev.veil.plan.UnitLookup;
import dev.veil.policy.ConsentSource;
import dev.veil.policy.Retention;
import dev.veil.policy.TableConsent;
import dev.veil.policy.UnitPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.calcite.plan.RelOptSchema;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.RelOptTableImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.TimestampString;

/**
 * The consent and retention conditions of one table, put directly on its scan, below every
 * operator the user wrote (and below the row filter and masks), for every principal:
 *
 * <ul>
 *   <li>Retention: a row whose retention column is not after the statement time minus the
 *       retention period (or is NULL) does not exist.
 *   <li>Consent: a row of a {@code CONSENT REQUIRED} table exists only if its privacy unit (found
 *       along the stored unit path) has, in the consent source of that unit, a consent for the
 *       statement's purpose covering every data category the statement reads from the table in any
 *       clause ({@link ColumnUse}), valid at the statement time: for each such category some row of the
 *       source is granted at or before it and expires after it (for a purpose with RENEWAL EVERY n
 *       DAYS an expiry is mandatory and at most n days after the grant), and no row of the source for that unit, purpose and category is withdrawn at
 *       or before it (a withdrawal wins, so it can be loaded as a row of its own).
 *       A query that reads only {@code general} columns needs a valid consent for the purpose in any
 *       category. Rows without a unit never match. It is an inner join with the distinct consenting
 *       units, so the table's fields, their order and their number do not change.
 * </ul>
 *
 * <p>Nothing here depends on data: the conditions are plan nodes evaluated by the engine on the
 * statement's table versions, so a consent change takes effect at the next statement, and every
 * error names only tables, columns and purposes, never a unit.
 */
final class ScanConditions {
    private ScanConditions() {}

    /** {@code scan} (a scan of {@code table} as stored) with the table's conditions on top. */
    static RelNode apply(RelNode scan, RelOptTable base, TableName table, RewriteContext ctx) {
        ScanRules rules = ctx.scanRules();
        TableConsent consent = rules.of(table);
        RelNode rel = scan;
        if (consent.retention().isPresent()) {
            rel = retention(rel, consent.retention().get(), table, rules.now(), ctx);
        }
        if (consent.consentRequired() && !rules.consentExempt()) {
            StoredTable stored = base.unwrap(StoredTable.class);
            if (stored != null && !stored.local()) {
                // Its units would be looked up in local segments it does not have: refuse, never guess.
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        "Table " + table + " is a foreign table and requires consent; consent is not yet"
                                + " enforced on foreign tables (see docs/scale-out.md)");
            }
            rel = consent(rel, base, consent, ctx);
        }
        return rel;
    }

    /** Whether {@code table}'s scans get a condition in this statement. */
    static boolean applies(TableName table, ScanRules rules) {
        TableConsent consent = rules.of(table);
        return consent.retention().isPresent() || (consent.consentRequired() && !rules.consentExempt());
    }

    private static RelNode retention(RelNode rel, Retention retention, TableName table, long now, RewriteContext ctx) {
        RexBuilder rex = ctx.rexBuilder();
        int column = rel.getRowType().getFieldNames().indexOf(retention.column());
        if (column < 0) {
            throw PrivacyErrors.invalidPolicy("The retention column '" + retention.column() + "' of '" + table
                    + "' does not exist; ask an admin to fix the RETENTION policy");
        }
        RexNode condition = rex.makeCall(
                SqlStdOperatorTable.GREATER_THAN,
                time(rex, rex.makeInputRef(rel, column)),
                instant(rex, retention.cutoff(now)));
        ctx.log()
                .rewrite("Retention of '" + table + "': rows whose " + retention.column() + " is " + retention.days()
                        + " days or more before the statement time do not exist (a filter on its scan)");
        return LogicalFilter.create(rel, condition);
    }

    private static RelNode consent(RelNode rel, RelOptTable base, TableConsent consent, RewriteContext ctx) {
        ScanRules rules = ctx.scanRules();
        TableName table = consent.table();
        String purpose = rules.purpose()
                .orElseThrow(() -> new VeilException(
                        ErrorCode.PURPOSE_REQUIRED,
                        "Table '" + table + "' requires consent for the purpose of each statement, and this"
                                + " statement runs under no purpose; SET PURPOSE to one granted to you"
                                + " (SELECT * FROM veil.purposes lists them)"));
        ConsentSource source = consent.source()
                .orElseThrow(() -> PrivacyErrors.invalidPolicy("Table '" + table + "' requires consent, but its"
                        + " privacy unit has no CONSENT SOURCE; ask an admin to declare one"));
        UnitPath path = consent.unit().orElseThrow();
        RelOptSchema schema = base.getRelOptSchema();
        RexBuilder rex = ctx.rexBuilder();
        RelDataTypeFactory types = ctx.typeFactory();
        int width = rel.getRowType().getFieldCount();

        // The row's unit, as the field after the table's own (lookups along the stored path).
        int unitField = rel.getRowType()
                .getFieldNames()
                .indexOf(
                        path.isDirect() ? path.unitColumn() : path.hops().get(0).fkColumn());
        if (unitField < 0) {
            throw broken(table);
        }
        for (int i = 0; i < path.hops().size(); i++) {
            UnitPath.Hop hop = path.hops().get(i);
            String next = i + 1 < path.hops().size() ? path.hops().get(i + 1).fkColumn() : path.unitColumn();
            if (hop.keyColumn().equals(next)) {
                continue;
            }
            RelOptTable parent = stored(hop.toTable(), schema, rules, table);
            int key = parent.getRowType().getFieldNames().indexOf(hop.keyColumn());
            int value = parent.getRowType().getFieldNames().indexOf(next);
            if (key < 0
                    || value < 0
                    || !UnitLookup.supports(
                            rel.getRowType().getFieldList().get(unitField).getType(),
                            parent.getRowType().getFieldList().get(key).getType())) {
                throw broken(table);
            }
            rel = UnitLookup.create(rel, parent, unitField, width, key, value, Projections.UNIT_FIELD);
            unitField = width;
        }

        // The units with a valid consent for the purpose and every category read.
        Set<String> categories = new TreeSet<>();
        for (String column : ctx.columnUse().getOrDefault(table, Set.of())) {
            categories.add(consent.category(column));
        }
        categories.remove(TableConsent.GENERAL);
        RelOptTable consents = stored(source.table(), schema, rules, table);
        RelNode scan = LogicalTableScan.create(ctx.cluster(), consents, List.of());
        List<String> names = consents.getRowType().getFieldNames();
        int unit = column(names, source.unit(), source);
        RexNode now = instant(rex, rules.now());
        List<RexNode> conditions = new ArrayList<>();
        conditions.add(rex.makeCall(SqlStdOperatorTable.IS_NOT_NULL, rex.makeInputRef(scan, unit)));
        conditions.add(rex.makeCall(
                SqlStdOperatorTable.EQUALS,
                rex.makeInputRef(scan, column(names, source.purpose(), source)),
                rex.makeLiteral(purpose)));
        RexNode category = rex.makeInputRef(scan, column(names, source.category(), source));
        conditions.add(rex.makeCall(SqlStdOperatorTable.IS_NOT_NULL, category));
        if (!categories.isEmpty()) {
            List<RexNode> anyOf = new ArrayList<>();
            for (String c : categories) {
                anyOf.add(rex.makeCall(SqlStdOperatorTable.EQUALS, category, rex.makeLiteral(c)));
            }
            conditions.add(anyOf.size() == 1 ? anyOf.get(0) : rex.makeCall(SqlStdOperatorTable.OR, anyOf));
        }
        RelNode rows = LogicalFilter.create(scan, rex.makeCall(SqlStdOperatorTable.AND, conditions));

        // Per unit and category: whether some row is valid now, and whether some row withdrew it.
        List<RexNode> valid = new ArrayList<>();
        valid.add(rex.makeCall(
                SqlStdOperatorTable.LESS_THAN_OR_EQUAL,
                time(rex, rex.makeInputRef(rows, column(names, source.granted(), source))),
                now));
        RexNode expires = time(rex, rex.makeInputRef(rows, column(names, source.expires(), source)));
        RexNode notExpired = rex.makeCall(SqlStdOperatorTable.GREATER_THAN, expires, now);
        valid.add(
                rules.renewalDays() > 0
                        ? notExpired
                        : rex.makeCall(
                                SqlStdOperatorTable.OR,
                                rex.makeCall(SqlStdOperatorTable.IS_NULL, expires),
                                notExpired));
        if (rules.renewalDays() > 0) {
            // A consent for longer than the renewal period does not count: expires - granted <= n days.
            RexNode granted = time(rex, rex.makeInputRef(rows, column(names, source.granted(), source)));
            valid.add(rex.makeCall(
                    SqlStdOperatorTable.LESS_THAN_OR_EQUAL,
                    expires,
                    rex.makeCall(
                            SqlStdOperatorTable.DATETIME_PLUS,
                            granted,
                            rex.makeIntervalLiteral(
                                    java.math.BigDecimal.valueOf(rules.renewalDays() * 86_400_000L),
                                    new org.apache.calcite.sql.SqlIntervalQualifier(
                                            org.apache.calcite.avatica.util.TimeUnit.DAY,
                                            null,
                                            org.apache.calcite.sql.parser.SqlParserPos.ZERO)))));
        }
        RexNode withdrawnNow = rex.makeLiteral(false);
        if (source.withdrawn().isPresent()) {
            RexNode withdrawn = time(
                    rex, rex.makeInputRef(rows, column(names, source.withdrawn().get(), source)));
            withdrawnNow = rex.makeCall(
                    SqlStdOperatorTable.AND,
                    rex.makeCall(SqlStdOperatorTable.IS_NOT_NULL, withdrawn),
                    rex.makeCall(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, withdrawn, now));
        }
        RelDataType integer = types.createSqlType(SqlTypeName.INTEGER);
        RexNode one = rex.makeExactLiteral(java.math.BigDecimal.ONE, integer);
        RexNode zero = rex.makeExactLiteral(java.math.BigDecimal.ZERO, integer);
        RelDataType rowUnitType = rel.getRowType().getFieldList().get(unitField).getType();
        RelDataType consentUnitType =
                consents.getRowType().getFieldList().get(unit).getType();
        RelDataType keyType = keyType(rowUnitType, consentUnitType, types);
        if (keyType == null) {
            throw PrivacyErrors.invalidPolicy("The unit column '" + source.unit() + "' of the consent source '"
                    + source.table() + "' does not have the type of the privacy unit of '" + table
                    + "'; ask an admin to fix the CONSENT SOURCE");
        }
        RelNode flags = LogicalProject.create(
                rows,
                List.of(),
                List.of(
                        rex.makeCast(keyType, rex.makeInputRef(rows, unit)),
                        rex.makeInputRef(rows, column(names, source.category(), source)),
                        rex.makeCall(SqlStdOperatorTable.CASE, rex.makeCall(SqlStdOperatorTable.AND, valid), one, zero),
                        rex.makeCall(SqlStdOperatorTable.CASE, withdrawnNow, one, zero)),
                List.of("unit", "category", "valid", "withdrawn"),
                Set.of());
        RelNode perCategory = LogicalAggregate.create(
                flags,
                List.of(),
                ImmutableBitSet.of(0, 1),
                null,
                List.of(max(2, "valid", integer), max(3, "withdrawn", integer)));
        RelNode granted = LogicalFilter.create(
                perCategory,
                rex.makeCall(
                        SqlStdOperatorTable.AND,
                        rex.makeCall(SqlStdOperatorTable.EQUALS, rex.makeInputRef(perCategory, 2), one),
                        rex.makeCall(SqlStdOperatorTable.EQUALS, rex.makeInputRef(perCategory, 3), zero)));
        AggregateCall count = AggregateCall.create(
                SqlStdOperatorTable.COUNT,
                false,
                false,
                false,
                List.of(),
                List.of(),
                -1,
                null,
                org.apache.calcite.rel.RelCollations.EMPTY,
                types.createSqlType(SqlTypeName.BIGINT),
                "categories");
        RelNode counted = LogicalAggregate.create(granted, List.of(), ImmutableBitSet.of(0), null, List.of(count));
        RelNode complete = LogicalFilter.create(
                counted,
                rex.makeCall(
                        categories.isEmpty() ? SqlStdOperatorTable.GREATER_THAN_OR_EQUAL : SqlStdOperatorTable.EQUALS,
                        rex.makeInputRef(counted, 1),
                        rex.makeBigintLiteral(java.math.BigDecimal.valueOf(Math.max(1, categories.size())))));
        RelNode units = LogicalProject.create(
                complete, List.of(), List.of(rex.makeInputRef(complete, 0)), List.of("unit"), Set.of());

        // The rows whose unit is among them: an inner join with distinct units, then the table's fields.
        List<RexNode> keyed = new ArrayList<>();
        List<String> keyedNames = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            keyed.add(rex.makeInputRef(rel, i));
            keyedNames.add(rel.getRowType().getFieldNames().get(i));
        }
        keyed.add(rex.makeCast(keyType, rex.makeInputRef(rel, unitField)));
        keyedNames.add(Projections.UNIT_FIELD);
        RelNode keyedRows = LogicalProject.create(
                rel,
                List.of(),
                keyed,
                org.apache.calcite.sql.validate.SqlValidatorUtil.uniquify(keyedNames, true),
                Set.of());
        RelNode joined = LogicalJoin.create(
                keyedRows,
                units,
                List.of(),
                rex.makeCall(
                        SqlStdOperatorTable.EQUALS,
                        rex.makeInputRef(
                                keyedRows.getRowType().getFieldList().get(width).getType(), width),
                        rex.makeInputRef(
                                units.getRowType().getFieldList().get(0).getType(), width + 1)),
                Set.of(),
                JoinRelType.INNER);
        List<RexNode> back = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            back.add(rex.makeInputRef(joined, i));
        }
        ctx.log()
                .rewrite("Consent of '" + table + "': a row exists only if its privacy unit " + path.unitTable() + "."
                        + path.unitColumn() + " has a valid consent in '" + source.table() + "' for purpose '"
                        + purpose + "' covering "
                        + (categories.isEmpty()
                                ? "the purpose (only general columns read)"
                                : "categories " + categories)
                        + " at the statement time (a join on its scan)");
        return LogicalProject.create(joined, List.of(), back, scanNames(joined, width), Set.of());
    }

    private static AggregateCall max(int field, String name, RelDataType type) {
        return AggregateCall.create(
                SqlStdOperatorTable.MAX,
                false,
                false,
                false,
                List.of(),
                List.of(field),
                -1,
                null,
                org.apache.calcite.rel.RelCollations.EMPTY,
                type,
                name);
    }

    private static List<String> scanNames(RelNode rel, int width) {
        return rel.getRowType().getFieldNames().subList(0, width);
    }

    /** The common type units are compared in: BIGINT for integers, else the one type both have. */
    private static RelDataType keyType(RelDataType row, RelDataType consent, RelDataTypeFactory types) {
        SqlTypeName a = row.getSqlTypeName();
        SqlTypeName b = consent.getSqlTypeName();
        Set<SqlTypeName> integral =
                Set.of(SqlTypeName.TINYINT, SqlTypeName.SMALLINT, SqlTypeName.INTEGER, SqlTypeName.BIGINT);
        if (integral.contains(a) && integral.contains(b)) {
            return types.createTypeWithNullability(types.createSqlType(SqlTypeName.BIGINT), true);
        }
        if (a == b && (a == SqlTypeName.VARCHAR || a == SqlTypeName.CHAR)) {
            return types.createTypeWithNullability(types.createSqlType(SqlTypeName.VARCHAR), true);
        }
        if (a == b && (a == SqlTypeName.DATE || a == SqlTypeName.TIMESTAMP || a == SqlTypeName.BOOLEAN)) {
            return types.createTypeWithNullability(row, true);
        }
        return null;
    }

    private static RelOptTable stored(TableName name, RelOptSchema schema, ScanRules rules, TableName of) {
        StoredTable table = rules.stored(name).orElseThrow(() -> broken(of));
        return RelOptTableImpl.create(
                schema,
                table.getRowType(schema.getTypeFactory()),
                List.of(name.schema(), name.table()),
                table,
                (org.apache.calcite.linq4j.tree.TableExpressionFactory) type -> null);
    }

    private static int column(List<String> names, String column, ConsentSource source) {
        int i = names.indexOf(column);
        if (i < 0) {
            throw PrivacyErrors.invalidPolicy("The consent source '" + source.table() + "' has no column '" + column
                    + "'; ask an admin to fix the CONSENT SOURCE");
        }
        return i;
    }

    private static VeilException broken(TableName table) {
        return PrivacyErrors.invalidPolicy("The privacy unit path of '" + table
                + "' cannot be followed to check consent; ask an admin to fix the PRIVACY UNIT policy");
    }

    /** A date or timestamp as a TIMESTAMP(3), to compare with the statement time. */
    private static RexNode time(RexBuilder rex, RexNode value) {
        if (value.getType().getSqlTypeName() == SqlTypeName.TIMESTAMP) {
            return value;
        }
        RelDataType timestamp = rex.getTypeFactory()
                .createTypeWithNullability(
                        rex.getTypeFactory().createSqlType(SqlTypeName.TIMESTAMP, 3),
                        value.getType().isNullable());
        return rex.makeCast(timestamp, value);
    }

    private static RexNode instant(RexBuilder rex, long millis) {
        return rex.makeTimestampLiteral(TimestampString.fromMillisSinceEpoch(millis), 3);
    }
}
