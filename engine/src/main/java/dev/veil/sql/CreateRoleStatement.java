package dev.veil.sql;

import dev.veil.sql.ast.SqlCreateRole;

/** Executes {@code CREATE ROLE [IF NOT EXISTS] r} (admin only). */
final class CreateRoleStatement {
    private CreateRoleStatement() {
    }

    static UpdateCount execute(SqlCreateRole node, StatementContext context) {
        String role = SqlNames.simpleName(node.name(), "role");
        AdminOnly.require(context, "CREATE ROLE").createRole(role, node.ifNotExists());
        return new UpdateCount(0, "Role " + role + " created");
    }
}
