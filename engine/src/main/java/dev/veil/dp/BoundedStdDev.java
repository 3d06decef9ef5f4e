package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * A differentially private population standard deviation of values clamped to
 * {@code [lower, upper]}: the square root of a {@link BoundedVariance} (post-processing, same
 * budget and guarantee).
 */
public final class BoundedStdDev {
    private final BoundedVariance variance;

    private BoundedStdDev(BoundedVariance variance) {
        this.variance = variance;
    }

    public static BoundedStdDev create(AggregationParams params, ValueBounds bounds) {
        return new BoundedStdDev(BoundedVariance.create(params, bounds));
    }

    static BoundedStdDev create(AggregationParams params, ValueBounds bounds, RandomBits random) {
        return new BoundedStdDev(BoundedVariance.create(params, bounds, random));
    }

    public void add(double value) {
        variance.add(value);
    }

    public void merge(BoundedStdDev other) {
        requireNonNull(other, "other is null");
        variance.merge(other.variance);
    }

    /** Adds noise and releases the standard deviation; may be called once. */
    public NoisyStdDev result() {
        return new NoisyStdDev(variance.result());
    }
}
