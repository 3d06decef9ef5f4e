package dev.veil.rewrite;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import dev.veil.plan.ConsentCall;
import dev.veil.plan.ConsentSpec;
import dev.veil.plan.RetentionCall;
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
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.type.SqlTypeName;

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
 *       category. Rows without a unit never match. It is a filter on the scan ({@link
 *       dev.veil.plan.ConsentCall} of the row's key), so the table's fields do not change. The
 *       same holds for foreign tables: the filter is right above the remote scan, and {@code
 *       exec.remote} sends it to the remote with the consenting units as a parameter bound per
 *       execution when it can (else it runs in Veil, and nothing above it is pushed). The steps of the
 *       unit path up to the last one into a table Veil does not store are followed in the plan
 *       (a {@link UnitLookup}, or a left join with the parent grouped by its key, which the remote
 *       runs when it holds both tables), the unit is tested, and the looked-up field is projected
 *       away; the steps after it along stored tables are the condition's own.
 * </ul>
 *
 * <p>Nothing here depends on data or on the clock: the conditions are dynamic calls that read the
 * statement time from the execution (so a cached plan is right for every later execution), evaluated
 * by the engine on the statement's table versions, so a consent change takes effect at the next statement, and every
 * error names only tables, columns and purposes, never a unit.
 */
final class ScanConditions {
    /** The field a consent condition's unit is looked up into when part of its path is followed in the plan. */
    private static final String CONSENT_UNIT_FIELD = "$consent_unit";

    private ScanConditions() {}

    /** {@code scan} (a scan of {@code table} as stored) with the table's conditions on top. */
    static RelNode apply(RelNode scan, RelOptTable base, TableName table, RewriteContext ctx) {
        ScanRules rules = ctx.scanRules();
        TableConsent consent = rules.of(table);
        RelNode rel = scan;
        if (consent.retention().isPresent()) {
            rel = retention(rel, consent.retention().get(), table, ctx);
        }
        if (consent.consentRequired() && !rules.consentExempt()) {
            rel = consent(rel, base, consent, ctx);
        }
        return rel;
    }

    /** Whether {@code table}'s scans get a condition in this statement. */
    static boolean applies(TableName table, ScanRules rules) {
        TableConsent consent = rules.of(table);
        return consent.retention().isPresent() || (consent.consentRequired() && !rules.consentExempt());
    }

    private static RelNode retention(RelNode rel, Retention retention, TableName table, RewriteContext ctx) {
        RexBuilder rex = ctx.rexBuilder();
        int column = rel.getRowType().getFieldNames().indexOf(retention.column());
        if (column < 0) {
            throw PrivacyErrors.invalidPolicy("The retention column '" + retention.column() + "' of '" + table
                    + "' does not exist; ask an admin to fix the RETENTION policy");
        }
        SqlTypeName type = rel.getRowType().getFieldList().get(column).getType().getSqlTypeName();
        if (type != SqlTypeName.DATE && type != SqlTypeName.TIMESTAMP) {
            throw PrivacyErrors.invalidPolicy("The retention column '" + retention.column() + "' of '" + table
                    + "' is not a DATE or TIMESTAMP; ask an admin to fix the RETENTION policy");
        }
        RexNode condition = RetentionCall.make(rex, rex.makeInputRef(rel, column), retention.days());
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

        // The row's field that starts its path to the unit, and the lookup steps from it.
        int keyField = rel.getRowType()
                .getFieldNames()
                .indexOf(
                        path.isDirect() ? path.unitColumn() : path.hops().get(0).fkColumn());
        if (keyField < 0) {
            throw broken(table);
        }
        RelDataType unitType = rel.getRowType().getFieldList().get(keyField).getType();
        // Steps up to the last one into a table Veil does not store are followed in the plan (a
        // lookup operator or a left join, which the remote may run when it holds both tables); the
        // steps after it, along stored tables, are the condition's own, looked up per execution.
        int planned = 0;
        for (int i = 0; i < path.hops().size(); i++) {
            StoredTable parent =
                    stored(path.hops().get(i).toTable(), schema, rules, table).unwrap(StoredTable.class);
            if (parent == null || !parent.local()) {
                planned = i + 1;
            }
        }
        int width = rel.getRowType().getFieldCount();
        RelNode keyed = rel;
        int current = keyField;
        List<ConsentSpec.Hop> hops = new ArrayList<>();
        for (int i = 0; i < path.hops().size(); i++) {
            UnitPath.Hop hop = path.hops().get(i);
            String next = i + 1 < path.hops().size() ? path.hops().get(i + 1).fkColumn() : path.unitColumn();
            if (hop.keyColumn().equals(next)) {
                continue;
            }
            RelOptTable parent = stored(hop.toTable(), schema, rules, table);
            int key = parent.getRowType().getFieldNames().indexOf(hop.keyColumn());
            int value = parent.getRowType().getFieldNames().indexOf(next);
            if (key < 0 || value < 0) {
                throw broken(table);
            }
            StoredTable parentTable = parent.unwrap(StoredTable.class);
            RelDataType parentKeyType =
                    parent.getRowType().getFieldList().get(key).getType();
            if (i < planned) {
                keyed = parentTable != null && parentTable.local() && UnitLookup.supports(unitType, parentKeyType)
                        ? UnitLookup.create(keyed, parent, current, width, key, value, CONSENT_UNIT_FIELD)
                        : UnitResolver.joinLookup(keyed, current, width, parent, key, value, ctx);
                current = width;
            } else {
                if (!UnitLookup.supports(unitType, parentKeyType) || parentTable == null || !parentTable.local()) {
                    throw broken(table);
                }
                hops.add(new ConsentSpec.Hop(parentTable, key, value));
            }
            unitType = parent.getRowType().getFieldList().get(value).getType();
        }

        // The categories the statement reads from the table.
        Set<String> categories = new TreeSet<>();
        for (String column : ctx.columnUse().getOrDefault(table, Set.of())) {
            categories.add(consent.category(column));
        }
        categories.remove(TableConsent.GENERAL);
        RelOptTable consents = stored(source.table(), schema, rules, table);
        StoredTable consentTable = consents.unwrap(StoredTable.class);
        if (consentTable == null || !consentTable.local()) {
            throw PrivacyErrors.invalidPolicy("The consent source '" + source.table() + "' is not a table Veil"
                    + " stores; ask an admin to fix the CONSENT SOURCE");
        }
        List<String> names = consents.getRowType().getFieldNames();
        int unit = column(names, source.unit(), source);
        int purposeColumn = column(names, source.purpose(), source);
        int categoryColumn = column(names, source.category(), source);
        int granted = column(names, source.granted(), source);
        int expires = column(names, source.expires(), source);
        int withdrawn = source.withdrawn().isPresent()
                ? column(names, source.withdrawn().get(), source)
                : -1;
        RelDataType consentUnitType =
                consents.getRowType().getFieldList().get(unit).getType();
        if (keyType(unitType, consentUnitType, types) == null) {
            throw PrivacyErrors.invalidPolicy("The unit column '" + source.unit() + "' of the consent source '"
                    + source.table() + "' does not have the type of the privacy unit of '" + table
                    + "'; ask an admin to fix the CONSENT SOURCE");
        }
        for (int c : new int[] {purposeColumn, categoryColumn}) {
            SqlTypeName t =
                    consents.getRowType().getFieldList().get(c).getType().getSqlTypeName();
            if (t != SqlTypeName.VARCHAR && t != SqlTypeName.CHAR) {
                throw PrivacyErrors.invalidPolicy("The PURPOSE and CATEGORY columns of the consent source '"
                        + source.table() + "' are not VARCHAR; ask an admin to fix the CONSENT SOURCE");
            }
        }
        for (int c : withdrawn < 0 ? new int[] {granted, expires} : new int[] {granted, expires, withdrawn}) {
            SqlTypeName t =
                    consents.getRowType().getFieldList().get(c).getType().getSqlTypeName();
            if (t != SqlTypeName.DATE && t != SqlTypeName.TIMESTAMP) {
                throw PrivacyErrors.invalidPolicy("The GRANTED, EXPIRES and WITHDRAWN columns of the consent source '"
                        + source.table() + "' are not DATE or TIMESTAMP; ask an admin to fix the CONSENT SOURCE");
            }
        }
        ConsentSpec spec = new ConsentSpec(
                consentTable,
                unit,
                purposeColumn,
                categoryColumn,
                granted,
                expires,
                withdrawn,
                purpose,
                List.copyOf(categories),
                rules.renewalDays(),
                hops);
        ctx.log()
                .rewrite("Consent of '" + table + "': a row exists only if its privacy unit " + path.unitTable() + "."
                        + path.unitColumn() + " has a valid consent in '" + source.table() + "' for purpose '"
                        + purpose + "' covering "
                        + (categories.isEmpty()
                                ? "the purpose (only general columns read)"
                                : "categories " + categories)
                        + " at the statement time (a filter on its scan)");
        RelNode filtered = LogicalFilter.create(keyed, ConsentCall.make(rex, rex.makeInputRef(keyed, current), spec));
        if (keyed == rel) {
            return filtered;
        }
        List<RexNode> fields = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            fields.add(rex.makeInputRef(filtered, i));
        }
        return LogicalProject.create(
                filtered, List.of(), fields, rel.getRowType().getFieldNames(), Set.of());
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
}
