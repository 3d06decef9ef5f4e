package dev.veil.sql;

import dev.veil.catalog.TableName;
import dev.veil.policy.RowFilterPolicy;
import dev.veil.sql.ast.SqlSetRowFilter;
import java.util.Optional;

/**
 * Executes {@code ALTER TABLE s.t SET ROW FILTER (predicate) [FOR ROLE r]} (admin only). The
 * predicate is checked by {@link RowFilterCheck} and stored in its canonical text.
 */
final class SetRowFilterStatement {
    private SetRowFilterStatement() {}

    static UpdateCount execute(SqlSetRowFilter node, StatementContext context) {
        var store = PolicyStatements.store(context);
        TableName table = SqlNames.tableName(node.table(), context);
        Optional<String> role = PolicyStatements.role(node.role());
        String predicate = RowFilterCheck.canonical(context, table, node.predicate());
        store.setRowFilter(new RowFilterPolicy(table, role, predicate));
        return new UpdateCount(0, "Row filter set on " + table + PolicyStatements.scope(role));
    }
}
