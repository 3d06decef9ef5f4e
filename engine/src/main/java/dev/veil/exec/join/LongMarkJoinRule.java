package dev.veil.exec.join;

import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Converts a logical SEMI, ANTI or LEFT join on one or two integer-like keys into an {@link
 * EnumerableLongMarkJoin}, which hashes the left input (see {@link EnumerableLongMarkJoin#supports});
 * {@link LongHashJoinRule} offers the join that hashes the right input, and the planner takes the
 * cheaper one.
 */
public final class LongMarkJoinRule extends ConverterRule {
    /** The rule. */
    public static final LongMarkJoinRule INSTANCE = new LongMarkJoinRule(Config.INSTANCE
            .withConversion(
                    LogicalJoin.class,
                    (LogicalJoin join) -> EnumerableLongMarkJoin.supports(
                            join.getLeft(), join.getRight(), join.getCondition(), join.getJoinType()),
                    Convention.NONE,
                    EnumerableConvention.INSTANCE,
                    "LongMarkJoinRule")
            .withRuleFactory(LongMarkJoinRule::new));

    private LongMarkJoinRule(Config config) {
        super(config);
    }

    @Override
    public @Nullable RelNode convert(RelNode rel) {
        LogicalJoin join = (LogicalJoin) rel;
        RelNode left = convert(join.getLeft(), join.getLeft().getTraitSet().replace(EnumerableConvention.INSTANCE));
        RelNode right = convert(join.getRight(), join.getRight().getTraitSet().replace(EnumerableConvention.INSTANCE));
        return EnumerableLongMarkJoin.create(
                left, right, join.getCondition(), join.getVariablesSet(), join.getJoinType());
    }
}
