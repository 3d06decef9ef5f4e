package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * A released bounded variance with its components: the noisy count, the noisy sum of distances
 * to the middle of the range, and the noisy sum of squared distances (relative to
 * {@code squaresCentre}), with their noise.
 */
public record NoisyVariance(
        double value,
        long noisyCount,
        double noisySum,
        double noisySumOfSquares,
        double squaresCentre,
        double maxDeviation,
        ValueBounds bounds,
        NoiseDistribution countNoise,
        NoiseDistribution sumNoise,
        NoiseDistribution squaresNoise)
        implements DpResult {
    public NoisyVariance {
        requireNonNull(bounds, "bounds is null");
        requireNonNull(countNoise, "countNoise is null");
        requireNonNull(sumNoise, "sumNoise is null");
        requireNonNull(squaresNoise, "squaresNoise is null");
    }

    static NoisyVariance of(
            long noisyCount,
            double noisySum,
            double noisySquares,
            double squaresCentre,
            double maxDeviation,
            ValueBounds bounds,
            NoiseDistribution countNoise,
            NoiseDistribution sumNoise,
            NoiseDistribution squaresNoise) {
        double n = Math.max(1, noisyCount);
        double meanDeviation = clamp(noisySum / n, -maxDeviation, maxDeviation);
        double meanSquare = clamp(squaresCentre + noisySquares / n, 0, maxSquare(maxDeviation));
        double variance = clamp(meanSquare - meanDeviation * meanDeviation, 0, maxVariance(bounds));
        return new NoisyVariance(
                variance,
                noisyCount,
                noisySum,
                noisySquares,
                squaresCentre,
                maxDeviation,
                bounds,
                countNoise,
                sumNoise,
                squaresNoise);
    }

    /** The released standard deviation, the square root of the variance. */
    public double standardDeviation() {
        return Math.sqrt(value);
    }

    /**
     * A conservative interval from the three component intervals, each at level
     * {@code 1 - α/3}: the variance lies between the smallest mean square minus the largest squared
     * mean deviation and the largest mean square minus the smallest squared mean deviation.
     */
    @Override
    public ConfidenceInterval interval(double level) {
        Checks.confidenceLevel(level);
        double componentLevel = 1 - (1 - level) / 3;
        NoisyMean.Range deviation = NoisyMean.ratioRange(noisyCount, countNoise, noisySum, sumNoise, componentLevel);
        NoisyMean.Range square =
                NoisyMean.ratioRange(noisyCount, countNoise, noisySumOfSquares, squaresNoise, componentLevel);
        double devLow = clamp(deviation.low(), -maxDeviation, maxDeviation);
        double devHigh = clamp(deviation.high(), -maxDeviation, maxDeviation);
        double squareLow = clamp(squaresCentre + square.low(), 0, maxSquare(maxDeviation));
        double squareHigh = clamp(squaresCentre + square.high(), 0, maxSquare(maxDeviation));
        double largestDevSquare = Math.max(devLow * devLow, devHigh * devHigh);
        double smallestDevSquare = devLow <= 0 && devHigh >= 0 ? 0 : Math.min(devLow * devLow, devHigh * devHigh);
        double low = clamp(squareLow - largestDevSquare, 0, maxVariance(bounds));
        double high = clamp(squareHigh - smallestDevSquare, 0, maxVariance(bounds));
        return new ConfidenceInterval(low, high, level);
    }

    /** The interval of the standard deviation: square roots of the variance interval's ends. */
    public ConfidenceInterval standardDeviationInterval(double level) {
        ConfidenceInterval variance = interval(level);
        return new ConfidenceInterval(Math.sqrt(variance.lower()), Math.sqrt(variance.upper()), level);
    }

    private static double maxSquare(double maxDeviation) {
        return Math.nextUp(maxDeviation * maxDeviation);
    }

    private static double maxVariance(ValueBounds bounds) {
        return bounds.halfWidth() * bounds.halfWidth();
    }

    private static double clamp(double value, double low, double high) {
        return Math.max(low, Math.min(high, value));
    }
}
