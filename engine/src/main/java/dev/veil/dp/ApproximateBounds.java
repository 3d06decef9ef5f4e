package dev.veil.dp;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;

/**
 * A contribution bound chosen from the data, privately: the threshold τ to which each unit's
 * contribution to one partition is truncated, chosen among geometric candidates by a noisy
 * histogram of the contributions' magnitudes (the "approximate bounds" of Google's DP library).
 *
 * <p>The candidates are {@code floor·2^i} below the declared bound {@code GS} and {@code GS}
 * itself. Bin {@code i} holds the units whose |contribution| is above candidate {@code i − 1} and
 * at most candidate {@code i} (bin 0 everything up to the smallest candidate). Each bin's count
 * gets discrete Laplace noise of scale {@code L0/ε}; τ is the candidate of the highest bin whose
 * noisy count exceeds {@link #threshold()}, the 1 − β/k quantile of that noise on one side (so an
 * empty bin passes with probability at most β/k, β = {@value #BETA}), or the smallest candidate
 * when none does.
 *
 * <p>Privacy: a unit is in exactly one bin of each of the at most L0 partitions it contributes to,
 * so adding or removing it changes the vector of all bin counts by at most L0 in L1 norm; the noisy
 * histogram is ε-DP and τ is a function of it (post-processing). The threshold and the candidates
 * depend on the parameters only.
 */
public final class ApproximateBounds {
    /** The probability that an empty bin above the data passes, summed over all bins. */
    static final double BETA = 0.05;

    private final List<Double> candidates;
    private final LaplaceMechanism mechanism;
    private final long threshold;
    private final long[] counts;
    private boolean chosen;

    private ApproximateBounds(List<Double> candidates, LaplaceMechanism mechanism) {
        this.candidates = candidates;
        this.mechanism = mechanism;
        this.threshold = threshold(mechanism.distribution(), candidates.size());
        this.counts = new long[candidates.size()];
    }

    /**
     * Bounds for contributions of magnitude at most {@code bound} (GS), with candidates from
     * {@code floor} up; ε and L0 from {@code params} (Linf is ignored: one unit is one entry).
     */
    public static ApproximateBounds create(AggregationParams params, double bound, double floor) {
        return create(params, bound, floor, RandomBits.secure());
    }

    static ApproximateBounds create(AggregationParams params, double bound, double floor, RandomBits random) {
        requireNonNull(params, "params is null");
        if (params.noise() != NoiseKind.LAPLACE) {
            throw new DpException("approximate bounds use Laplace noise");
        }
        return new ApproximateBounds(
                candidates(bound, floor), LaplaceMechanism.forIntegers(params.epsilon(), params.l0(), 1, random));
    }

    /** {@code floor·2^i} for every i with {@code floor·2^i < bound}, then {@code bound}. */
    public static List<Double> candidates(double bound, double floor) {
        Checks.finite("bound", bound);
        Checks.finite("floor", floor);
        if (!(bound > 0) || !(floor > 0)) {
            throw new DpException("bound and floor must be > 0, were " + bound + " and " + floor);
        }
        List<Double> candidates = new ArrayList<>();
        for (double c = floor; c < bound && candidates.size() < 64; c *= 2) {
            candidates.add(c);
        }
        candidates.add(bound);
        return List.copyOf(candidates);
    }

    /** The noisy count a bin must exceed to be chosen. */
    static long threshold(NoiseDistribution noise, int bins) {
        // P[noise > e] <= (1 - level)/2 for the two-sided bound e at level.
        return (long) Math.ceil(noise.errorBound(1 - 2 * BETA / bins));
    }

    /** The candidates, smallest first. */
    public List<Double> candidates() {
        return candidates;
    }

    /** The noisy count a bin must exceed to be chosen. */
    public long threshold() {
        return threshold;
    }

    /** The noise each bin's count gets. */
    public NoiseDistribution noise() {
        return mechanism.distribution();
    }

    /** Counts one unit's contribution to the partition. */
    public void add(double contribution) {
        if (chosen) {
            throw new IllegalStateException("the bound was already chosen");
        }
        counts[bin(candidates, Math.abs(contribution))]++;
    }

    /** The bin of a magnitude: the first candidate at least as large (the last for larger ones, and NaN). */
    static int bin(List<Double> candidates, double magnitude) {
        for (int i = 0; i < candidates.size(); i++) {
            if (magnitude <= candidates.get(i)) {
                return i;
            }
        }
        return candidates.size() - 1;
    }

    /** Adds the noise to every bin and chooses τ; once. */
    public double choose() {
        if (chosen) {
            throw new IllegalStateException("the bound was already chosen");
        }
        chosen = true;
        long[] noisy = new long[counts.length];
        for (int i = 0; i < counts.length; i++) {
            noisy[i] = mechanism.addNoise(counts[i]);
        }
        return candidates.get(highestAbove(noisy, threshold));
    }

    /** The highest bin whose count exceeds {@code threshold}; 0 when none does. */
    static int highestAbove(long[] counts, long threshold) {
        for (int i = counts.length - 1; i > 0; i--) {
            if (counts[i] > threshold) {
                return i;
            }
        }
        return 0;
    }
}
