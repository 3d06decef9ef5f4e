package dev.veil.exec.scan;

import dev.veil.schema.ArrowTable;
import java.util.stream.IntStream;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.logical.LogicalTableScan;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Converts a {@link LogicalTableScan} of an {@link ArrowTable} into an {@link ArrowTableScan} of all columns. */
public final class ArrowTableScanRule extends ConverterRule {
    static final Config DEFAULT_CONFIG = Config.INSTANCE
            .withConversion(
                    LogicalTableScan.class,
                    scan -> scan.getTable().unwrap(ArrowTable.class) != null,
                    Convention.NONE,
                    EnumerableConvention.INSTANCE,
                    "ArrowTableScanRule")
            .withRuleFactory(ArrowTableScanRule::new);

    private ArrowTableScanRule(Config config) {
        super(config);
    }

    @Override
    public @Nullable RelNode convert(RelNode rel) {
        LogicalTableScan scan = (LogicalTableScan) rel;
        RelOptTable table = scan.getTable();
        ArrowTable arrowTable = table.unwrap(ArrowTable.class);
        if (arrowTable == null) {
            return null;
        }
        int[] all = IntStream.range(0, table.getRowType().getFieldCount()).toArray();
        return ArrowTableScan.create(scan.getCluster(), table, arrowTable, all, null);
    }
}
