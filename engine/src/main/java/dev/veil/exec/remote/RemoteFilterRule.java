package dev.veil.exec.remote;

import java.util.List;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Moves a filter to the remote when {@link RemoteExpressions} finds that the remote evaluates its
 * condition as Veil does and cannot fail where Veil does not, with Veil's clamps written in the
 * remote's SQL. Replaces Calcite's JDBC filter rule (see {@link RemoteProjectRule}).
 */
final class RemoteFilterRule extends ConverterRule {
    private RemoteFilterRule(Config config) {
        super(config);
    }

    static RemoteFilterRule create(RemoteConvention out) {
        return Config.INSTANCE
                .withConversion(
                        Filter.class,
                        f -> !RexUtil.SubQueryFinder.containsSubQuery(f),
                        Convention.NONE,
                        out,
                        "RemoteFilterRule")
                .withRuleFactory(RemoteFilterRule::new)
                .toRule(RemoteFilterRule.class);
    }

    @Override
    public @Nullable RelNode convert(RelNode rel) {
        Filter filter = (Filter) rel;
        RemoteConvention out = (RemoteConvention) getOutTrait();
        List<RexNode> remote = RemoteExpressions.translate(
                filter.getCluster().getRexBuilder(), out.database().kind(), false, List.of(filter.getCondition()));
        if (remote == null) {
            return null;
        }
        return new JdbcRules.JdbcFilter(
                filter.getCluster(),
                filter.getTraitSet().replace(out),
                convert(filter.getInput(), filter.getInput().getTraitSet().replace(out)),
                remote.get(0));
    }
}
