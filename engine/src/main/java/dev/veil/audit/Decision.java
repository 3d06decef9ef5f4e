package dev.veil.audit;

/** What became of a statement, as the audit log records it. */
public enum Decision {
    /** The policies allowed it and it ran. */
    ALLOWED,
    /** A policy, a missing privilege or the privacy budget refused it. */
    REJECTED,
    /** It failed for another reason: a syntax error, an unknown table, a runtime error. */
    FAILED
}
