package dev.veil.exec.remote;

import java.util.List;
import org.apache.calcite.adapter.jdbc.JdbcRules;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Calcite's JDBC join rule, for a join whose condition the remote evaluates as Veil does and
 * without failing where Veil does not ({@link RemoteExpressions}); other joins run in Veil.
 */
final class RemoteJoinRule extends JdbcRules.JdbcJoinRule {
    private RemoteJoinRule(Config config) {
        super(config);
    }

    static RemoteJoinRule create(RemoteConvention out) {
        return JdbcRules.JdbcJoinRule.create(out)
                .config
                .withRuleFactory(RemoteJoinRule::new)
                .toRule(RemoteJoinRule.class);
    }

    @Override
    public @Nullable RelNode convert(RelNode rel) {
        Join join = (Join) rel;
        RemoteConvention out = (RemoteConvention) getOutTrait();
        if (RemoteExpressions.translate(
                        join.getCluster().getRexBuilder(), out.database().kind(), false, List.of(join.getCondition()))
                == null) {
            return null;
        }
        return super.convert(rel);
    }
}
