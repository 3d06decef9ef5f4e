package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/** A released count: the noisy count clamped at zero, and the noise it carries. */
public record NoisyCount(long count, NoiseDistribution noise) implements DpResult {
    public NoisyCount {
        requireNonNull(noise, "noise is null");
        if (count < 0) {
            throw new IllegalArgumentException("a released count is never negative, was " + count);
        }
    }

    @Override
    public double value() {
        return count;
    }

    /**
     * {@code [max(0, count - e), count + e]}: clamping a noisy count at zero only moves it towards
     * the true count, which is never negative, so the interval stays valid.
     */
    @Override
    public ConfidenceInterval interval(double level) {
        long e = noise.integerErrorBound(level);
        return new ConfidenceInterval(Math.max(0, count - e), count + (double) e, level);
    }
}
