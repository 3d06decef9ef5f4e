package dev.veil.exec.runtime;

import static java.util.Objects.requireNonNull;

import java.util.function.Function;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.tools.RelBuilderFactory;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A plain, immutable {@link RelRule.Config} for Veil's planner rules (Calcite generates these with
 * an annotation processor; a record does the same job without one).
 */
public record RuleConfig(
        @Nullable String description,
        RelRule.OperandTransform operandSupplier,
        RelBuilderFactory relBuilderFactory,
        Function<RuleConfig, RelOptRule> factory)
        implements RelRule.Config {
    public RuleConfig {
        requireNonNull(operandSupplier, "operandSupplier is null");
        requireNonNull(relBuilderFactory, "relBuilderFactory is null");
        requireNonNull(factory, "factory is null");
    }

    @Override
    public RelOptRule toRule() {
        return factory.apply(this);
    }

    @Override
    public RuleConfig withRelBuilderFactory(RelBuilderFactory f) {
        return new RuleConfig(description, operandSupplier, f, factory);
    }

    @Override
    public RuleConfig withDescription(@Nullable String d) {
        return new RuleConfig(d, operandSupplier, relBuilderFactory, factory);
    }

    @Override
    public RuleConfig withOperandSupplier(RelRule.OperandTransform transform) {
        return new RuleConfig(description, transform, relBuilderFactory, factory);
    }
}
