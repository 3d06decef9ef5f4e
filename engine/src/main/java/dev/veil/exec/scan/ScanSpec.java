package dev.veil.exec.scan;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What one scan reads: the table columns it outputs, in order, and an optional predicate on
 * table columns evaluated inside the scan, batch by batch, and the dynamic filters whose key sets
 * hash joins publish while the statement runs.
 *
 * @param outputColumns table column positions, in output order
 * @param filter the pushed-down predicate, or null
 * @param scalar whether rows are single values rather than {@code Object[]} (one output column)
 * @param dynamicFilters the dynamic filters the scan applies once their key sets are complete
 */
public record ScanSpec(
        int[] outputColumns, @Nullable ScanPredicate filter, boolean scalar, List<ScanDynamicFilter> dynamicFilters) {
    public ScanSpec {
        requireNonNull(outputColumns, "outputColumns is null");
        outputColumns = outputColumns.clone();
        if (scalar && outputColumns.length != 1) {
            throw new IllegalArgumentException("a scalar scan has exactly one column");
        }
        dynamicFilters = List.copyOf(requireNonNull(dynamicFilters, "dynamicFilters is null"));
    }

    /** A spec without dynamic filters. */
    public ScanSpec(int[] outputColumns, @Nullable ScanPredicate filter, boolean scalar) {
        this(outputColumns, filter, scalar, List.of());
    }

    /** Every table column the scan must load: the output columns and those the filters read. */
    public int[] loadedColumns() {
        int[] filterColumns = filter == null ? new int[0] : filter.columns();
        int[] dynamicColumns =
                dynamicFilters.stream().mapToInt(ScanDynamicFilter::tableColumn).toArray();
        return java.util.stream.IntStream.concat(
                        java.util.stream.IntStream.concat(Arrays.stream(outputColumns), Arrays.stream(filterColumns)),
                        Arrays.stream(dynamicColumns))
                .distinct()
                .sorted()
                .toArray();
    }

    @Override
    public String toString() {
        return "ScanSpec" + Arrays.toString(outputColumns) + (filter == null ? "" : " where " + filter)
                + (dynamicFilters.isEmpty() ? "" : " dynamic " + dynamicFilters);
    }
}
