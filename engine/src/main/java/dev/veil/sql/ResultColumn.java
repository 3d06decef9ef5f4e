package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import org.apache.calcite.rel.type.RelDataType;

/**
 * One column of a query's result.
 *
 * @param name the column label
 * @param type its SQL type, with nullability
 */
public record ResultColumn(String name, RelDataType type) {
    public ResultColumn {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }
}
