package dev.veil.jdbc;

import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLFeatureNotSupportedException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLSyntaxErrorException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransactionRollbackException;
import java.util.List;
import org.apache.calcite.avatica.AvaticaClientRuntimeException;
import org.apache.calcite.avatica.AvaticaSeverity;
import org.apache.calcite.avatica.AvaticaSqlException;

/**
 * The exceptions the driver throws: JDBC's {@code SQLException} subclass for the SQLSTATE class,
 * with the server's message ({@code VEIL-0003 UNKNOWN_TABLE: ...}), SQLSTATE and Veil's error
 * code. Messages never repeat the statement's text (it may hold a password).
 */
final class Errors {
    /** Veil's codes for the errors the driver itself reports; the same numbers as the server's. */
    static final int AUTHENTICATION_FAILED = 17;

    static final int QUERY_CANCELLED = 20;
    static final int STATEMENT_TIMEOUT = 27;
    static final String AUTHENTICATION_FAILED_STATE = "28P01";
    static final String QUERY_CANCELLED_STATE = "57014";
    static final String CONNECTION_FAILED_STATE = "08001";

    private static final String EXECUTE_PREFIX = "Error while executing SQL \"";
    /** What Avatica's client puts before every message from the server. */
    private static final String REMOTE_PREFIX = "Remote driver error: ";

    private Errors() {}

    /** A client-side error that Avatica turns into an {@code SQLException} with this code and state. */
    static AvaticaClientRuntimeException client(String message, int code, String sqlState) {
        return new AvaticaClientRuntimeException(message, code, sqlState, AvaticaSeverity.ERROR, List.of(), null);
    }

    static AvaticaClientRuntimeException authenticationFailed(String user) {
        String message = user == null
                ? "The server requires a user name and password: set the 'user' and 'password' connection properties"
                : "Authentication failed for user '" + user + "': unknown user or wrong password";
        return client(
                "VEIL-0017 AUTHENTICATION_FAILED: " + message, AUTHENTICATION_FAILED, AUTHENTICATION_FAILED_STATE);
    }

    /** The server refused to check the password: too many failed logins for this user or address. */
    static AvaticaClientRuntimeException loginThrottled(String user, String retryAfterSeconds) {
        String wait = retryAfterSeconds == null || !retryAfterSeconds.matches("[0-9]{1,6}")
                ? "a while"
                : retryAfterSeconds + " s";
        return client(
                "VEIL-0017 AUTHENTICATION_FAILED: Too many failed logins for user '" + user
                        + "' or from this address; retry after " + wait,
                AUTHENTICATION_FAILED,
                AUTHENTICATION_FAILED_STATE);
    }

    /** Any failure while connecting or running a request, as an {@code SQLException}. */
    static SQLException toSqlException(Throwable e) {
        if (e instanceof SQLException s) {
            return rebuild(s, null);
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AvaticaClientRuntimeException a) {
                return of(a.getMessage(), a.getSqlState(), a.getErrorCode(), false);
            }
        }
        return new SQLNonTransientConnectionException(String.valueOf(e.getMessage()), CONNECTION_FAILED_STATE, 0, e);
    }

    /**
     * The exception a failed execution reports: the server's message without Avatica's echo of the
     * statement, and an {@code SQLTimeoutException} when the driver cancelled it for its timeout.
     */
    static SQLException rebuild(SQLException e, String sql) {
        String message = e instanceof AvaticaSqlException a ? a.getErrorMessage() : e.getMessage();
        if (message != null && message.startsWith(EXECUTE_PREFIX)) {
            String echo = sql == null ? null : EXECUTE_PREFIX + sql + "\": ";
            if (echo != null && message.startsWith(echo)) {
                message = message.substring(echo.length());
            } else {
                int veil = message.indexOf("\": VEIL-");
                message = veil >= 0
                        ? message.substring(veil + 3)
                        : "Statement failed: " + message.substring(message.lastIndexOf("\": ") + 3);
            }
        }
        SQLException rebuilt = of(message, e.getSQLState(), e.getErrorCode(), false);
        rebuilt.setNextException(e.getNextException());
        return rebuilt;
    }

    /** The error of a statement the driver cancelled for its query timeout ({@code setQueryTimeout}). */
    static SQLException timedOut(int seconds) {
        return of(
                "VEIL-0027 STATEMENT_TIMEOUT: The statement ran longer than its query timeout of " + seconds
                        + " s and was stopped",
                QUERY_CANCELLED_STATE,
                STATEMENT_TIMEOUT,
                true);
    }

    /**
     * The JDBC exception class for a SQLSTATE; {@code SQLTimeoutException} for a timeout (the
     * driver's own, or the server's STATEMENT_TIMEOUT).
     */
    static SQLException of(String text, String sqlState, int code, boolean timeout) {
        String message = text != null && text.startsWith(REMOTE_PREFIX) ? text.substring(REMOTE_PREFIX.length()) : text;
        if (timeout || code == STATEMENT_TIMEOUT) {
            return new SQLTimeoutException(message, sqlState, code);
        }
        String c = sqlState == null || sqlState.length() < 2 ? "" : sqlState.substring(0, 2);
        return switch (c) {
            case "28" -> new SQLInvalidAuthorizationSpecException(message, sqlState, code);
            case "08" -> new SQLNonTransientConnectionException(message, sqlState, code);
            case "42" -> new SQLSyntaxErrorException(message, sqlState, code);
            case "0A" -> new SQLFeatureNotSupportedException(message, sqlState, code);
            case "22" -> new SQLDataException(message, sqlState, code);
            case "23" -> new SQLIntegrityConstraintViolationException(message, sqlState, code);
            case "40" -> new SQLTransactionRollbackException(message, sqlState, code);
            default -> new SQLException(message, sqlState, code);
        };
    }
}
