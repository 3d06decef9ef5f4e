package dev.veil.exec.privacy;

import static java.util.Objects.requireNonNull;

import dev.veil.dp.StepGrid;
import dev.veil.plan.DpAggregate;
import dev.veil.plan.DpSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;

/**
 * {@link DpAggregate} in Calcite's enumerable convention over rows a remote database summed per
 * group: calls {@link GroupSummedDpAggregator} on its input's rows (laid out as that class says),
 * through the execution's {@link DpReleases} so it releases once per execution. It holds the step
 * grids its remote statement was written for. Built only by the optimizer's remote pushdown.
 */
public final class EnumerableGroupSummedDpAggregate extends DpAggregate implements EnumerableRel {
    private final List<StepGrid> grids;

    private EnumerableGroupSummedDpAggregate(
            RelOptCluster cluster, RelTraitSet traits, RelNode input, DpSpec spec, List<StepGrid> grids) {
        super(cluster, traits, input, spec);
        this.grids = Collections.unmodifiableList(new ArrayList<>(requireNonNull(grids, "grids is null")));
    }

    /** The aggregate of {@code spec} over group-summed {@code input} whose steps are of {@code grids}. */
    public static EnumerableGroupSummedDpAggregate create(RelNode input, DpSpec spec, List<StepGrid> grids) {
        if (!grids.equals(GroupSummedDpAggregator.grids(spec))) {
            throw new IllegalArgumentException("the DP aggregate cannot take rows summed per group on these grids");
        }
        RelOptCluster cluster = input.getCluster();
        return new EnumerableGroupSummedDpAggregate(
                cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE), input, spec, grids);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new EnumerableGroupSummedDpAggregate(getCluster(), traitSet, sole(inputs), spec(), grids);
    }

    /** True: its remote statement counts in the steps of its budget's grids. */
    @Override
    public boolean plannedForBudget() {
        return true;
    }

    @Override
    public DpAggregate withSpec(DpSpec newSpec) {
        return new EnumerableGroupSummedDpAggregate(getCluster(), getTraitSet(), getInput(), newSpec, grids);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw)
                .item(
                        "input",
                        "summed per group in the remote (units, rows, unit totals in grid steps), clamped again per group");
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        BlockBuilder builder = new BlockBuilder();
        Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), Prefer.ARRAY);
        Expression rows = builder.append("dpInput", input.block);
        Expression arrays = input.physType.convertTo(rows, JavaRowFormat.ARRAY);
        Expression spec = implementor.stash(spec(), DpSpec.class);
        Expression stepGrids = implementor.stash(grids, List.class);
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY, false);
        Expression released = Expressions.call(
                Types.lookupMethod(
                        GroupSummedDpAggregator.class,
                        "aggregate",
                        DataContext.class,
                        Enumerable.class,
                        DpSpec.class,
                        List.class),
                implementor.getRootExpression(),
                arrays,
                spec,
                stepGrids);
        if (getRowType().getFieldCount() == 1) {
            released = physType.convertTo(builder.append("dpRows", released), JavaRowFormat.SCALAR);
            physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.SCALAR, false);
        }
        builder.add(Expressions.return_(null, released));
        return implementor.result(physType, builder.toBlock());
    }
}
