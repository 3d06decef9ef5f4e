package dev.veil.sql;

import dev.veil.catalog.Principals;
import dev.veil.sql.ast.SqlDropObject;

/** Executes {@code DROP ROLE [IF EXISTS] r} (admin only); users that held the role lose it. */
final class DropRoleStatement {
    private DropRoleStatement() {}

    static UpdateCount execute(SqlDropObject node, StatementContext context) {
        String role = SqlNames.simpleName(node.name(), "role");
        new Principals(context.warehouse().sqliteCatalog()).dropRole(role, node.ifExists());
        return new UpdateCount(0, "Role " + role + " dropped");
    }
}
