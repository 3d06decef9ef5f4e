package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * A differentially private mean, variance or quantile in one partition whose value bounds are chosen from
 * the data: {@value AutoBoundedSum#BOUND_SHARE_PERCENT}% of ε chooses a magnitude τ by
 * {@link ApproximateBounds} (a noisy histogram of each unit's largest |value| in the partition, over
 * candidates doubling from 1/16 of the declared magnitude up to it), the rest is the
 * {@link BoundedMean}, {@link BoundedVariance} or {@link ExponentialQuantile} of the values clamped
 * to the declared bounds narrowed to {@code [−τ, τ]} (for a quantile the narrower range is a finer
 * grid of candidates and less probability mass on the empty ends, so a value closer to the truth).
 *
 * <p>Privacy: a unit adds one entry to the histogram of each of its at most L0 partitions, so the
 * choice is (ε/4)-DP; given τ, the statistic is (3ε/4)-DP with the usual L0 and Linf; by sequential
 * composition the release is ε-DP whatever τ is chosen. The candidates and τ's weighing depend on
 * the declared bounds and the parameters only; τ weighs the noise of the statistic's sum, L0·Linf·τ
 * over its ε, against the loss of cutting the units above τ. With one candidate (a declared
 * magnitude of 0) nothing is chosen and the whole ε goes to the statistic.
 *
 * <p>The values are kept until the release (8 bytes per value in the partition, in {@link DoubleChunks}).
 */
public final class AutoClampedStatistic {
    /** The statistics whose value bounds can be chosen. */
    public enum Statistic {
        MEAN,
        VARIANCE,
        /** A quantile ({@link #quantile}): the exponential mechanism of {@link ExponentialQuantile}. */
        QUANTILE
    }

    private static final int PARTS = 4;

    private final AggregationParams params;
    private final ValueBounds declared;
    private final Statistic statistic;
    private final ApproximateBounds bounds;
    private final RandomBits random;
    private final double rank;
    private final boolean wholeValues;
    private DoubleChunks values = new DoubleChunks();
    private boolean released;
    private ValueBounds chosen;

    private AutoClampedStatistic(
            AggregationParams params,
            ValueBounds declared,
            Statistic statistic,
            ApproximateBounds bounds,
            RandomBits random,
            double rank,
            boolean wholeValues) {
        this.params = params;
        this.declared = declared;
        this.statistic = statistic;
        this.bounds = bounds;
        this.random = random;
        this.rank = rank;
        this.wholeValues = wholeValues;
    }

    /** A mean or a variance; a quantile is made by {@link #quantile}. */
    public static AutoClampedStatistic create(AggregationParams params, ValueBounds declared, Statistic statistic) {
        return create(params, declared, statistic, RandomBits.secure());
    }

    static AutoClampedStatistic create(
            AggregationParams params, ValueBounds declared, Statistic statistic, RandomBits random) {
        if (statistic == Statistic.QUANTILE) {
            throw new IllegalArgumentException("a quantile needs its rank: use quantile(...)");
        }
        return create(params, declared, statistic, random, 0, false);
    }

    /**
     * The quantile at {@code rank} (PERCENTILE_CONT) of values within bounds chosen from the data;
     * {@code wholeValues} as for {@link ExponentialQuantile#create}.
     */
    public static AutoClampedStatistic quantile(
            AggregationParams params, ValueBounds declared, double rank, boolean wholeValues) {
        return quantile(params, declared, rank, wholeValues, RandomBits.secure());
    }

    static AutoClampedStatistic quantile(
            AggregationParams params, ValueBounds declared, double rank, boolean wholeValues, RandomBits random) {
        Checks.probability("rank", rank);
        return create(params, declared, Statistic.QUANTILE, random, rank, wholeValues);
    }

    private static AutoClampedStatistic create(
            AggregationParams params,
            ValueBounds declared,
            Statistic statistic,
            RandomBits random,
            double rank,
            boolean wholeValues) {
        requireNonNull(params, "params is null");
        requireNonNull(declared, "declared is null");
        requireNonNull(statistic, "statistic is null");
        requireNonNull(random, "random is null");
        if (params.noise() != NoiseKind.LAPLACE) {
            throw new DpException("automatic value bounds use Laplace noise");
        }
        double magnitude = declared.maxMagnitude();
        ApproximateBounds bounds = null;
        if (magnitude > 0) {
            double floor = magnitude * AutoBoundedSum.SUM_FLOOR;
            if (ApproximateBounds.candidates(magnitude, floor).size() > 1) {
                double noisePerBound = (double) params.l0() * params.linf() / statisticEpsilon(params, true);
                bounds = ApproximateBounds.create(
                        AutoBoundedSum.boundParams(params), magnitude, floor, noisePerBound, random);
            }
        }
        return new AutoClampedStatistic(params, declared, statistic, bounds, random, rank, wholeValues);
    }

    /** The budget of the statistic: three of the four parts, all of ε when nothing is chosen. */
    private static double statisticEpsilon(AggregationParams params, boolean choosing) {
        if (!choosing) {
            return params.epsilon();
        }
        double part = Shares.share(params.epsilon(), PARTS);
        return part + part + part;
    }

    /** The ε the statistic gets. */
    public double statisticEpsilon() {
        return statisticEpsilon(params, bounds != null);
    }

    /** The choice of τ; null when there is only one candidate. */
    public ApproximateBounds bounds() {
        return bounds;
    }

    /** The declared bounds narrowed to {@code [−τ, τ]} (never empty: each end is clamped into the declared bounds). */
    public ValueBounds narrowed(double threshold) {
        return new ValueBounds(declared.clamp(-threshold), declared.clamp(threshold));
    }

    /** The parameters the statistic gets. */
    public AggregationParams statisticParams() {
        return AggregationParams.laplace(statisticEpsilon(), params.l0(), params.linf());
    }

    /** The bounds chosen by the release; null before it. */
    public ValueBounds chosen() {
        return chosen;
    }

    /** Adds one unit's rows: {@code n} values from {@code values[from]}, NaN for a row that does not count. */
    public void addUnit(double[] rows, int from, int n) {
        if (released) {
            throw new IllegalStateException("result() was already called");
        }
        if (n > params.linf()) {
            throw new DpException("a unit may add at most " + params.linf() + " values, got " + n);
        }
        double largest = -1;
        for (int i = from; i < from + n; i++) {
            if (!Double.isNaN(rows[i])) {
                double v = declared.clamp(rows[i]);
                values.add(v);
                largest = Math.max(largest, Math.abs(v));
            }
        }
        if (largest >= 0 && bounds != null) {
            bounds.add(largest);
        }
    }

    /** The heap the kept values take. */
    public long bytes() {
        return values == null ? 0 : values.bytes();
    }

    /** Chooses τ, clamps the values to the narrowed bounds, adds the noise and releases; once. */
    public DpResult result() {
        if (released) {
            throw new IllegalStateException("result() was already called");
        }
        released = true;
        chosen = bounds == null ? declared : narrowed(bounds.choose());
        DpResult result;
        if (statistic == Statistic.MEAN) {
            BoundedMean mean = BoundedMean.create(statisticParams(), chosen, random);
            for (int k = 0; k < values.chunks(); k++) {
                double[] chunk = values.chunk(k);
                for (int i = 0, n = values.length(k); i < n; i++) {
                    mean.add(chunk[i]);
                }
            }
            result = mean.result();
        } else if (statistic == Statistic.QUANTILE) {
            ExponentialQuantile quantile =
                    ExponentialQuantile.create(statisticParams(), chosen, rank, wholeValues, random);
            for (int k = 0; k < values.chunks(); k++) {
                double[] chunk = values.chunk(k);
                for (int i = 0, n = values.length(k); i < n; i++) {
                    quantile.add(chunk[i]);
                }
            }
            result = quantile.result();
        } else {
            BoundedVariance variance = BoundedVariance.create(statisticParams(), chosen, random);
            for (int k = 0; k < values.chunks(); k++) {
                double[] chunk = values.chunk(k);
                for (int i = 0, n = values.length(k); i < n; i++) {
                    variance.add(chunk[i]);
                }
            }
            result = variance.result();
        }
        values.recycle();
        values = null;
        return result;
    }
}
