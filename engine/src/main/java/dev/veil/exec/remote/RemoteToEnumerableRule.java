package dev.veil.exec.remote;

import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Ends a remote sub-plan: its rows come back into Veil's enumerable plan through a
 * {@link RemoteToEnumerable}. Only sub-plans whose every output column has a type Veil reads back
 * ({@link RemoteRows#supports}) end here; the others go on to an operator Veil runs.
 */
final class RemoteToEnumerableRule extends ConverterRule {
    private RemoteToEnumerableRule(Config config) {
        super(config);
    }

    static RemoteToEnumerableRule create(RemoteConvention convention) {
        return Config.INSTANCE
                .withConversion(
                        RelNode.class,
                        r -> RemoteRows.supports(r.getRowType()),
                        convention,
                        EnumerableConvention.INSTANCE,
                        "RemoteToEnumerableRule")
                .withRuleFactory(RemoteToEnumerableRule::new)
                .toRule(RemoteToEnumerableRule.class);
    }

    @Override
    public @Nullable RelNode convert(RelNode rel) {
        RelTraitSet traits = rel.getTraitSet().replace(getOutTrait());
        return new RemoteToEnumerable(rel.getCluster(), traits, rel, (RemoteConvention) getInTrait());
    }
}
