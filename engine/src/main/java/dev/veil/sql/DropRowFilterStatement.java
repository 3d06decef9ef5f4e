package dev.veil.sql;

import dev.veil.catalog.TableName;
import dev.veil.sql.ast.SqlDropTablePolicy;
import java.util.Optional;

/** Executes {@code ALTER TABLE s.t DROP ROW FILTER [FOR ROLE r]} (admin only). */
final class DropRowFilterStatement {
    private DropRowFilterStatement() {}

    static UpdateCount execute(SqlDropTablePolicy node, StatementContext context) {
        var store = PolicyStatements.store(context);
        TableName table = SqlNames.tableName(node.table(), context);
        Optional<String> role = PolicyStatements.role(node.role());
        store.dropRowFilter(table, role);
        return new UpdateCount(0, "Row filter dropped from " + table + PolicyStatements.scope(role));
    }
}
