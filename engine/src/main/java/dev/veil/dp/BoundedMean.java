package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * A differentially private mean of values clamped to {@code [lower, upper]} in one partition.
 *
 * <p>The budget is split evenly between a noisy count and a noisy <em>normalized</em> sum: the sum
 * of each value's distance to the middle of the range, whose per-value bound is half the width
 * of the range instead of {@code max(|lower|, |upper|)}. The mean is
 * {@code middle + normalizedSum / max(1, count)}, clamped into {@code [lower, upper]}, as in
 * Google's differential-privacy library. NaN values are ignored.
 */
public final class BoundedMean {
    private final ValueBounds bounds;
    private final NoiseMechanism countMechanism;
    private final GridSum sum;
    private final NoiseMechanism sumMechanism;
    private final long maxRows;
    private long count;
    private boolean released;

    private BoundedMean(
            ValueBounds bounds, NoiseMechanism countMechanism, GridSum sum, NoiseMechanism sumMechanism, long maxRows) {
        this.bounds = bounds;
        this.countMechanism = countMechanism;
        this.sum = sum;
        this.sumMechanism = sumMechanism;
        this.maxRows = maxRows;
    }

    public static BoundedMean create(AggregationParams params, ValueBounds bounds) {
        return create(params, bounds, RandomBits.secure());
    }

    static BoundedMean create(AggregationParams params, ValueBounds bounds, RandomBits random) {
        requireNonNull(params, "params is null");
        requireNonNull(bounds, "bounds is null");
        AggregationParams half = params.split(2);
        double grid = Mechanisms.gridForSum(half, bounds.halfWidth());
        GridSum sum = GridSum.centred(grid, bounds.lower(), bounds.upper());
        return new BoundedMean(
                bounds,
                Mechanisms.forCounts(half, random),
                sum,
                Mechanisms.forGridSum(half, sum, random),
                params.linf());
    }

    public void add(double value) {
        checkOpen();
        if (!Double.isNaN(value)) {
            count = Math.addExact(count, 1);
            sum.add(bounds.clamp(value));
        }
    }

    /**
     * Adds one unit's {@code rows} values at once by their {@code total} (a pre-summed
     * contribution): {@code rows} to the count, and the total clamped to what that many values in
     * the bounds can sum to, so the count and the sum move as the values one by one would move
     * them at most. {@code rows} must be in {@code [0, Linf]}.
     */
    public void addPartial(long rows, double total) {
        checkOpen();
        Checks.partialRows(rows, maxRows);
        count = Math.addExact(count, rows);
        sum.addPartial(rows, total);
    }

    /** The grid {@link #create} keeps the normalized sum of {@code bounds} on under {@code params}. */
    public static StepGrid stepGrid(AggregationParams params, ValueBounds bounds) {
        requireNonNull(params, "params is null");
        requireNonNull(bounds, "bounds is null");
        double grid = Mechanisms.gridForSum(params.split(2), bounds.halfWidth());
        return GridSum.centred(grid, bounds.lower(), bounds.upper()).steps();
    }

    /**
     * Adds {@code units} units at once by their totals (pre-summed per partition): {@code rows}
     * values in all, clamped to {@code [0, units · Linf]}, to the count, and their steps on {@link
     * #stepGrid} (each unit's plain steps as {@link StepGrid#unitSteps} computes them), clamped to
     * what that many values in the bounds can add, to the normalized sum.
     */
    public void addTotals(long units, long rows, java.math.BigInteger steps) {
        checkOpen();
        requireNonNull(steps, "steps is null");
        long n = Checks.totalRows(units, rows, maxRows);
        count = Math.addExact(count, n);
        sum.addTotals(n, steps);
    }

    public void merge(BoundedMean other) {
        checkOpen();
        count = Math.addExact(count, other.count);
        sum.merge(other.sum);
    }

    public NoiseDistribution countNoise() {
        return countMechanism.distribution();
    }

    public NoiseDistribution sumNoise() {
        return sumMechanism.distribution();
    }

    /** Adds noise and releases the mean; may be called once. */
    public NoisyMean result() {
        checkOpen();
        released = true;
        long noisyCount = countMechanism.addNoise(count);
        double noisySum = sumMechanism.addNoiseToUnits(sum.total());
        return NoisyMean.of(noisyCount, noisySum, sum.centre(), bounds, countNoise(), sumNoise());
    }

    private void checkOpen() {
        if (released) {
            throw new IllegalStateException("result() was already called");
        }
    }
}
