package dev.veil.exec.privacy;

import dev.veil.exec.scan.ScanDynamicFilter;
import dev.veil.plan.DpAggregate;
import dev.veil.plan.DpSpec;
import dev.veil.schema.ArrowTable;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * {@link DpAggregate} in Calcite's enumerable convention: calls {@link DpAggregator} on its input's
 * rows, through the execution's {@link DpReleases} so it releases once per execution.
 */
public final class EnumerableDpAggregate extends DpAggregate implements EnumerableRel {
    /** How it reads its input from Arrow batches ({@link DpBatches}), or null: it reads rows. */
    private final @Nullable DpBatchPlan batches;

    private EnumerableDpAggregate(RelOptCluster cluster, RelTraitSet traits, RelNode input, DpSpec spec) {
        this(cluster, traits, input, spec, null);
    }

    private EnumerableDpAggregate(
            RelOptCluster cluster, RelTraitSet traits, RelNode input, DpSpec spec, @Nullable DpBatchPlan batches) {
        super(cluster, traits, input, spec);
        this.batches = batches;
    }

    @Nullable
    DpBatchPlan batches() {
        return batches;
    }

    /** This aggregate reading its input's batches as {@code plan} says. */
    EnumerableDpAggregate withBatches(DpBatchPlan plan) {
        return new EnumerableDpAggregate(getCluster(), getTraitSet(), getInput(), spec(), plan);
    }

    /**
     * The table column that output field {@code field}, a group key, holds as stored when this
     * aggregate reads a table's batches (skipping the table's rows whose value of that column is not
     * in a set removes exactly the input rows of the groups not in it); -1 otherwise.
     */
    public int batchKeyColumn(int field) {
        return batches == null || spec().domainMarker() >= 0
                ? -1
                : batches.groupKeyColumn(field, spec().groupKeys().size());
    }

    /** The table this aggregate reads the batches of, or null when it reads rows. */
    public @Nullable ArrowTable batchTable() {
        return batches == null ? null : batches.arrowTable();
    }

    /**
     * This aggregate reading only the table rows in {@code filters}' key sets (over columns that
     * {@link #batchKeyColumn} gave), each set fixed for the whole execution when the scan starts.
     * For key sets made from public tables only; see {@code join.DynamicFilterPlanner}.
     */
    public EnumerableDpAggregate withBatchDynamicFilters(List<ScanDynamicFilter> filters) {
        if (batches == null) {
            throw new IllegalStateException("a DP aggregate over rows takes no dynamic filter");
        }
        return new EnumerableDpAggregate(
                getCluster(), getTraitSet(), getInput(), spec(), batches.withDynamicFilters(filters));
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("path", batches == null ? "rows" : batches.toString());
    }

    static EnumerableDpAggregate createEnumerable(RelNode input, DpSpec spec) {
        RelOptCluster cluster = input.getCluster();
        return new EnumerableDpAggregate(cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE), input, spec);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new EnumerableDpAggregate(getCluster(), traitSet, sole(inputs), spec(), batches);
    }

    @Override
    public DpAggregate withSpec(DpSpec newSpec) {
        // Another budget reads the same fields: the batch plan stays. A spec that differs otherwise
        // may read other fields: its batch plan, if any, is made again by DpBatches.
        boolean sameFields =
                newSpec.withBudget(spec().epsilon(), spec().delta()).equals(spec());
        return new EnumerableDpAggregate(getCluster(), getTraitSet(), getInput(), newSpec, sameFields ? batches : null);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        BlockBuilder builder = new BlockBuilder();
        Expression spec = implementor.stash(spec(), DpSpec.class);
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY, false);
        Expression released;
        if (batches != null && batches.joins()) {
            // The input is read by the batch plan, unless its build side's keys repeat: then its rows.
            Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), Prefer.ARRAY);
            Expression rows = builder.append("dpInput", input.block);
            Expression arrays = input.physType.convertTo(rows, JavaRowFormat.ARRAY);
            released = Expressions.call(
                    Types.lookupMethod(
                            DpBatchAggregator.class,
                            "aggregate",
                            DataContext.class,
                            DpBatchPlan.class,
                            DpSpec.class,
                            org.apache.calcite.linq4j.Enumerable.class),
                    implementor.getRootExpression(),
                    implementor.stash(batches, DpBatchPlan.class),
                    spec,
                    arrays);
        } else if (batches != null) {
            // The input is read by the batch plan: its rows are never built.
            released = Expressions.call(
                    Types.lookupMethod(
                            DpBatchAggregator.class, "aggregate", DataContext.class, DpBatchPlan.class, DpSpec.class),
                    implementor.getRootExpression(),
                    implementor.stash(batches, DpBatchPlan.class),
                    spec);
        } else {
            Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), Prefer.ARRAY);
            Expression rows = builder.append("dpInput", input.block);
            Expression arrays = input.physType.convertTo(rows, JavaRowFormat.ARRAY);
            released = rowPath(implementor, arrays, spec);
        }
        if (getRowType().getFieldCount() == 1) {
            // A row of one field (group keys only) is the value itself, as Calcite's operators expect.
            released = physType.convertTo(builder.append("dpRows", released), JavaRowFormat.SCALAR);
            physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.SCALAR, false);
        }
        builder.add(Expressions.return_(null, released));
        return implementor.result(physType, builder.toBlock());
    }

    private static Expression rowPath(EnumerableRelImplementor implementor, Expression arrays, Expression spec) {
        return Expressions.call(
                Types.lookupMethod(
                        DpAggregator.class,
                        "aggregate",
                        DataContext.class,
                        org.apache.calcite.linq4j.Enumerable.class,
                        DpSpec.class),
                implementor.getRootExpression(),
                arrays,
                spec);
    }
}
