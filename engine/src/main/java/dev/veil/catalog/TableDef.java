package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A table's definition as the catalog stores it.
 *
 * @param id the catalog's stable id of the table (never reused)
 * @param name the qualified name
 * @param columns the columns in order
 */
public record TableDef(long id, TableName name, List<Column> columns) {
    public TableDef {
        requireNonNull(name, "name is null");
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        if (columns.isEmpty()) {
            throw new IllegalArgumentException("table " + name + " has no columns");
        }
    }

    /** The column of that exact name, if any. */
    public Optional<Column> column(String columnName) {
        return columns.stream().filter(c -> c.name().equals(columnName)).findFirst();
    }

    /** The position of the column of that exact name, or -1. */
    public int columnIndex(String columnName) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(columnName)) {
                return i;
            }
        }
        return -1;
    }
}
