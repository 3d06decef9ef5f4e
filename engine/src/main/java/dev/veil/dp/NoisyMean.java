package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * A released bounded mean with its components: the noisy count (unclamped) and the noisy sum of
 * distances to {@code centre}, with their noise.
 */
public record NoisyMean(
        double value,
        long noisyCount,
        double noisyNormalizedSum,
        double centre,
        ValueBounds bounds,
        NoiseDistribution countNoise,
        NoiseDistribution sumNoise)
        implements DpResult {
    public NoisyMean {
        requireNonNull(bounds, "bounds is null");
        requireNonNull(countNoise, "countNoise is null");
        requireNonNull(sumNoise, "sumNoise is null");
    }

    static NoisyMean of(
            long noisyCount,
            double noisySum,
            double centre,
            ValueBounds bounds,
            NoiseDistribution countNoise,
            NoiseDistribution sumNoise) {
        double mean = bounds.clamp(centre + noisySum / Math.max(1, noisyCount));
        return new NoisyMean(mean, noisyCount, noisySum, centre, bounds, countNoise, sumNoise);
    }

    /**
     * A conservative interval from the component intervals, each at level {@code 1 - α/2} so that
     * both hold together with probability at least {@code level = 1 - α}: the mean lies between the
     * smallest and largest {@code centre + sum/count} over the two intervals (count at least 1),
     * intersected with the bounds.
     */
    @Override
    public ConfidenceInterval interval(double level) {
        Checks.confidenceLevel(level);
        double componentLevel = 1 - (1 - level) / 2;
        Range ratio = ratioRange(noisyCount, countNoise, noisyNormalizedSum, sumNoise, componentLevel);
        double low = bounds.clamp(centre + ratio.low());
        double high = bounds.clamp(centre + ratio.high());
        return new ConfidenceInterval(low, high, level);
    }

    /** A closed range of reals. */
    record Range(double low, double high) {}

    /** The range of {@code sum / count} over the component intervals at {@code level} each. */
    static Range ratioRange(
            long noisyCount, NoiseDistribution countNoise, double noisySum, NoiseDistribution sumNoise, double level) {
        long countError = countNoise.integerErrorBound(level);
        double countLow = Math.max(1, (double) noisyCount - countError);
        double countHigh = Math.max(1, (double) noisyCount + countError);
        double sumError = sumNoise.errorBound(level);
        double sumLow = noisySum - sumError;
        double sumHigh = noisySum + sumError;
        double low = sumLow >= 0 ? sumLow / countHigh : sumLow / countLow;
        double high = sumHigh >= 0 ? sumHigh / countLow : sumHigh / countHigh;
        return new Range(low, high);
    }
}
