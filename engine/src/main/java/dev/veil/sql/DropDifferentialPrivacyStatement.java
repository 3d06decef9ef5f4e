package dev.veil.sql;

import dev.veil.catalog.TableName;
import dev.veil.sql.ast.SqlDropTablePolicy;
import java.util.Optional;

/**
 * Executes {@code ALTER TABLE s.t DROP DIFFERENTIAL PRIVACY [FOR ROLE r]} (admin only); dropping a
 * policy the table does not have for that scope fails, as DROP ROW FILTER does.
 */
final class DropDifferentialPrivacyStatement {
    private DropDifferentialPrivacyStatement() {}

    static UpdateCount execute(SqlDropTablePolicy node, StatementContext context) {
        var store = PolicyStatements.store(context);
        TableName table = SqlNames.tableName(node.table(), context);
        Optional<String> role = PolicyStatements.role(node.role());
        store.dropDifferentialPrivacy(table, role);
        return new UpdateCount(0, "Differential privacy dropped from " + table + PolicyStatements.scope(role));
    }
}
