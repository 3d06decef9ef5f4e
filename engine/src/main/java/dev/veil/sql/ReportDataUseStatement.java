package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.audit.AuditEntry;
import dev.veil.audit.AuditLog;
import dev.veil.catalog.Principals;
import dev.veil.catalog.TableName;
import dev.veil.policy.ConsentPolicies;
import dev.veil.policy.ConsentSource;
import dev.veil.policy.TableConsent;
import dev.veil.schema.ConsentRecords;
import dev.veil.schema.DataUse;
import dev.veil.schema.VeilTypeSystem;
import dev.veil.sql.ast.SqlReportDataUse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Executes {@code REPORT DATA USE FOR UNIT value [OF s.t]} (admin only): for one person, one row
 * per audited statement and table of theirs it read: when, who, under which purpose, which
 * categories and columns. Without {@code OF}, the unit table is that of the one consent source.
 *
 * <p>The audit records what each statement read (tables, columns, categories, purpose, time), not
 * which persons' rows it used, so the report is an honest over-approximation: a statement that
 * read table T under purpose p is listed if the person has rows in T <em>now</em> (found along the
 * privacy unit paths, as EXPORT PRIVACY UNIT finds them) and, if T requires consent now, the
 * consent rows stored now say the person consented to p for the categories read from T at the
 * statement's time (an admin under {@code administration} needs none). WHERE clauses, joins and
 * retention are not taken into account; rows erased since are no longer found, so an erased
 * person's report is empty. See docs/consent-and-retention.md.
 */
final class ReportDataUseStatement {
    /** The result's columns. */
    static final List<String> COLUMNS =
            List.of("at", "statement_id", "user_name", "purpose", "table_name", "categories", "columns_read");

    private ReportDataUseStatement() {}

    static RowsResult execute(SqlReportDataUse node, StatementContext context) {
        TableName unitTable =
                node.table().isPresent() ? SqlNames.tableName(node.table().get(), context) : defaultUnitTable(context);
        UnitRows unit = UnitRows.resolve(context, unitTable, node.value());
        Set<TableName> present = new HashSet<>();
        unit.walk(false, (r, row) -> present.add(r.table().name()));
        Object key = ConsentRecords.key(unit.value());
        DataUse use = new DataUse(context.warehouse());
        Principals principals = new Principals(context.warehouse().sqliteCatalog());
        List<Object[]> rows = new ArrayList<>();
        for (AuditEntry e : new AuditLog(context.warehouse().sqliteCatalog()).entries()) {
            if (!DataUse.read(e)) {
                continue;
            }
            List<DataUse.Read> reads = DataUse.parse(e.reads().get());
            boolean admin = principals.isAdmin(e.user());
            for (Map.Entry<TableName, Set<String>> t :
                    DataUse.categoriesByTable(reads).entrySet()) {
                if (!present.contains(t.getKey())
                        || !use.visible(
                                key,
                                t.getKey(),
                                t.getValue(),
                                e.user(),
                                e.purpose().orElse(null),
                                e.at(),
                                admin)) {
                    continue;
                }
                Set<String> columns = new TreeSet<>();
                for (DataUse.Read r : reads) {
                    if (r.table().equals(t.getKey())) {
                        r.column().ifPresent(columns::add);
                    }
                }
                rows.add(new Object[] {
                    e.at(),
                    e.id(),
                    e.user(),
                    e.purpose().orElse(null),
                    t.getKey().toString(),
                    t.getValue().isEmpty() ? TableConsent.GENERAL : String.join(", ", t.getValue()),
                    columns.stream().collect(Collectors.joining(", "))
                });
            }
        }
        RelDataTypeFactory types = new JavaTypeFactoryImpl(VeilTypeSystem.INSTANCE);
        RelDataType text = types.createTypeWithNullability(types.createSqlType(SqlTypeName.VARCHAR), true);
        RelDataType time = types.createSqlType(SqlTypeName.TIMESTAMP, 3);
        RelDataType id = types.createSqlType(SqlTypeName.BIGINT);
        List<ResultColumn> result = new ArrayList<>();
        for (String name : COLUMNS) {
            result.add(new ResultColumn(
                    name,
                    switch (name) {
                        case "at" -> time;
                        case "statement_id" -> id;
                        default -> text;
                    }));
        }
        return new RowsResult(result, Linq4j.enumerator(rows));
    }

    /** The unit table of the one consent source; INVALID_STATEMENT when there is none or several. */
    private static TableName defaultUnitTable(StatementContext context) {
        List<ConsentSource> sources = new ConsentPolicies(context.warehouse().sqliteCatalog()).sources();
        Set<TableName> units = new TreeSet<>(java.util.Comparator.comparing(TableName::toString));
        for (ConsentSource s : sources) {
            units.add(s.unitTable());
        }
        if (units.size() != 1) {
            throw new VeilException(
                    ErrorCode.INVALID_STATEMENT,
                    "Name the table whose PRIVACY UNIT column identifies the person: REPORT DATA USE FOR UNIT ..."
                            + " OF schema.table" + (units.isEmpty() ? "" : " (consent sources name " + units + ")"));
        }
        return units.iterator().next();
    }
}
