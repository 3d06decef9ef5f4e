package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import dev.veil.policy.ObjectAccess;
import dev.veil.policy.PolicyListing;
import dev.veil.policy.StoredRules;
import dev.veil.policy.TablePolicies;
import dev.veil.policy.TableRules;
import dev.veil.schema.VeilTypeSystem;
import dev.veil.sql.ast.SqlShowPolicies;
import java.util.List;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Executes {@code SHOW POLICIES [FOR s.t]} (every user): one row per stored policy the caller may
 * see, with the columns of {@link #COLUMNS}, the same rows as {@code veil.policies}. An admin sees
 * every policy; another user sees the policies that apply to them (those of every non-admin role
 * and of their own roles, not other roles'), with a row filter's predicate replaced by
 * {@link PolicyListing#HIDDEN_PREDICATE}.
 */
final class ShowPoliciesStatement {
    /** The result's columns; the system table {@code veil.policies} has the same. */
    static final List<String> COLUMNS =
            List.of("schema_name", "table_name", "column_name", "policy", "role_name", "definition");

    private ShowPoliciesStatement() {}

    static RowsResult execute(SqlShowPolicies node, StatementContext context) {
        var store = PolicyStatements.store(context);
        List<TablePolicies> tables;
        if (node.table().isPresent()) {
            TableName table = SqlNames.tableName(node.table().get(), context);
            context.warehouse().catalog().requireTable(table);
            if (!new ObjectAccess(context.warehouse().sqliteCatalog(), context.principal()).canSee(table)) {
                throw new VeilException(ErrorCode.UNKNOWN_TABLE, "Table '" + table + "' does not exist");
            }
            tables = List.of(store.policies(table));
        } else {
            tables = store.all();
        }
        ObjectAccess objects = new ObjectAccess(context.warehouse().sqliteCatalog(), context.principal());
        StoredRules stored = new StoredRules(context.warehouse().sqliteCatalog());
        List<TableRules> rules = stored.tables();
        if (node.table().isPresent()) {
            TableName only = tables.get(0).table();
            rules = rules.stream().filter(r -> r.table().equals(only)).toList();
        }
        List<Object[]> rows = PolicyListing.visibleTo(tables, rules, stored.schemas(), context.principal()).stream()
                .filter(r -> objects.canSee(r.table()))
                .map(r -> new Object[] {
                    r.table().schema(),
                    r.table().table(),
                    r.column().orElse(null),
                    r.kind(),
                    r.role().orElse(null),
                    r.definition()
                })
                .toList();
        RelDataTypeFactory types = new JavaTypeFactoryImpl(VeilTypeSystem.INSTANCE);
        RelDataType text = types.createTypeWithNullability(types.createSqlType(SqlTypeName.VARCHAR), true);
        List<ResultColumn> columns =
                COLUMNS.stream().map(name -> new ResultColumn(name, text)).toList();
        return new RowsResult(columns, Linq4j.enumerator(rows));
    }
}
