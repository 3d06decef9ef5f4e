package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals;
import dev.veil.control.RunningStatements;
import dev.veil.control.StatementControl;
import dev.veil.sql.ast.SqlCancelStatement;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Executes {@code CANCEL STATEMENT id}: stops the running statement whose audit id is {@code id}
 * (see {@code veil.running_statements}). Its owner and admins may; anyone else gets
 * ACCESS_DENIED. The statement ends with QUERY_CANCELLED at its next check.
 */
final class CancelStatementStatement {
    private CancelStatementStatement() {}

    static UpdateCount execute(SqlCancelStatement node, StatementContext context) {
        BigDecimal written = node.id();
        long id;
        try {
            id = written.longValueExact();
        } catch (ArithmeticException e) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "A statement id is a whole number; got " + written);
        }
        Optional<RunningStatements.Running> target =
                RunningStatements.of(context.warehouse()).get(id);
        if (target.isEmpty()) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT, "No statement " + id + " is running (see veil.running_statements)");
        }
        RunningStatements.Running running = target.get();
        if (!running.user().equals(context.user())
                && !new Principals(context.warehouse().sqliteCatalog()).isAdmin(context.user())) {
            throw new VeilException(
                    ErrorCode.ACCESS_DENIED,
                    "Cancelling statement " + id + " of another user requires the admin role; user '" + context.user()
                            + "' does not have it");
        }
        if (running.control() == context.control()) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "A statement cannot cancel itself");
        }
        running.control().stop(StatementControl.Stop.CANCEL_STATEMENT, context.user());
        return new UpdateCount(0, "Statement " + id + " cancelled");
    }
}
