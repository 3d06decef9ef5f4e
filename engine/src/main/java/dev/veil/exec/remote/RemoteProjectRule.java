package dev.veil.exec.remote;

import java.util.List;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rex.RexNode;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Moves a projection to the remote when {@link RemoteExpressions} finds that the remote computes
 * each of its expressions as Veil does and cannot fail where Veil does not, with Veil's clamps
 * written in the remote's SQL. Replaces Calcite's JDBC projection rule, which pushes any
 * expression without a Veil function (even one that can fail remotely) and none with one.
 *
 * <p>A projection with a window ({@code OVER}) stays in Veil: Calcite's
 * {@code ProjectToWindowRule}, in the same planner, splits any projection with a window into a
 * window node of the projection's convention, which no remote convention implements (the plan
 * failed with an internal error, e.g. {@code SELECT city, MAX(n) OVER () FROM (SELECT city,
 * COUNT(*) AS n FROM t GROUP BY city)} over a foreign table).
 */
final class RemoteProjectRule extends ConverterRule {
    private RemoteProjectRule(Config config) {
        super(config);
    }

    static RemoteProjectRule create(RemoteConvention out) {
        return Config.INSTANCE
                .withConversion(Project.class, p -> true, Convention.NONE, out, "RemoteProjectRule")
                .withRuleFactory(RemoteProjectRule::new)
                .toRule(RemoteProjectRule.class);
    }

    @Override
    public boolean matches(RelOptRuleCall call) {
        Project project = call.rel(0);
        return project.getVariablesSet().isEmpty() && !project.containsOver();
    }

    @Override
    public @Nullable RelNode convert(RelNode rel) {
        Project project = (Project) rel;
        RemoteConvention out = (RemoteConvention) getOutTrait();
        List<RexNode> remote = RemoteExpressions.translate(
                project.getCluster().getRexBuilder(), out.database().kind(), false, project.getProjects());
        if (remote == null) {
            return null;
        }
        return new JdbcRules.JdbcProject(
                project.getCluster(),
                project.getTraitSet().replace(out),
                convert(project.getInput(), project.getInput().getTraitSet().replace(out)),
                remote,
                project.getRowType());
    }
}
