package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * The value bounds of an {@code AGGREGATE ONLY BOUNDS (lo, hi)} column: values are clamped into
 * {@code [lo, hi]} before they enter an aggregate.
 */
public record Bounds(BigDecimal lower, BigDecimal upper) {
    public Bounds {
        requireNonNull(lower, "lower is null");
        requireNonNull(upper, "upper is null");
        if (lower.compareTo(upper) > 0) {
            throw new IllegalArgumentException("lower bound " + lower + " is above upper bound " + upper);
        }
    }

    @Override
    public String toString() {
        return "(" + lower.toPlainString() + ", " + upper.toPlainString() + ")";
    }
}
