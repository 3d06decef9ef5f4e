package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

/**
 * A column of a table.
 *
 * @param name the column name as stored (unquoted identifiers are stored in lower case)
 * @param type the column type
 * @param nullable whether the column accepts NULL
 */
public record Column(String name, ColumnType type, boolean nullable) {
    public Column {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("column name is empty");
        }
    }
}
