package dev.veil.exec.join;

import dev.veil.exec.runtime.RuleConfig;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;

/**
 * Pulls conjuncts common to every branch of an OR out in front of it:
 * {@code (a AND b) OR (a AND c)} becomes {@code a AND (b OR c)}. Without it, a join condition
 * repeated in each OR branch (TPC-H Q19) stays inside the OR and the join becomes a cross product.
 */
public final class FilterFactorRule extends RelRule<RuleConfig> {
    private FilterFactorRule(RuleConfig config) {
        super(config);
    }

    public static RuleConfig config() {
        return new RuleConfig(
                "FilterFactorRule",
                b0 -> b0.operand(Filter.class).anyInputs(),
                RelFactories.LOGICAL_BUILDER,
                FilterFactorRule::new);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        Filter filter = call.rel(0);
        RexNode condition = filter.getCondition();
        RexNode factored = RexUtil.pullFactors(filter.getCluster().getRexBuilder(), condition);
        if (!factored.equals(condition)) {
            call.transformTo(filter.copy(filter.getTraitSet(), filter.getInput(), factored));
        }
    }
}
