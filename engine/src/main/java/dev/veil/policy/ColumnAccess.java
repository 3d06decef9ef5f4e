package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import java.util.Optional;

/**
 * How one column may be used by one principal, after every applicable policy is resolved.
 *
 * @param column the column name
 * @param columnClass the effective class
 * @param bounds clamping bounds of an AGGREGATE ONLY column, if declared
 * @param mask the mask of a MASKED column
 * @param policy a readable description of the policy that decided it, for errors and EXPLAIN
 */
public record ColumnAccess(
        String column, ColumnClass columnClass, Optional<Bounds> bounds, Optional<Mask> mask, String policy) {
    public ColumnAccess {
        requireNonNull(column, "column is null");
        requireNonNull(columnClass, "columnClass is null");
        requireNonNull(bounds, "bounds is null");
        requireNonNull(mask, "mask is null");
        requireNonNull(policy, "policy is null");
        if ((columnClass == ColumnClass.MASKED) != mask.isPresent()) {
            throw new IllegalArgumentException("column " + column + ": a mask goes with MASKED and only with it");
        }
    }

    public static ColumnAccess unrestricted(String column) {
        return new ColumnAccess(column, ColumnClass.PUBLIC, Optional.empty(), Optional.empty(), "no policy");
    }
}
