package dev.veil.sql;

import dev.veil.catalog.Principals;
import dev.veil.sql.ast.SqlCreateUser;

/**
 * Executes {@code CREATE USER [IF NOT EXISTS] u PASSWORD 'x' [ROLE r]} (admin only); without a
 * role the user is an analyst. The password is hashed and never echoed.
 */
final class CreateUserStatement {
    private CreateUserStatement() {}

    static UpdateCount execute(SqlCreateUser node, StatementContext context) {
        String user = SqlNames.simpleName(node.name(), "user");
        String role = node.role().map(r -> SqlNames.simpleName(r, "role")).orElse(null);
        new Principals(context.warehouse().sqliteCatalog()).createUser(user, node.password(), role, node.ifNotExists());
        return new UpdateCount(0, "User " + user + " created");
    }
}
