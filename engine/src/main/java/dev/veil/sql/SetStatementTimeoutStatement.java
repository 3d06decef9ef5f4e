package dev.veil.sql;

import dev.veil.catalog.StatementTimeouts;
import dev.veil.exec.StatementControl;
import dev.veil.sql.ast.SqlSetStatementTimeout;
import java.time.Duration;
import java.util.Optional;

/**
 * Executes {@code ALTER ROLE r SET STATEMENT_TIMEOUT = '30s' | DEFAULT} (admin only): the time
 * limit of the statements of the role's users, in place of the server's default. It applies to
 * statements that start afterwards.
 */
final class SetStatementTimeoutStatement {
    private SetStatementTimeoutStatement() {
    }

    static UpdateCount execute(SqlSetStatementTimeout node, StatementContext context) {
        AdminOnly.require(context, "ALTER ROLE ... SET STATEMENT_TIMEOUT");
        String role = SqlNames.simpleName(node.role(), "role");
        Optional<Duration> timeout = node.timeout().map(StatementTimeouts::parse);
        new StatementTimeouts(context.warehouse().sqliteCatalog()).set(role, timeout);
        return new UpdateCount(0, timeout.map(t -> "Statement time limit of role " + role + " set to "
                + StatementControl.format(t)).orElse("Role " + role + " uses the server's statement time limit"));
    }
}
