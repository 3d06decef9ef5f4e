package dev.veil.policy;

/**
 * How a column may be used by a role (docs/privacy-model.md). Ordered from least to most restrictive, so
 * that when several policies apply to one user the most restrictive one wins.
 */
public enum ColumnClass {
    /** Projected, grouped, filtered and aggregated freely. */
    PUBLIC,
    /** Everywhere as {@code mask(column)}, never raw. */
    MASKED,
    /** Only inside aggregate arguments (clamped to the bounds, if any) and in WHERE. */
    AGGREGATE_ONLY,
    /** Only as a join key in an equality join condition. */
    JOIN_ONLY,
    /** Does not exist for the role: not in {@code SELECT *}, not in metadata, not nameable. */
    HIDDEN;

    /** The more restrictive of two classes. */
    public ColumnClass strictest(ColumnClass other) {
        return compareTo(other) >= 0 ? this : other;
    }
}
