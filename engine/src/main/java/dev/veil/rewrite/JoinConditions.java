package dev.veil.rewrite;

import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.rules.CoreRules;

/**
 * Moves join conditions written in WHERE ({@code FROM a, b WHERE a.k = b.k}, which the converter
 * plans as a filter over a cross product) into the joins they belong to, before the rewrite checks
 * joins. This is a fixed part of the rewrite, not an optional optimization: the join checks need
 * to see each join's condition, and the rewrite runs it on every plan that reads a restricted
 * table. It only moves predicates; what the plan computes does not change.
 */
final class JoinConditions {
    private static final HepProgram PROGRAM = new HepProgramBuilder()
            .addMatchOrder(HepMatchOrder.TOP_DOWN)
            .addRuleCollection(java.util.List.of(
                    CoreRules.FILTER_PROJECT_TRANSPOSE, CoreRules.FILTER_INTO_JOIN, CoreRules.JOIN_CONDITION_PUSH))
            .build();

    private JoinConditions() {}

    static RelNode normalize(RelNode plan) {
        HepPlanner planner = new HepPlanner(PROGRAM);
        planner.setRoot(plan);
        return planner.findBestExp();
    }
}
