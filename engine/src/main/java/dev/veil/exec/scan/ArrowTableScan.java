package dev.veil.exec.scan;

import static java.util.Objects.requireNonNull;

import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.schema.ArrowTable;
import dev.veil.schema.ProjectedScan;
import java.util.Arrays;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.tree.Blocks;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexNode;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The physical scan of a Veil table: reads the Arrow segments of the table's version, only the
 * columns it outputs or filters on, and evaluates the pushed-down filter batch by batch.
 * The filter's input references are table column positions. Dynamic filters, placed after
 * planning by {@code join.DynamicFilterPlanner}, skip rows whose join keys a hash join above cannot match.
 */
public final class ArrowTableScan extends TableScan implements EnumerableRel, ProjectedScan, DynamicFilterTarget {
    private final ArrowTable arrowTable;
    private final int[] projects;
    private final @Nullable RexNode filter;
    private final List<ScanDynamicFilter> dynamicFilters;

    ArrowTableScan(
            RelOptCluster cluster,
            RelTraitSet traitSet,
            RelOptTable table,
            ArrowTable arrowTable,
            int[] projects,
            @Nullable RexNode filter) {
        this(cluster, traitSet, table, arrowTable, projects, filter, List.of());
    }

    private ArrowTableScan(
            RelOptCluster cluster,
            RelTraitSet traitSet,
            RelOptTable table,
            ArrowTable arrowTable,
            int[] projects,
            @Nullable RexNode filter,
            List<ScanDynamicFilter> dynamicFilters) {
        super(cluster, traitSet, List.of(), table);
        this.arrowTable = requireNonNull(arrowTable, "arrowTable is null");
        this.projects = requireNonNull(projects, "projects is null").clone();
        this.filter = filter;
        this.dynamicFilters = List.copyOf(requireNonNull(dynamicFilters, "dynamicFilters is null"));
    }

    static ArrowTableScan create(
            RelOptCluster cluster, RelOptTable table, ArrowTable arrowTable, int[] projects, @Nullable RexNode filter) {
        return new ArrowTableScan(
                cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE), table, arrowTable, projects, filter);
    }

    @Override
    public ArrowTable arrowTable() {
        return arrowTable;
    }

    /** A scan's output field holds its projected column as stored. */
    @Override
    public int keyColumn(int field) {
        return projects[field];
    }

    @Override
    public int[] projects() {
        return projects.clone();
    }

    @Nullable
    public RexNode filter() {
        return filter;
    }

    /** The dynamic filters placed on this scan. */
    @Override
    public List<ScanDynamicFilter> dynamicFilters() {
        return dynamicFilters;
    }

    /** This scan with {@code more} dynamic filters. */
    @Override
    public ArrowTableScan withDynamicFilters(List<ScanDynamicFilter> more) {
        List<ScanDynamicFilter> all = new java.util.ArrayList<>(dynamicFilters);
        all.addAll(more);
        return new ArrowTableScan(getCluster(), getTraitSet(), table, arrowTable, projects, filter, all);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new ArrowTableScan(getCluster(), traitSet, table, arrowTable, projects, filter, dynamicFilters);
    }

    @Override
    public RelDataType deriveRowType() {
        List<RelDataTypeField> fields = table.getRowType().getFieldList();
        RelDataTypeFactory.Builder builder = getCluster().getTypeFactory().builder();
        for (int p : projects) {
            builder.add(fields.get(p));
        }
        return builder.build();
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw)
                .item("projects", Arrays.toString(projects))
                .itemIf("filter", filter, filter != null)
                .itemIf("dynamicFilters", dynamicFilters, !dynamicFilters.isEmpty());
    }

    @Override
    public double estimateRowCount(RelMetadataQuery mq) {
        double rows = table.getRowCount();
        return filter == null ? rows : rows * arrowTable.selectivity(filter, this);
    }

    @Override
    public @Nullable RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
        // Cheaper with fewer columns to load and with a filter that skips building rows.
        double tableRows = table.getRowCount();
        int totalColumns = table.getRowType().getFieldCount();
        double columnFraction = (projects.length + 2d) / (totalColumns + 2d);
        double outRows = estimateRowCount(mq);
        double cpu = tableRows * columnFraction + outRows * projects.length;
        // The planner compares costs by their row component only, so that is where fewer output
        // columns must show to make it prefer the narrower of two otherwise equal scans.
        double rows = outRows * (projects.length + 1d) / (totalColumns + 1d);
        return planner.getCostFactory().makeCost(rows, cpu, tableRows * columnFraction);
    }

    @Override
    public void register(RelOptPlanner planner) {
        ArrowRules.PUSH_DOWN_RULES.forEach(planner::addRule);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY);
        boolean scalar = physType.getFormat() == JavaRowFormat.SCALAR;
        ScanPredicate predicate = filter == null ? null : ScanPredicates.compile(filter, arrowTable.definition());
        ScanSpec spec = new ScanSpec(projects, predicate, scalar, dynamicFilters);
        Expression tableExpression = implementor.stash(arrowTable, ArrowTable.class);
        Expression specExpression = implementor.stash(spec, ScanSpec.class);
        return implementor.result(
                physType,
                Blocks.toBlock(Expressions.call(
                        ArrowTableScan.class,
                        "scan",
                        tableExpression,
                        implementor.getRootExpression(),
                        specExpression)));
    }

    /** Streams the rows of {@code table} that {@code spec} selects; called from generated code. */
    public static Enumerable<Object> scan(ArrowTable table, DataContext root, ScanSpec spec) {
        requireNonNull(spec, "spec is null");
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object> enumerator() {
                return new ArrowEnumerator(
                        table.warehouse(),
                        table.definition(),
                        table.version(),
                        spec,
                        ExecutionContext.cancelFlag(root),
                        DynamicFilters.of(root),
                        root);
            }
        };
    }
}
