package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;

/**
 * A stored column: a field whose value is exactly this column's raw value carries it as its
 * identity, which is how a join is recognized as following a declared foreign key.
 */
record ColumnId(TableName table, String column) {
    ColumnId {
        requireNonNull(table, "table is null");
        requireNonNull(column, "column is null");
    }

    @Override
    public String toString() {
        return table + "." + column;
    }
}
