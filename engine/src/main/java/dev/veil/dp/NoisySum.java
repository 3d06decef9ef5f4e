package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * A released bounded sum and its noise. The interval covers the sum of the clamped values as
 * rounded to the noise grid (each value moves by at most half a grid step, about 2^-41 of the
 * noise scale).
 */
public record NoisySum(double value, NoiseDistribution noise) implements DpResult {
    public NoisySum {
        requireNonNull(noise, "noise is null");
    }

    @Override
    public ConfidenceInterval interval(double level) {
        return noise.interval(value, level);
    }
}
