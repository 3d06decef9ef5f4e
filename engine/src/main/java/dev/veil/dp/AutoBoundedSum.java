package dev.veil.dp;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * A differentially private sum (or count) in one partition whose per-unit contribution bound is
 * chosen from the data: {@value #BOUND_SHARE_PERCENT}% of ε chooses a threshold τ by
 * {@link ApproximateBounds} (a noisy histogram of the units' contributions), the rest is the Laplace noise of the
 * sum of the contributions truncated to τ, a {@link BoundedSum} with one value per unit in
 * {@code [max(−τ, lowest), min(τ, highest)]}.
 *
 * <p>A unit's contribution is the sum of its at most Linf values in the partition, each clamped
 * to the row bounds (for a count, each counted row is 1), so it lies in {@code [Linf·min(lo, 0),
 * Linf·max(hi, 0)]}: its magnitude is at most {@code GS = Linf·max(|lo|, |hi|)}, the declared
 * bound, which is the largest candidate τ. Privacy: the choice is (share·ε)-DP, and the truncated
 * sum, given τ, has L1 sensitivity L0·τ and gets Laplace noise for the remaining ε; by sequential
 * composition the release is ε-DP whatever τ is chosen. When there is only one candidate (Linf = 1
 * for a count) nothing is chosen and the whole ε goes to the sum.
 *
 * <p>The contributions are kept until the release (8 bytes per unit in the partition).
 */
public final class AutoBoundedSum {
    /** The share of ε spent on choosing the bound, in percent: one of {@value #PARTS} equal parts. */
    public static final int BOUND_SHARE_PERCENT = 25;

    private static final int PARTS = 4;

    /** Candidates for sums of real values start at this fraction of one row's bound. */
    static final double SUM_FLOOR = 1.0 / 16;

    private final AggregationParams params;
    private final ValueBounds rows;
    private final long linf;
    private final ApproximateBounds bounds;
    private final RandomBits random;
    private double[] contributions = new double[16];
    private int units;
    private boolean released;

    private AutoBoundedSum(AggregationParams params, ValueBounds rows, ApproximateBounds bounds, RandomBits random) {
        this.params = params;
        this.rows = rows;
        this.linf = params.linf();
        this.bounds = bounds;
        this.random = random;
    }

    /**
     * A sum of values clamped to {@code rows}, at most Linf per unit and partition; for a count,
     * {@code rows} is {@code [0, 1]} and {@code count} is true (the candidates are then whole numbers
     * of rows from 1).
     */
    public static AutoBoundedSum create(AggregationParams params, ValueBounds rows, boolean count) {
        return create(params, rows, count, RandomBits.secure());
    }

    static AutoBoundedSum create(AggregationParams params, ValueBounds rows, boolean count, RandomBits random) {
        requireNonNull(params, "params is null");
        requireNonNull(rows, "rows is null");
        if (params.noise() != NoiseKind.LAPLACE) {
            throw new DpException("automatic contribution bounds use Laplace noise");
        }
        double perRow = rows.maxMagnitude();
        double bound = declaredBound(params, rows);
        ApproximateBounds bounds = null;
        if (bound > 0) {
            double floor = count ? 1 : perRow * SUM_FLOOR;
            if (ApproximateBounds.candidates(bound, floor).size() > 1) {
                // The answer's Laplace noise per unit of τ: its mean absolute value is its scale, L0·τ/ε.
                double noisePerBound = params.l0() / sumEpsilon(params, true);
                bounds = ApproximateBounds.create(boundParams(params), bound, floor, noisePerBound, random);
            }
        }
        return new AutoBoundedSum(params, rows, bounds, random);
    }

    /** GS: the largest magnitude of one unit's contribution, {@code Linf·max(|lo|, |hi|)}. */
    public static double declaredBound(AggregationParams params, ValueBounds rows) {
        return params.linf() * rows.maxMagnitude();
    }

    /** The budget of the bound's choice. */
    static AggregationParams boundParams(AggregationParams params) {
        return AggregationParams.laplace(Shares.share(params.epsilon(), PARTS), params.l0(), 1);
    }

    /** The budget of the truncated sum: what the choice leaves, all of ε when nothing is chosen. */
    private static double sumEpsilon(AggregationParams params, boolean choosing) {
        if (!choosing) {
            return params.epsilon();
        }
        // Three of the four parts, added in the order Shares checks: with the fourth, at most ε.
        double part = Shares.share(params.epsilon(), PARTS);
        return part + part + part;
    }

    /** The choice of τ; null when there is only one candidate. */
    public ApproximateBounds bounds() {
        return bounds;
    }

    /** The noise of the sum if τ is {@code threshold}: for EXPLAIN PRIVACY. */
    public NoiseDistribution noiseAt(double threshold) {
        return sumAt(threshold).noise();
    }

    /** The ε the truncated sum gets. */
    public double sumEpsilon() {
        return sumEpsilon(params, bounds != null);
    }

    /** Adds one unit's rows: {@code n} values from {@code values[from]}, NaN for a row that does not count. */
    public void addUnit(double[] values, int from, int n) {
        if (released) {
            throw new IllegalStateException("result() was already called");
        }
        if (n > linf) {
            throw new DpException("a unit may add at most " + linf + " values, got " + n);
        }
        double total = 0;
        for (int i = from; i < from + n; i++) {
            if (!Double.isNaN(values[i])) {
                total += rows.clamp(values[i]);
            }
        }
        if (units == contributions.length) {
            contributions = Arrays.copyOf(contributions, units * 2);
        }
        contributions[units++] = total;
    }

    /**
     * Adds one unit's contribution as {@link #addUnit} computes it from at most Linf rows: the sum
     * of its rows' values clamped to the row bounds (a count: its rows), NaN refused. Whatever it
     * is, the choice of τ counts it in one bin and the sum clamps it to {@code [−τ, τ]} within the
     * declared bound, so one unit moves the release no more than through {@link #addUnit}.
     */
    public void addTotal(double total) {
        if (released) {
            throw new IllegalStateException("result() was already called");
        }
        if (Double.isNaN(total)) {
            throw new DpException("a unit's total must be a number, was NaN");
        }
        if (units == contributions.length) {
            contributions = Arrays.copyOf(contributions, units * 2);
        }
        contributions[units++] = total;
    }

    /** The heap the kept contributions take. */
    public long bytes() {
        return 8L * contributions.length;
    }

    private BoundedSum sumAt(double threshold) {
        double low = Math.max(-threshold, linf * Math.min(rows.lower(), 0));
        double high = Math.min(threshold, linf * Math.max(rows.upper(), 0));
        return BoundedSum.create(
                AggregationParams.laplace(sumEpsilon(), params.l0(), 1), new ValueBounds(low, high), random);
    }

    /** Chooses τ, adds the noise and releases the sum; once. */
    public NoisySum result() {
        if (released) {
            throw new IllegalStateException("result() was already called");
        }
        released = true;
        double threshold = declaredBound(params, rows);
        if (bounds != null) {
            for (int i = 0; i < units; i++) {
                bounds.add(contributions[i]);
            }
            threshold = bounds.choose();
        }
        BoundedSum sum = sumAt(threshold);
        for (int i = 0; i < units; i++) {
            sum.add(contributions[i]);
        }
        contributions = null;
        return sum.result();
    }
}
