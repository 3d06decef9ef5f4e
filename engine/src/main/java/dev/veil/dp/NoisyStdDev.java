package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/** A released standard deviation: the square root of a released variance. */
public record NoisyStdDev(NoisyVariance variance) implements DpResult {
    public NoisyStdDev {
        requireNonNull(variance, "variance is null");
    }

    @Override
    public double value() {
        return variance.standardDeviation();
    }

    @Override
    public ConfidenceInterval interval(double level) {
        return variance.standardDeviationInterval(level);
    }
}
