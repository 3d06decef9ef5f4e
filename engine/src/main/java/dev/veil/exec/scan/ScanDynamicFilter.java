package dev.veil.exec.scan;

/**
 * A dynamic filter applied by a scan: rows whose value of {@code tableColumn} is NULL or not in the
 * key set that the hash join's build side published under {@code id} are skipped, once that set
 * is complete (see {@link DynamicFilters}).
 *
 * @param id the filter's number within its plan
 * @param tableColumn the table column position of the probe key (BIGINT, INTEGER or DATE)
 */
public record ScanDynamicFilter(int id, int tableColumn) {
    public ScanDynamicFilter {
        if (id < 0) {
            throw new IllegalArgumentException("id is negative: " + id);
        }
        if (tableColumn < 0) {
            throw new IllegalArgumentException("tableColumn is negative: " + tableColumn);
        }
    }

    @Override
    public String toString() {
        return "$" + tableColumn + " IN DF" + id;
    }
}
