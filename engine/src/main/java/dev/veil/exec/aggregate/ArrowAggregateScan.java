package dev.veil.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.veil.exec.scan.ArrowTableScan;
import dev.veil.exec.scan.DynamicFilterTarget;
import dev.veil.exec.scan.ScanDynamicFilter;
import dev.veil.schema.ArrowTable;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The physical operator that scans a Veil table and aggregates it in one step, over Arrow
 * batches with primitive arithmetic ({@link VectorAggregation}), in place of an aggregate over
 * an optional projection over an {@link ArrowTableScan}; {@link VectorAggregates} puts it there.
 * Its rows are the replaced aggregate's rows. EXPLAIN shows the grouping columns by name and the
 * calls and filter over table column positions, like the scan's filter. Dynamic filters on its
 * grouping columns skip the rows of groups that a join above drops.
 */
public final class ArrowAggregateScan extends AbstractRelNode implements EnumerableRel, DynamicFilterTarget {
    private final RelOptTable table;
    private final VectorAggregation aggregation;
    private final List<String> groupNames;
    private final List<String> calls;
    private final @Nullable String filter;
    private final double rowCount;
    /** The {@link GroupFilter} in EXPLAIN's words, or null. */
    private final @Nullable String groupTest;

    ArrowAggregateScan(
            RelOptCluster cluster,
            RelTraitSet traitSet,
            RelOptTable table,
            RelDataType rowType,
            VectorAggregation aggregation,
            List<String> groupNames,
            List<String> calls,
            @Nullable String filter,
            double rowCount,
            @Nullable String groupTest) {
        super(cluster, traitSet);
        this.table = requireNonNull(table, "table is null");
        this.rowType = requireNonNull(rowType, "rowType is null");
        this.aggregation = requireNonNull(aggregation, "aggregation is null");
        this.groupNames = List.copyOf(groupNames);
        this.calls = List.copyOf(calls);
        this.filter = filter;
        this.rowCount = rowCount;
        this.groupTest = groupTest;
    }

    @Override
    public RelOptTable getTable() {
        return table;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new ArrowAggregateScan(
                getCluster(), traitSet, table, rowType, aggregation, groupNames, calls, filter, rowCount, groupTest);
    }

    /** This scan without a row for the groups that fail {@code test} (see {@link GroupFilter}). */
    ArrowAggregateScan withGroupFilter(GroupFilter test) {
        return new ArrowAggregateScan(
                getCluster(),
                traitSet,
                table,
                rowType,
                aggregation.withGroupFilter(test),
                groupNames,
                calls,
                filter,
                rowCount,
                test.toString());
    }

    @Override
    public ArrowTable arrowTable() {
        return aggregation.table();
    }

    /** A grouping field holds its column as stored; skipping the column's values drops their groups only. */
    @Override
    public int keyColumn(int field) {
        return field < aggregation.groupCount() ? aggregation.groupColumn(field) : -1;
    }

    @Override
    public List<ScanDynamicFilter> dynamicFilters() {
        return aggregation.dynamicFilters();
    }

    @Override
    public ArrowAggregateScan withDynamicFilters(List<ScanDynamicFilter> more) {
        return new ArrowAggregateScan(
                getCluster(),
                traitSet,
                table,
                rowType,
                aggregation.withDynamicFilters(more),
                groupNames,
                calls,
                filter,
                rowCount,
                groupTest);
    }

    /** The aggregation this scan runs. */
    VectorAggregation aggregation() {
        return aggregation;
    }

    /** This scan with saturating integer sums, for protected rows ({@link CheckedSums}). */
    ArrowAggregateScan saturating() {
        return new ArrowAggregateScan(
                getCluster(),
                traitSet,
                table,
                rowType,
                aggregation.saturating(),
                groupNames,
                calls,
                filter,
                rowCount,
                groupTest);
    }

    @Override
    protected RelDataType deriveRowType() {
        return rowType;
    }

    @Override
    public double estimateRowCount(RelMetadataQuery mq) {
        return rowCount;
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw)
                .item("table", table.getQualifiedName())
                .item("group", String.join(", ", groupNames))
                .item("aggs", String.join(", ", calls))
                .itemIf("filter", filter, filter != null)
                .itemIf("groupFilter", groupTest, groupTest != null)
                .itemIf(
                        "dynamicFilters",
                        aggregation.dynamicFilters(),
                        !aggregation.dynamicFilters().isEmpty());
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY);
        Expression aggregationExpression = implementor.stash(aggregation, VectorAggregation.class);
        return implementor.result(
                physType,
                Blocks.toBlock(Expressions.call(aggregationExpression, "rows", implementor.getRootExpression())));
    }
}
