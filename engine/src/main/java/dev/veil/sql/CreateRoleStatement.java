package dev.veil.sql;

import dev.veil.catalog.Principals;
import dev.veil.sql.ast.SqlCreateRole;

/** Executes {@code CREATE ROLE [IF NOT EXISTS] r} (admin only). */
final class CreateRoleStatement {
    private CreateRoleStatement() {}

    static UpdateCount execute(SqlCreateRole node, StatementContext context) {
        String role = SqlNames.simpleName(node.name(), "role");
        new Principals(context.warehouse().sqliteCatalog()).createRole(role, node.ifNotExists());
        return new UpdateCount(0, "Role " + role + " created");
    }
}
