package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

/** A table's qualified name, {@code schema.table}. */
public record TableName(String schema, String table) {
    public TableName {
        requireNonNull(schema, "schema is null");
        requireNonNull(table, "table is null");
    }

    @Override
    public String toString() {
        return schema + "." + table;
    }
}
