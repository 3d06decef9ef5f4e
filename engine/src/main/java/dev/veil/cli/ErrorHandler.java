package dev.veil.cli;

import dev.veil.VeilException;
import java.sql.SQLException;
import picocli.CommandLine;

/**
 * Prints a command's failure as one line on standard error, without a stack trace, and chooses
 * the exit status: 1 for user errors, 2 for internal ones.
 */
final class ErrorHandler implements CommandLine.IExecutionExceptionHandler {
    @Override
    public int handleExecutionException(Exception e, CommandLine commandLine, CommandLine.ParseResult parseResult) {
        commandLine.getErr().println("veil: " + message(e));
        commandLine.getErr().flush();
        return status(e);
    }

    /** 2 for an internal error (a Veil error code from 1000 up, also through JDBC), else 1. */
    static int status(Throwable e) {
        if (e instanceof VeilException v) {
            return v.errorCode().isUserError() ? 1 : 2;
        }
        if (e instanceof SQLException s) {
            return s.getErrorCode() >= 1000 ? 2 : 1;
        }
        return 1;
    }

    static String message(Throwable e) {
        if (e instanceof VeilException v) {
            return v.clientMessage();
        }
        if (e instanceof SQLException s) {
            return sqlMessage(s);
        }
        return String.valueOf(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /** Veil's own message, without what Avatica puts before it ({@code Error 3 (42P01) : ...}). */
    static String sqlMessage(SQLException e) {
        String m = String.valueOf(e.getMessage());
        int i = m.indexOf("VEIL-");
        return i >= 0 ? m.substring(i) : m;
    }
}
