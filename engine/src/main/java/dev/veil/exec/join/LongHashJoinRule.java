package dev.veil.exec.join;

import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Converts a logical join on one or two integer-like keys into an {@link EnumerableLongHashJoin}
 * (see {@link EnumerableLongHashJoin#supports}); Calcite's join rule still offers its own
 * operators for the same join, and the cheaper estimate ({@link HashJoinCost}) makes the planner
 * take this one.
 */
public final class LongHashJoinRule extends ConverterRule {
    /** The rule. */
    public static final LongHashJoinRule INSTANCE = new LongHashJoinRule(Config.INSTANCE
            .withConversion(
                    LogicalJoin.class,
                    (LogicalJoin join) -> EnumerableLongHashJoin.supports(
                            join.getLeft(), join.getRight(), join.getCondition(), join.getJoinType()),
                    Convention.NONE,
                    EnumerableConvention.INSTANCE,
                    "LongHashJoinRule")
            .withRuleFactory(LongHashJoinRule::new));

    private LongHashJoinRule(Config config) {
        super(config);
    }

    @Override
    public @Nullable RelNode convert(RelNode rel) {
        LogicalJoin join = (LogicalJoin) rel;
        RelNode left = convert(join.getLeft(), join.getLeft().getTraitSet().replace(EnumerableConvention.INSTANCE));
        RelNode right = convert(join.getRight(), join.getRight().getTraitSet().replace(EnumerableConvention.INSTANCE));
        return EnumerableLongHashJoin.create(
                left, right, join.getCondition(), join.getVariablesSet(), join.getJoinType());
    }
}
