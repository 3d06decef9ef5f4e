package dev.veil.sql;

import dev.veil.sql.ast.SqlAlterUserPassword;

/** Executes {@code ALTER USER u PASSWORD 'x'} (admin only). The password is hashed and never echoed. */
final class AlterUserPasswordStatement {
    private AlterUserPasswordStatement() {
    }

    static UpdateCount execute(SqlAlterUserPassword node, StatementContext context) {
        String user = SqlNames.simpleName(node.user(), "user");
        AdminOnly.require(context, "ALTER USER").setPassword(user, node.password());
        return new UpdateCount(0, "Password of user " + user + " changed");
    }
}
