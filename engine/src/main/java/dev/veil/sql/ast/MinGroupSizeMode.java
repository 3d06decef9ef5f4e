package dev.veil.sql.ast;

/** What {@code MIN GROUP SIZE} does with a group of too few privacy units. */
public enum MinGroupSizeMode {
    /** The group is dropped from the result (the default). */
    SUPPRESS,
    /** The group's rows are merged into one remainder row whose grouping keys are NULL. */
    REMAINDER
}
