package dev.veil.exec.privacy;

import dev.veil.plan.UnitLookup;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.plan.Convention;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.convert.ConverterRule;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Converts a logical {@link UnitLookup} into an {@link EnumerableUnitLookup} over an enumerable input. */
public final class UnitLookupRule extends ConverterRule {
    static final Config DEFAULT_CONFIG = Config.INSTANCE
            .withConversion(
                    UnitLookup.class,
                    rel -> !(rel instanceof EnumerableUnitLookup),
                    Convention.NONE,
                    EnumerableConvention.INSTANCE,
                    "UnitLookupRule")
            .withRuleFactory(UnitLookupRule::new);

    private UnitLookupRule(Config config) {
        super(config);
    }

    @Override
    public @Nullable RelNode convert(RelNode rel) {
        UnitLookup lookup = (UnitLookup) rel;
        RelNode input =
                convert(lookup.getInput(), lookup.getInput().getTraitSet().replace(EnumerableConvention.INSTANCE));
        return EnumerableUnitLookup.createEnumerable(input, lookup);
    }
}
