package dev.veil.sql;

/**
 * Who may run a kind of statement; {@link StatementRegistry} checks it before the statement's
 * executor runs, so no executor checks it again.
 */
public enum Privilege {
    /** Only users who hold the admin role. */
    ADMIN,
    /** Every authenticated user; what the statement reads or writes is governed by the user's policies. */
    ANY_USER,
    /**
     * Every authenticated user, on what is their own; acting on another user's object needs the
     * admin role, which the executor checks against the object it finds (CANCEL STATEMENT).
     */
    OWNER_OR_ADMIN
}
