package dev.veil.exec;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRules;
import org.apache.calcite.plan.ConventionTraitDef;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.plan.volcano.VolcanoPlanner;
import org.apache.calcite.rel.RelCollationTraitDef;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.tools.Program;
import org.apache.calcite.tools.Programs;

/**
 * Turns logical plans into executable ones, in two steps with the privacy rewrite between them:
 * {@link #normalize} removes sub-queries and correlation (so the rewriter sees plain relational
 * operators), {@link #optimize} trims unused fields, orders joins heuristically and chooses the
 * physical operators. Neither step changes what a plan computes.
 */
public final class Optimizer {
    private Optimizer() {
    }

    /** A fresh cost-based planner with Calcite's standard rules and Veil's Arrow scan rules. */
    public static VolcanoPlanner newPlanner() {
        VolcanoPlanner planner = new VolcanoPlanner();
        planner.addRelTraitDef(ConventionTraitDef.INSTANCE);
        planner.addRelTraitDef(RelCollationTraitDef.INSTANCE);
        RelOptUtil.registerDefaultRules(planner, false, false);
        // A merge join needs both inputs sorted, and Calcite's enumerable sort is a TreeMap of rows:
        // on analytic equi-joins a hash join is always cheaper.
        planner.removeRule(EnumerableRules.ENUMERABLE_MERGE_JOIN_RULE);
        ArrowRules.ALL.forEach(planner::addRule);
        return planner;
    }

    /** Rewrites sub-queries into joins and decorrelates; the result has no {@code RexSubQuery}. */
    public static RelNode normalize(RelNode logical) {
        Program program = Programs.sequence(
                Programs.subQuery(DefaultRelMetadataProvider.INSTANCE),
                Programs.decorrelate());
        RelOptPlanner planner = logical.getCluster().getPlanner();
        return program.run(planner, logical, logical.getTraitSet(), List.of(), List.of());
    }

    /** Chooses the physical plan of a normalized (and privacy-rewritten) logical plan. */
    public static EnumerableRel optimize(RelNode logical) {
        RelOptPlanner planner = logical.getCluster().getPlanner();
        Program program = Programs.sequence(
                Programs.trim(),
                Programs.hep(List.of(ArrowRules.FILTER_FACTOR), true, DefaultRelMetadataProvider.INSTANCE),
                Programs.heuristicJoinOrder(planner.getRules(), false, 2),
                Programs.calc(DefaultRelMetadataProvider.INSTANCE));
        RelTraitSet desired = logical.getTraitSet().replace(EnumerableConvention.INSTANCE).simplify();
        RelNode physical = program.run(planner, logical, desired, List.of(), List.of());
        return (EnumerableRel) physical;
    }
}
