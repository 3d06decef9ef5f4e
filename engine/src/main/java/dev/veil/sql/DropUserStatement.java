package dev.veil.sql;

import dev.veil.catalog.Principals;
import dev.veil.sql.ast.SqlDropObject;

/** Executes {@code DROP USER [IF EXISTS] u} (admin only); the last admin cannot be dropped. */
final class DropUserStatement {
    private DropUserStatement() {}

    static UpdateCount execute(SqlDropObject node, StatementContext context) {
        String user = SqlNames.simpleName(node.name(), "user");
        new Principals(context.warehouse().sqliteCatalog()).dropUser(user, node.ifExists());
        return new UpdateCount(0, "User " + user + " dropped");
    }
}
