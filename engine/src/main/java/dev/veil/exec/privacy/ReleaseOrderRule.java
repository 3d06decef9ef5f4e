package dev.veil.exec.privacy;

import dev.veil.plan.ReleaseOrder;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Converts a logical {@link ReleaseOrder} into an {@link EnumerableReleaseOrder} over an enumerable input. */
public final class ReleaseOrderRule extends ConverterRule {
    static final Config DEFAULT_CONFIG = Config.INSTANCE
            .withConversion(
                    ReleaseOrder.class,
                    rel -> !(rel instanceof EnumerableReleaseOrder),
                    Convention.NONE,
                    EnumerableConvention.INSTANCE,
                    "ReleaseOrderRule")
            .withRuleFactory(ReleaseOrderRule::new);

    private ReleaseOrderRule(Config config) {
        super(config);
    }

    @Override
    public @Nullable RelNode convert(RelNode rel) {
        ReleaseOrder order = (ReleaseOrder) rel;
        RelNode input =
                convert(order.getInput(), order.getInput().getTraitSet().replace(EnumerableConvention.INSTANCE));
        return EnumerableReleaseOrder.createEnumerable(input);
    }
}
