package dev.veil.exec;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What one scan reads: the table columns it outputs, in order, and an optional predicate on
 * table columns evaluated inside the scan, batch by batch.
 *
 * @param outputColumns table column positions, in output order
 * @param filter the pushed-down predicate, or null
 * @param scalar whether rows are single values rather than {@code Object[]} (one output column)
 */
public record ScanSpec(int[] outputColumns, @Nullable ScanPredicate filter, boolean scalar) {
    public ScanSpec {
        requireNonNull(outputColumns, "outputColumns is null");
        outputColumns = outputColumns.clone();
        if (scalar && outputColumns.length != 1) {
            throw new IllegalArgumentException("a scalar scan has exactly one column");
        }
    }

    /** Every table column the scan must load: the output columns and those the filter reads. */
    public int[] loadedColumns() {
        int[] filterColumns = filter == null ? new int[0] : filter.columns();
        return java.util.stream.IntStream.concat(Arrays.stream(outputColumns), Arrays.stream(filterColumns))
                .distinct().sorted().toArray();
    }

    @Override
    public String toString() {
        return "ScanSpec" + Arrays.toString(outputColumns) + (filter == null ? "" : " where " + filter);
    }
}
