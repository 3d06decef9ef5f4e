package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;

/**
 * A column named by its table, e.g. the parent key of a {@code VIA} privacy unit or the column a
 * {@code DOMAIN REFERENCES} points to.
 */
public record ColumnRef(TableName table, String column) {
    public ColumnRef {
        requireNonNull(table, "table is null");
        requireNonNull(column, "column is null");
    }

    /** {@code s.t (c)}, as the policy statements write it. */
    @Override
    public String toString() {
        return table + " (" + column + ")";
    }
}
