package dev.veil.sqltests;

import java.util.ArrayList;
import java.util.List;

/**
 * How a query orders its rows, as far as a result comparison must respect it: the 1-based output
 * columns of its {@code ORDER BY} keys, or none when the row order is unspecified.
 *
 * <p>Directions are not needed: rows whose keys tie may come in any order, so a comparison only
 * checks that runs of equal keys appear in the same sequence and hold the same rows.
 */
public record RowOrder(List<Integer> keyColumns) {
    /** Rows in any order: results are compared as multisets. */
    public static final RowOrder UNORDERED = new RowOrder(List.of());

    public RowOrder {
        keyColumns = List.copyOf(keyColumns);
        for (int column : keyColumns) {
            if (column < 1) {
                throw new IllegalArgumentException("Order key columns are 1-based: " + column);
            }
        }
    }

    /** Rows ordered by the given 1-based output columns, most significant first. */
    public static RowOrder by(int... keyColumns) {
        if (keyColumns.length == 0) {
            throw new IllegalArgumentException("An ordered result needs at least one key column");
        }
        List<Integer> columns = new ArrayList<>();
        for (int column : keyColumns) {
            columns.add(column);
        }
        return new RowOrder(columns);
    }

    /** Whether the row order matters at all. */
    public boolean isOrdered() {
        return !keyColumns.isEmpty();
    }
}
