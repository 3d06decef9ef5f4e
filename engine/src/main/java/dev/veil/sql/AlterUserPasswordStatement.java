package dev.veil.sql;

import dev.veil.catalog.Principals;
import dev.veil.sql.ast.SqlAlterUserPassword;

/**
 * Executes {@code ALTER USER u PASSWORD 'x'} (admin only) and {@code ALTER USER CURRENT_USER
 * PASSWORD 'x'} (any user, for their own password). The password is hashed and never echoed.
 */
final class AlterUserPasswordStatement {
    private AlterUserPasswordStatement() {}

    static UpdateCount execute(SqlAlterUserPassword node, StatementContext context) {
        if (node.user().isEmpty()) {
            String self = context.user();
            new Principals(context.warehouse().sqliteCatalog()).setPassword(self, node.password());
            return new UpdateCount(0, "Password of user " + self + " changed");
        }
        String user = SqlNames.simpleName(node.user().get(), "user");
        new Principals(context.warehouse().sqliteCatalog()).setPassword(user, node.password());
        return new UpdateCount(0, "Password of user " + user + " changed");
    }
}
