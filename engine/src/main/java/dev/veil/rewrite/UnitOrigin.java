package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

/**
 * Where a unit-derived value comes from: the stored column that identifies a privacy unit (the
 * unit column, or the first foreign key of a table's path to it) and the key space its values lie
 * in (the unit column itself, or the column that foreign key references). Two unit-derived values
 * may be compared only when their key spaces agree.
 *
 * @param column the stored column, named in errors
 * @param space the column whose values this one's values are
 */
record UnitOrigin(ColumnId column, ColumnId space) {
    UnitOrigin {
        requireNonNull(column, "column is null");
        requireNonNull(space, "space is null");
    }

    /**
     * The origin of a unit column as a mask or bounds transformed it: its values lie in a key
     * space of their own, equal to no raw key.
     */
    static UnitOrigin transformed(ColumnId column) {
        return new UnitOrigin(column, new ColumnId(column.table(), column.column() + " (as the policy shows it)"));
    }

    /** The origin of the start column of a table's path to its unit. */
    static UnitOrigin of(ColumnId column, UnitPathInfo path) {
        return new UnitOrigin(
                column,
                path.steps().isEmpty() ? path.domain() : path.steps().get(0).key());
    }
}
