package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;

/**
 * One lookup on the way from a row to its privacy unit: the row of {@code table} whose
 * {@code keyColumn} equals the current value gives the next value from {@code nextColumn}.
 */
record UnitStep(TableName table, String keyColumn, String nextColumn) {
    UnitStep {
        requireNonNull(table, "table is null");
        requireNonNull(keyColumn, "keyColumn is null");
        requireNonNull(nextColumn, "nextColumn is null");
    }

    ColumnId key() {
        return new ColumnId(table, keyColumn);
    }

    ColumnId next() {
        return new ColumnId(table, nextColumn);
    }
}
