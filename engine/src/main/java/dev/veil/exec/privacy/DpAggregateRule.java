package dev.veil.exec.privacy;

import dev.veil.plan.DpAggregate;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Converts a logical {@link DpAggregate} into an {@link EnumerableDpAggregate} over an enumerable input. */
public final class DpAggregateRule extends ConverterRule {
    static final Config DEFAULT_CONFIG = Config.INSTANCE
            .withConversion(
                    DpAggregate.class,
                    rel -> !(rel instanceof EnumerableDpAggregate),
                    Convention.NONE,
                    EnumerableConvention.INSTANCE,
                    "DpAggregateRule")
            .withRuleFactory(DpAggregateRule::new);

    private DpAggregateRule(Config config) {
        super(config);
    }

    @Override
    public @Nullable RelNode convert(RelNode rel) {
        DpAggregate dp = (DpAggregate) rel;
        RelNode input = convert(dp.getInput(), dp.getInput().getTraitSet().replace(EnumerableConvention.INSTANCE));
        return EnumerableDpAggregate.createEnumerable(input, dp.spec());
    }
}
