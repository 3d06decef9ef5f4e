package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import java.util.Optional;

/**
 * A stored {@code ALTER COLUMN c SET POLICY} policy. PUBLIC is never stored: setting it removes
 * the column's policy for that scope, which means the same thing.
 *
 * @param table the table
 * @param column the column
 * @param role the role it applies to; empty for every non-admin role
 * @param columnClass the class, never PUBLIC
 * @param bounds the clamping bounds of an AGGREGATE ONLY column, if given
 * @param mask the mask of a MASKED column
 */
public record ColumnPolicy(
        TableName table,
        String column,
        Optional<String> role,
        ColumnClass columnClass,
        Optional<Bounds> bounds,
        Optional<Mask> mask) {
    public ColumnPolicy {
        requireNonNull(table, "table is null");
        requireNonNull(column, "column is null");
        requireNonNull(role, "role is null");
        requireNonNull(columnClass, "columnClass is null");
        requireNonNull(bounds, "bounds is null");
        requireNonNull(mask, "mask is null");
        Scope.check(role);
        if (columnClass == ColumnClass.PUBLIC) {
            throw new IllegalArgumentException("PUBLIC is the absence of a column policy, not a stored one");
        }
        if (bounds.isPresent() && columnClass != ColumnClass.AGGREGATE_ONLY) {
            throw new IllegalArgumentException("bounds belong to AGGREGATE ONLY, not " + columnClass);
        }
        if ((columnClass == ColumnClass.MASKED) != mask.isPresent()) {
            throw new IllegalArgumentException("a mask goes with MASKED and only with it");
        }
    }

    /** The class as the statement writes it: {@code HIDDEN}, {@code AGGREGATE ONLY BOUNDS (0, 100)}, {@code MASKED USING YEAR}. */
    public String definition() {
        return switch (columnClass) {
            case PUBLIC -> "PUBLIC";
            case HIDDEN -> "HIDDEN";
            case JOIN_ONLY -> "JOIN ONLY";
            case AGGREGATE_ONLY ->
                "AGGREGATE ONLY" + bounds.map(b -> " BOUNDS " + b).orElse("");
            case MASKED -> "MASKED USING " + mask.orElseThrow();
        };
    }

    @Override
    public String toString() {
        return definition() + " on " + table + "." + column + " " + Scope.describe(role);
    }
}
