package dev.veil.exec.join;

import dev.veil.exec.runtime.RuleConfig;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Pulls conjuncts common to every branch of an OR out in front of it:
 * {@code (a AND b) OR (a AND c)} becomes {@code a AND (b OR c)}. Without it, a join condition
 * repeated in each OR branch (TPC-H Q19) stays inside the OR and the join becomes a cross product.
 *
 * <p>It also adds, for each column that every branch of an OR restricts on its own, the OR of
 * those restrictions: {@code (x = 1 AND y = 2) OR (x = 3 AND y = 4)} gains {@code (x = 1 OR x = 3)
 * AND (y = 2 OR y = 4)}. Each added conjunct is implied by the OR (a row for which the OR is true
 * satisfies one branch, hence that branch's restrictions), so the filter keeps exactly the same
 * rows; but a single-column conjunct can be pushed into the scan of its table (TPC-H Q7's two
 * nations, Q19's parts). A column that the filter already restricts on its own gets nothing more,
 * which also keeps the rule from firing again on its own result.
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
        RexBuilder rexBuilder = filter.getCluster().getRexBuilder();
        RexNode factored = withImpliedColumnFilters(rexBuilder, RexUtil.pullFactors(rexBuilder, condition));
        if (!factored.equals(condition)) {
            call.transformTo(filter.copy(filter.getTraitSet(), filter.getInput(), factored));
        }
    }

    /** {@code condition} and, for each column every branch of one of its ORs restricts alone, the OR of those restrictions. */
    static RexNode withImpliedColumnFilters(RexBuilder rexBuilder, RexNode condition) {
        List<RexNode> conjuncts = RelOptUtil.conjunctions(condition);
        Set<Integer> restricted = new HashSet<>();
        for (RexNode conjunct : conjuncts) {
            int column = soleColumn(conjunct);
            if (column >= 0) {
                restricted.add(column);
            }
        }
        List<RexNode> added = new ArrayList<>();
        for (RexNode conjunct : conjuncts) {
            if (conjunct.getKind() != SqlKind.OR || !RexUtil.isDeterministic(conjunct)) {
                continue;
            }
            List<Map<Integer, List<RexNode>>> branches = new ArrayList<>();
            for (RexNode branch : RelOptUtil.disjunctions(conjunct)) {
                Map<Integer, List<RexNode>> byColumn = new TreeMap<>();
                for (RexNode part : RelOptUtil.conjunctions(branch)) {
                    int column = soleColumn(part);
                    if (column >= 0) {
                        byColumn.computeIfAbsent(column, c -> new ArrayList<>()).add(part);
                    }
                }
                branches.add(byColumn);
            }
            Set<Integer> common = new HashSet<>(branches.get(0).keySet());
            branches.forEach(b -> common.retainAll(b.keySet()));
            for (int column : new TreeMap<>(branches.get(0)).keySet()) {
                if (!common.contains(column) || !restricted.add(column)) {
                    continue;
                }
                List<RexNode> alternatives = new ArrayList<>();
                for (Map<Integer, List<RexNode>> branch : branches) {
                    alternatives.add(RexUtil.composeConjunction(rexBuilder, branch.get(column)));
                }
                added.add(RexUtil.composeDisjunction(rexBuilder, alternatives));
            }
        }
        if (added.isEmpty()) {
            return condition;
        }
        List<RexNode> all = new ArrayList<>(conjuncts);
        all.addAll(added);
        return RexUtil.composeConjunction(rexBuilder, all);
    }

    /** The one input column {@code e} reads, or -1 if it reads none or several. */
    private static int soleColumn(RexNode e) {
        ImmutableBitSet columns = RelOptUtil.InputFinder.bits(e);
        return columns.cardinality() == 1 ? columns.nth(0) : -1;
    }
}
