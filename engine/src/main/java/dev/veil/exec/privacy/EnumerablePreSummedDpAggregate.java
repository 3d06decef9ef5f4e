package dev.veil.exec.privacy;

import dev.veil.plan.DpAggregate;
import dev.veil.plan.DpSpec;
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

/**
 * {@link DpAggregate} in Calcite's enumerable convention over rows summed per (group, unit) by a
 * remote database: calls {@link PreSummedDpAggregator} on its input's rows (laid out as that class
 * says), through the execution's {@link DpReleases} so it releases once per execution. Built only
 * by the optimizer's remote pushdown, never by a rule.
 */
public final class EnumerablePreSummedDpAggregate extends DpAggregate implements EnumerableRel {
    private EnumerablePreSummedDpAggregate(RelOptCluster cluster, RelTraitSet traits, RelNode input, DpSpec spec) {
        super(cluster, traits, input, spec);
    }

    /** The aggregate of {@code spec} over pre-summed {@code input}, which {@link PreSummedDpAggregator#supports} must accept. */
    public static EnumerablePreSummedDpAggregate create(RelNode input, DpSpec spec) {
        if (!PreSummedDpAggregator.supports(spec)) {
            throw new IllegalArgumentException("the DP aggregate cannot take pre-summed rows");
        }
        RelOptCluster cluster = input.getCluster();
        return new EnumerablePreSummedDpAggregate(
                cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE), input, spec);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new EnumerablePreSummedDpAggregate(getCluster(), traitSet, sole(inputs), spec());
    }

    /** True: its remote statement was laid out for the spec it was planned with. */
    @Override
    public boolean plannedForBudget() {
        return true;
    }

    @Override
    public DpAggregate withSpec(DpSpec newSpec) {
        return new EnumerablePreSummedDpAggregate(getCluster(), getTraitSet(), getInput(), newSpec);
    }

    @Override
    public org.apache.calcite.rel.RelWriter explainTerms(org.apache.calcite.rel.RelWriter pw) {
        return super.explainTerms(pw).item("input", "pre-summed per (group, unit), clamped again");
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        BlockBuilder builder = new BlockBuilder();
        Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), Prefer.ARRAY);
        Expression rows = builder.append("dpInput", input.block);
        Expression arrays = input.physType.convertTo(rows, JavaRowFormat.ARRAY);
        Expression spec = implementor.stash(spec(), DpSpec.class);
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY, false);
        Expression released = Expressions.call(
                Types.lookupMethod(
                        PreSummedDpAggregator.class,
                        "aggregate",
                        DataContext.class,
                        org.apache.calcite.linq4j.Enumerable.class,
                        DpSpec.class),
                implementor.getRootExpression(),
                arrays,
                spec);
        if (getRowType().getFieldCount() == 1) {
            // A row of one field (group keys only) is the value itself, as Calcite's operators expect.
            released = physType.convertTo(builder.append("dpRows", released), JavaRowFormat.SCALAR);
            physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.SCALAR, false);
        }
        builder.add(Expressions.return_(null, released));
        return implementor.result(physType, builder.toBlock());
    }
}
