package dev.veil.exec.scan;

import dev.veil.schema.ArrowTable;
import java.util.List;
import org.apache.calcite.rel.RelNode;

/**
 * A physical operator that reads a stored table and can skip the table's rows by dynamic filters
 * ({@link ScanDynamicFilter}) on some of its output fields: the scan ({@link ArrowTableScan}) and
 * the aggregation fused over a scan (on its group keys). {@code join.DynamicFilterPlanner} places
 * the filters.
 */
public interface DynamicFilterTarget {
    /** The table it reads. */
    ArrowTable arrowTable();

    /**
     * The table column that output field {@code field} holds such that skipping the table's rows
     * whose value of that column is not in a set removes exactly the output rows whose value of
     * {@code field} is not in it, and nothing else; -1 for a field without one.
     */
    int keyColumn(int field);

    /** The dynamic filters placed on it. */
    List<ScanDynamicFilter> dynamicFilters();

    /** This operator with {@code more} dynamic filters, over table columns that {@link #keyColumn} gave. */
    RelNode withDynamicFilters(List<ScanDynamicFilter> more);
}
