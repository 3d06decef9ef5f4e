package dev.veil;

import static java.util.Objects.requireNonNull;

/**
 * The stable error codes of Veil. A code's number and name never change once released; clients
 * may match on them. Codes below 1000 are user errors (the statement or input is at fault),
 * codes from 1000 up are internal errors (Veil is at fault).
 */
public enum ErrorCode {
    SYNTAX_ERROR(1, "42601"),
    UNKNOWN_SCHEMA(2, "3F000"),
    UNKNOWN_TABLE(3, "42P01"),
    UNKNOWN_COLUMN(4, "42703"),
    ALREADY_EXISTS(5, "42P07"),
    TYPE_MISMATCH(6, "42804"),
    INVALID_STATEMENT(7, "42000"),
    NOT_SUPPORTED(8, "0A000"),
    BAD_INPUT_FILE(9, "22P04"),
    FILE_NOT_FOUND(10, "58P01"),
    NOT_NULL_VIOLATION(11, "23502"),
    DATA_EXCEPTION(12, "22000"),
    DIVISION_BY_ZERO(13, "22012"),
    NUMERIC_OUT_OF_RANGE(14, "22003"),
    INVALID_ARGUMENT(15, "22023"),
    ACCESS_DENIED(16, "42501"),
    AUTHENTICATION_FAILED(17, "28P01"),
    POLICY_VIOLATION(18, "42V01"),
    BUDGET_EXHAUSTED(19, "53V01"),
    QUERY_CANCELLED(20, "57014"),
    WAREHOUSE_NOT_FOUND(21, "58V01"),
    WAREHOUSE_LOCKED(22, "55006"),
    NOT_EMPTY(23, "2BP01"),
    UNKNOWN_PRINCIPAL(24, "42704"),
    INVALID_POLICY(25, "42V02"),
    /** A concurrent statement committed a new version of the same table first; retrying may succeed. */
    WRITE_CONFLICT(26, "40001"),
    /** The statement ran longer than its time limit (server default, its role's, or the client's) and was stopped. */
    STATEMENT_TIMEOUT(27, "57014"),
    /**
     * The statement needed more memory than its limit allows, or than the server's memory pool
     * could give it in time; the statement ends, the server and other statements go on.
     */
    MEMORY_LIMIT_EXCEEDED(28, "53200"),
    /**
     * The user already ran as many statements at once as allowed (server default, or the user's
     * role's max_concurrent_statements), and none of them ended while this one waited for its turn;
     * or the connection already holds as many open statements as one connection may.
     */
    TOO_MANY_STATEMENTS(29, "53300"),
    /**
     * The statement nests expressions or sub-queries more deeply than the server plans (see
     * {@code StatementDepth}); nothing was run. Simplifying the statement helps, retrying does not.
     */
    STATEMENT_TOO_COMPLEX(30, "54001"),
    /** A prepared statement was executed with more or fewer values than it has parameters ({@code ?}). */
    WRONG_PARAMETER_COUNT(31, "07001"),
    /** A value bound to a parameter ({@code ?}) does not fit the parameter's type. */
    INVALID_PARAMETER(32, "22023"),
    /** No connection to a remote database ({@code CREATE CONNECTION}) has that name. */
    UNKNOWN_CONNECTION(40, "42704"),
    /**
     * A remote table has a column whose type Veil cannot hold (see {@code docs/scale-out.md} for the
     * mapping); the foreign table is not created.
     */
    UNSUPPORTED_REMOTE_TYPE(41, "42804"),
    /**
     * The remote database of a foreign table failed or refused the statement Veil sent it. Users
     * who are not admins get only this code, never the remote's message (it could hold row values).
     */
    REMOTE_QUERY_FAILED(42, "58V02"),
    /**
     * The warehouse is encrypted and no master key was given ({@code --key-file}, {@code VEIL_KEY_FILE}
     * or {@code VEIL_KEY_COMMAND}).
     */
    ENCRYPTION_KEY_REQUIRED(43, "28V01"),
    /** The master key given does not open the encrypted warehouse (its key ring's tag does not verify). */
    ENCRYPTION_KEY_WRONG(44, "28V02"),
    /**
     * The master key could not be obtained or is not a key: the key file is unreadable or not 32
     * bytes of hex or base64, the key command failed, or a key was given for a warehouse that is
     * not encrypted.
     */
    ENCRYPTION_KEY_INVALID(45, "28V03"),
    /**
     * The units that consent for a {@code CONSENT REQUIRED} foreign table are more than its remote
     * database takes as one statement parameter (see {@code docs/scale-out.md}); nothing was sent.
     */
    CONSENT_TOO_LARGE_FOR_REMOTE(46, "54V01"),
    /** The statement asked for a purpose ({@code SET PURPOSE}) that is not granted to the user. */
    PURPOSE_NOT_GRANTED(33, "42501"),
    /** No purpose of that name exists. */
    UNKNOWN_PURPOSE(34, "42704"),
    /** The statement reads a table that requires consent, and runs under no purpose. */
    PURPOSE_REQUIRED(35, "42V03"),
    /**
     * A {@code SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (...)} asked for more than the policies of
     * the tables it reads allow (a larger epsilon, delta or max_groups_contributed); see
     * {@code docs/differential-privacy.md}.
     */
    DP_OPTION_ABOVE_POLICY(50, "42V50"),
    /**
     * The {@code privacy_unit_column} of a {@code SELECT WITH DIFFERENTIAL_PRIVACY} is not the
     * declared privacy unit of the differentially private tables it reads.
     */
    DP_WRONG_PRIVACY_UNIT(51, "42V51"),

    INTERNAL_ERROR(1000, "XX000"),
    STORAGE_CORRUPTED(1001, "XX001"),
    STORAGE_IO_ERROR(1002, "58030");

    private final int code;
    private final String sqlState;

    ErrorCode(int code, String sqlState) {
        this.code = code;
        this.sqlState = requireNonNull(sqlState, "sqlState is null");
    }

    /** The stable numeric code, reported to JDBC clients as {@code SQLException.getErrorCode()}. */
    public int code() {
        return code;
    }

    /** The five-character SQLSTATE reported to JDBC clients. */
    public String sqlState() {
        return sqlState;
    }

    /** Whether the statement or its input is at fault, rather than Veil. */
    public boolean isUserError() {
        return code < 1000;
    }
}
