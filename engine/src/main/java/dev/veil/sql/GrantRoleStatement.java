package dev.veil.sql;

import dev.veil.catalog.Principals;
import dev.veil.sql.ast.SqlGrantRole;

/** Executes {@code GRANT ROLE r TO USER u} (admin only). */
final class GrantRoleStatement {
    private GrantRoleStatement() {}

    static UpdateCount execute(SqlGrantRole node, StatementContext context) {
        String role = SqlNames.simpleName(node.role(), "role");
        String user = SqlNames.simpleName(node.user(), "user");
        new Principals(context.warehouse().sqliteCatalog()).grantRole(role, user);
        return new UpdateCount(0, "Role " + role + " granted to user " + user);
    }
}
