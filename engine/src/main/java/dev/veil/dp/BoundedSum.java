package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * A differentially private sum of values clamped to {@code [lower, upper]} in one partition.
 *
 * <p>Each of the at most Linf values a unit adds to a partition moves the sum by at most
 * {@code M = max(|lower|, |upper|)}, so the L1 sensitivity is {@code L0 · Linf · M} and the L2
 * sensitivity {@code √L0 · Linf · M}. The sum is kept exactly in integer grid steps (see
 * {@link GridSum}) and noised in those steps. NaN values are ignored; infinities are clamped.
 */
public final class BoundedSum {
    private final ValueBounds bounds;
    private final GridSum sum;
    private final NoiseMechanism mechanism;
    private final long maxRows;
    private boolean released;

    private BoundedSum(ValueBounds bounds, GridSum sum, NoiseMechanism mechanism, long maxRows) {
        this.bounds = bounds;
        this.sum = sum;
        this.mechanism = mechanism;
        this.maxRows = maxRows;
    }

    public static BoundedSum create(AggregationParams params, ValueBounds bounds) {
        return create(params, bounds, RandomBits.secure());
    }

    static BoundedSum create(AggregationParams params, ValueBounds bounds, RandomBits random) {
        requireNonNull(params, "params is null");
        requireNonNull(bounds, "bounds is null");
        double grid = Mechanisms.gridForSum(params, bounds.maxMagnitude());
        GridSum sum = GridSum.plain(grid, bounds.lower(), bounds.upper());
        return new BoundedSum(bounds, sum, Mechanisms.forGridSum(params, sum, random), params.linf());
    }

    public void add(double value) {
        checkOpen();
        if (!Double.isNaN(value)) {
            sum.add(bounds.clamp(value));
        }
    }

    /**
     * Adds one unit's {@code rows} values at once by their {@code total} (a pre-summed
     * contribution): the total is clamped to {@code [rows · lower, rows · upper]}, what that many
     * values in the bounds can sum to, so it moves the sum by at most {@code rows · M} as the values
     * one by one would, whatever {@code total} is. {@code rows} must be in {@code [0, Linf]}.
     */
    public void addPartial(long rows, double total) {
        checkOpen();
        Checks.partialRows(rows, maxRows);
        sum.addPartial(rows, total);
    }

    /** The grid {@link #create} keeps the sum of {@code bounds} on under {@code params}. */
    public static StepGrid stepGrid(AggregationParams params, ValueBounds bounds) {
        requireNonNull(params, "params is null");
        requireNonNull(bounds, "bounds is null");
        double grid = Mechanisms.gridForSum(params, bounds.maxMagnitude());
        return GridSum.plain(grid, bounds.lower(), bounds.upper()).steps();
    }

    /**
     * Adds {@code units} units at once by their totals (pre-summed per partition): {@code rows}
     * values in all, clamped to {@code [0, units · Linf]}, whose steps on {@link #stepGrid} (each
     * unit's as {@link StepGrid#unitSteps} computes them) sum to {@code steps}, clamped to what
     * that many values in the bounds can add.
     */
    public void addTotals(long units, long rows, java.math.BigInteger steps) {
        checkOpen();
        requireNonNull(steps, "steps is null");
        sum.addTotals(Checks.totalRows(units, rows, maxRows), steps);
    }

    public void merge(BoundedSum other) {
        checkOpen();
        sum.merge(other.sum);
    }

    public NoiseDistribution noise() {
        return mechanism.distribution();
    }

    /** Adds noise and releases the sum, clamped into its feasible range; may be called once. */
    public NoisySum result() {
        checkOpen();
        released = true;
        return NoisySum.of(mechanism.addNoiseToUnits(sum.total()), noise(), bounds);
    }

    private void checkOpen() {
        if (released) {
            throw new IllegalStateException("result() was already called");
        }
    }
}
