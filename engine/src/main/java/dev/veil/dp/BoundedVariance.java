package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * A differentially private population variance of values clamped to {@code [lower, upper]} in
 * one partition.
 *
 * <p>The budget is split evenly over a noisy count, a noisy sum of distances {@code x - c} to the
 * middle c of the range, and a noisy sum of squared distances {@code (x - c)²} (each sum centred
 * on its own range so that its per-value bound is halved). The variance is
 * {@code mean((x-c)²) - mean(x-c)²}, each mean over {@code max(1, count)}, clamped into
 * {@code [0, ((upper - lower)/2)²]}, the largest variance values in the range can have.
 * NaN values are ignored.
 */
public final class BoundedVariance {
    private final ValueBounds bounds;
    private final NoiseMechanism countMechanism;
    private final GridSum sum;
    private final NoiseMechanism sumMechanism;
    private final GridSum squares;
    private final NoiseMechanism squaresMechanism;
    private final double maxDeviation;
    private final long maxRows;
    private long count;
    private boolean released;

    private BoundedVariance(
            ValueBounds bounds,
            NoiseMechanism countMechanism,
            GridSum sum,
            NoiseMechanism sumMechanism,
            GridSum squares,
            NoiseMechanism squaresMechanism,
            double maxDeviation,
            long maxRows) {
        this.maxRows = maxRows;
        this.bounds = bounds;
        this.countMechanism = countMechanism;
        this.sum = sum;
        this.sumMechanism = sumMechanism;
        this.squares = squares;
        this.squaresMechanism = squaresMechanism;
        this.maxDeviation = maxDeviation;
    }

    public static BoundedVariance create(AggregationParams params, ValueBounds bounds) {
        return create(params, bounds, RandomBits.secure());
    }

    static BoundedVariance create(AggregationParams params, ValueBounds bounds, RandomBits random) {
        requireNonNull(params, "params is null");
        requireNonNull(bounds, "bounds is null");
        AggregationParams third = params.split(3);
        double grid = Mechanisms.gridForSum(third, bounds.halfWidth());
        GridSum sum = GridSum.centred(grid, bounds.lower(), bounds.upper());
        // The grid middle is within half a step of the true middle.
        double maxDeviation = bounds.halfWidth() == 0 ? 0 : bounds.halfWidth() + grid;
        double maxSquare = Math.nextUp(maxDeviation * maxDeviation);
        double squaresGrid = Mechanisms.gridForSum(third, maxSquare / 2);
        GridSum squares = GridSum.centred(squaresGrid, 0, maxSquare);
        return new BoundedVariance(
                bounds,
                Mechanisms.forCounts(third, random),
                sum,
                Mechanisms.forGridSum(third, sum, random),
                squares,
                Mechanisms.forGridSum(third, squares, random),
                maxDeviation,
                params.linf());
    }

    public void add(double value) {
        checkOpen();
        if (!Double.isNaN(value)) {
            double clamped = bounds.clamp(value);
            double deviation = clamped - sum.centre();
            count = Math.addExact(count, 1);
            sum.add(clamped);
            squares.add(deviation * deviation);
        }
    }

    /**
     * Adds one unit's {@code rows} values at once (a pre-summed contribution) by their
     * {@code total} and the sum of their {@code squaredDeviations} from the midpoint of the bounds:
     * each sum is clamped to what that many values in the bounds can give, so the count and both
     * sums move as the values one by one would move them at most, whatever the sums are.
     * {@code rows} must be in {@code [0, Linf]}.
     */
    public void addPartial(long rows, double total, double squaredDeviations) {
        checkOpen();
        Checks.partialRows(rows, maxRows);
        // From the midpoint m to the grid's centre c: sum (x-c)^2 = sum (x-m)^2 + 2(m-c) sum (x-m) + n (m-c)^2.
        double shift = bounds.midpoint() - sum.centre();
        double fromCentre = squaredDeviations + 2 * shift * (total - rows * bounds.midpoint()) + rows * shift * shift;
        count = Math.addExact(count, rows);
        sum.addPartial(rows, total);
        squares.addPartial(rows, fromCentre);
    }

    public void merge(BoundedVariance other) {
        checkOpen();
        count = Math.addExact(count, other.count);
        sum.merge(other.sum);
        squares.merge(other.squares);
    }

    public NoiseDistribution countNoise() {
        return countMechanism.distribution();
    }

    public NoiseDistribution sumNoise() {
        return sumMechanism.distribution();
    }

    public NoiseDistribution squaresNoise() {
        return squaresMechanism.distribution();
    }

    /** Adds noise and releases the variance; may be called once. */
    public NoisyVariance result() {
        checkOpen();
        released = true;
        long noisyCount = countMechanism.addNoise(count);
        double noisySum = sumMechanism.addNoiseToUnits(sum.total());
        double noisySquares = squaresMechanism.addNoiseToUnits(squares.total());
        return NoisyVariance.of(
                noisyCount,
                noisySum,
                noisySquares,
                squares.centre(),
                maxDeviation,
                bounds,
                countNoise(),
                sumNoise(),
                squaresNoise());
    }

    private void checkOpen() {
        if (released) {
            throw new IllegalStateException("result() was already called");
        }
    }
}
