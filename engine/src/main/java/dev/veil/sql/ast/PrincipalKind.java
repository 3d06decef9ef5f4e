package dev.veil.sql.ast;

/** Whether a statement names a user or a role. */
public enum PrincipalKind {
    USER,
    ROLE
}
