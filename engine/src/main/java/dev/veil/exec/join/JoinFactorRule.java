package dev.veil.exec.join;

import dev.veil.exec.runtime.RuleConfig;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;

/**
 * {@link FilterFactorRule} for the condition of an inner join: pulls conjuncts common to every
 * branch of an OR out in front of it, and adds for each column every branch restricts on its own
 * the OR of those restrictions. A query's WHERE is a filter when it is planned as written, but the
 * privacy rewrite moves it into the joins it belongs to first ({@code JoinConditions} of
 * {@code rewrite}), where the filter rule never sees it: without this rule the DP plan of TPC-H Q7
 * keeps its two nations' OR in the top join and reads every nation's suppliers, customers and
 * line items. An inner join keeps exactly the rows its condition is true for, so the added
 * conjuncts, implied by the condition, change nothing of the result; a single-column one is then
 * pushed into its input's scan.
 */
public final class JoinFactorRule extends RelRule<RuleConfig> {
    private JoinFactorRule(RuleConfig config) {
        super(config);
    }

    public static RuleConfig config() {
        return new RuleConfig(
                "JoinFactorRule",
                b0 -> b0.operand(Join.class)
                        .predicate(join -> join.getJoinType() == JoinRelType.INNER)
                        .anyInputs(),
                RelFactories.LOGICAL_BUILDER,
                JoinFactorRule::new);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        Join join = call.rel(0);
        RexNode condition = join.getCondition();
        RexBuilder rexBuilder = join.getCluster().getRexBuilder();
        RexNode factored =
                FilterFactorRule.withImpliedColumnFilters(rexBuilder, RexUtil.pullFactors(rexBuilder, condition));
        if (!factored.equals(condition)) {
            call.transformTo(join.copy(
                    join.getTraitSet(),
                    factored,
                    join.getLeft(),
                    join.getRight(),
                    join.getJoinType(),
                    join.isSemiJoinDone()));
        }
    }
}
