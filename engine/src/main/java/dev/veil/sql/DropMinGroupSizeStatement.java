package dev.veil.sql;

import dev.veil.catalog.TableName;
import dev.veil.sql.ast.SqlDropTablePolicy;
import java.util.Optional;

/**
 * Executes {@code ALTER TABLE s.t DROP MIN GROUP SIZE [FOR ROLE r]} (admin only); dropping a size
 * the table does not have for that scope fails, as DROP ROW FILTER does.
 */
final class DropMinGroupSizeStatement {
    private DropMinGroupSizeStatement() {}

    static UpdateCount execute(SqlDropTablePolicy node, StatementContext context) {
        TableName table = SqlNames.tableName(node.table());
        Optional<String> role = PolicyStatements.role(node.role());
        PolicyStatements.store(context).dropMinGroupSize(table, role);
        return new UpdateCount(0, "Minimum group size dropped from " + table + PolicyStatements.scope(role));
    }
}
