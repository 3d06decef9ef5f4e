package dev.veil.audit;

/** The kinds of statement the audit log tells apart, so that admins can find policy changes. */
public enum StatementKind {
    /** A statement that reads: a query, EXPLAIN, SHOW. */
    QUERY,
    /** A change of policies: privacy unit, column policy, row filter, domain, budget... */
    POLICY_CHANGE,
    /** A change of users, roles or role grants. */
    PRINCIPAL_CHANGE,
    /** Any other statement: schema and table DDL, INSERT, COPY; and text that did not parse. */
    STATEMENT,
    /**
     * A login to the server that failed (wrong password or unknown user) or was refused (too many
     * failed logins): the user name tried, the client address in the statement text, the reason.
     */
    LOGIN
}
