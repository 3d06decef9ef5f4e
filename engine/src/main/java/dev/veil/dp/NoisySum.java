package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * A released bounded sum and its noise. The interval covers the sum of the clamped values as
 * rounded to the noise grid (each value moves by at most half a grid step, about 2^-41 of the
 * noise scale).
 *
 * <p>The value and the interval are post-processed into the sum's feasible range: a sum of values
 * bounded below by zero is never negative, one of values bounded above by zero never positive.
 * Clamping only moves a released value towards the true sum (which lies in that range), so the
 * interval around the clamped value still covers the true sum whenever the one around the noisy
 * value did; and it spends no budget, being a function of the released value alone.
 */
public record NoisySum(double value, NoiseDistribution noise, double least, double most) implements DpResult {
    public NoisySum {
        requireNonNull(noise, "noise is null");
        if (!(least <= most)) {
            throw new IllegalArgumentException("empty feasible range: [" + least + ", " + most + "]");
        }
        value = Math.min(most, Math.max(least, value));
    }

    /** A released sum of values in {@code bounds}, clamped into the sum's feasible range. */
    static NoisySum of(double noisy, NoiseDistribution noise, ValueBounds bounds) {
        double least = bounds.lower() >= 0 ? 0 : Double.NEGATIVE_INFINITY;
        double most = bounds.upper() <= 0 ? 0 : Double.POSITIVE_INFINITY;
        return new NoisySum(noisy, noise, least, most);
    }

    @Override
    public ConfidenceInterval interval(double level) {
        ConfidenceInterval around = noise.interval(value, level);
        return new ConfidenceInterval(
                Math.min(most, Math.max(least, around.lower())),
                Math.min(most, Math.max(least, around.upper())),
                around.level());
    }
}
