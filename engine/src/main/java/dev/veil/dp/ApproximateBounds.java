package dev.veil.dp;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A contribution bound chosen from the data, privately: the threshold τ to which each unit's
 * contribution to one partition is truncated, chosen among geometric candidates by a noisy
 * histogram of the contributions' magnitudes (the "approximate bounds" of Google's DP library).
 *
 * <p>The candidates are {@code floor·2^i} below the declared bound {@code GS} and {@code GS}
 * itself. Bin {@code i} holds the units whose |contribution| is above candidate {@code i − 1} and
 * at most candidate {@code i} (bin 0 everything up to the smallest candidate). Each bin's count
 * gets discrete Laplace noise of scale {@code b = L0/ε}. Then, from the noisy counts only, τ is the
 * candidate that minimises the estimated error of the truncated answer: the expected noise of the
 * answer at τ ({@code τ} times the caller's noise per unit of bound) plus the estimated
 * truncation loss, {@code Σ_{j > i} max(0, noisy_j − 2b) · (mid_j − τ_i)} over the bins above
 * that are evidence of units (mid_j the middle of bin j; a bin's count is discounted by two noise
 * scales so that empty bins, whose noise is as often positive as negative, rarely look like heavy
 * units: an empty bin's noise exceeds 2b with probability about e^−2/2 ≈ 7%). A bin is evidence
 * if it is in the run of consecutive bins above 2b that starts at the lowest one (the data), or if
 * its noisy count is above {@code b·ln(K/(2β))}, β = 5%, which noise in any of K empty bins passes
 * with probability about β ({@link #evidence}): with a declared bound far above the data there are
 * many empty bins above it, one of them passes 2b in about half of the releases, and taken as heavy
 * units far above τ it would raise τ, and the answer's noise, by as many doublings. Unlike the rule of
 * Google's library (the highest bin whose noisy count passes a threshold), this keeps a few heavy
 * units when cutting them would cost more than the noise of a larger bound.
 *
 * <p>Privacy: a unit is in exactly one bin of each of the at most L0 partitions it contributes to,
 * so adding or removing it changes the vector of all bin counts by at most L0 in L1 norm; the noisy
 * histogram is ε-DP and τ is a function of it (post-processing). The candidates, the discount and
 * the weights depend on the parameters only.
 */
public final class ApproximateBounds {
    /** A bin's noisy count is discounted by this many noise scales. */
    static final double DISCOUNT_SCALES = 2;

    /** The chance that noise alone makes an empty bin strong evidence, all bins being empty. */
    static final double FALSE_BIN_PROBABILITY = 0.05;

    private final List<Double> candidates;
    /** The candidates as primitives, for {@link #add}, which runs once per unit and partition. */
    private final double[] limits;

    private final double noisePerBound;
    private final LaplaceMechanism mechanism;
    private final long[] counts;
    private boolean chosen;

    private ApproximateBounds(List<Double> candidates, double noisePerBound, LaplaceMechanism mechanism) {
        this.candidates = candidates;
        this.limits = candidates.stream().mapToDouble(Double::doubleValue).toArray();
        this.noisePerBound = noisePerBound;
        this.mechanism = mechanism;
        this.counts = new long[candidates.size()];
    }

    /**
     * Bounds for contributions of magnitude at most {@code bound} (GS), with candidates from
     * {@code floor} up; ε and L0 from {@code params} (Linf is ignored: one unit is one entry).
     * {@code noisePerBound} is the expected absolute noise of the answer per unit of τ (for Laplace
     * noise, L0 over the answer's ε), used only to weigh the candidates.
     */
    public static ApproximateBounds create(AggregationParams params, double bound, double floor, double noisePerBound) {
        return create(params, bound, floor, noisePerBound, RandomBits.secure());
    }

    static ApproximateBounds create(
            AggregationParams params, double bound, double floor, double noisePerBound, RandomBits random) {
        Checks.nonNegativeFinite("noise per bound", noisePerBound);
        requireNonNull(params, "params is null");
        if (params.noise() != NoiseKind.LAPLACE) {
            throw new DpException("approximate bounds use Laplace noise");
        }
        return new ApproximateBounds(
                candidates(bound, floor),
                noisePerBound,
                LaplaceMechanism.forIntegers(params.epsilon(), params.l0(), 1, random));
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

    /** The candidates, smallest first. */
    public List<Double> candidates() {
        return candidates;
    }

    /** What each bin's noisy count is discounted by: {@value #DISCOUNT_SCALES} noise scales. */
    public double discount() {
        return DISCOUNT_SCALES * mechanism.distribution().scale();
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
        counts[bin(limits, Math.abs(contribution))]++;
    }

    /** The bin of a magnitude: the first candidate at least as large (the last for larger ones, and NaN). */
    static int bin(List<Double> candidates, double magnitude) {
        return bin(candidates.stream().mapToDouble(Double::doubleValue).toArray(), magnitude);
    }

    private static int bin(double[] candidates, double magnitude) {
        int last = candidates.length - 1;
        if (!(magnitude <= candidates[last])) {
            return last; // larger than every candidate, or NaN
        }
        if (magnitude <= candidates[0]) {
            return 0;
        }
        // Candidate i is the first one doubled i times (the last may be less): the binary exponents
        // put the bin within one of the guess, and the comparisons find the first candidate at least
        // as large exactly, as a search would (this runs once per unit, partition and aggregate).
        int i = Math.max(1, Math.min(last, Math.getExponent(magnitude) - Math.getExponent(candidates[0])));
        while (i > 1 && magnitude <= candidates[i - 1]) {
            i--;
        }
        while (magnitude > candidates[i]) {
            i++;
        }
        return i;
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
        boolean[] evidence = evidence(noisy, discount(), strongEvidence());
        return candidates.get(leastError(candidates, noisy, evidence, discount(), noisePerBound));
    }

    /**
     * The noisy count above which one bin is taken as holding units whatever its neighbours:
     * {@code b·ln(K / (2β))} for K bins and β = {@value #FALSE_BIN_PROBABILITY}, so that all K bins
     * being empty, the chance that the noise of any of them passes it is about β (each passes with
     * probability about {@code e^{−t/b}/2}).
     */
    double strongEvidence() {
        double scale = mechanism.distribution().scale();
        return scale * Math.log(candidates.size() / (2 * FALSE_BIN_PROBABILITY));
    }

    /**
     * The bins whose noisy counts are taken as units that are there: the run of consecutive bins
     * above {@code discount} that starts at the lowest such bin (where the data is), and every bin
     * above {@code strong}. A bin above the discount but apart from that run is most likely noise in
     * an empty bin (about 7% of empty bins pass two scales, and there are many empty bins above the
     * data when the declared bound is far above it); taken as real, it is weighed by its distance
     * above τ and drags τ, and the answer's noise, up by as many doublings.
     */
    static boolean[] evidence(long[] noisy, double discount, double strong) {
        boolean[] evidence = new boolean[noisy.length];
        int i = 0;
        while (i < noisy.length && !(noisy[i] > discount)) {
            i++;
        }
        while (i < noisy.length && noisy[i] > discount) {
            evidence[i++] = true;
        }
        for (int j = 0; j < noisy.length; j++) {
            evidence[j] |= noisy[j] > strong;
        }
        return evidence;
    }

    /**
     * The candidate whose estimated error is least (the smallest on ties), every bin taken as
     * evidence: for exact counts (the tests' references).
     */
    static int leastError(List<Double> candidates, long[] counts, double discount, double noisePerBound) {
        boolean[] all = new boolean[counts.length];
        Arrays.fill(all, true);
        return leastError(candidates, counts, all, discount, noisePerBound);
    }

    /**
     * The candidate whose estimated error is least (the smallest on ties): noise
     * {@code τ_i · noisePerBound} plus {@code Σ_{j > i, evidence_j} max(0, counts_j − discount) ·
     * (mid_j − τ_i)}.
     */
    static int leastError(
            List<Double> candidates, long[] counts, boolean[] evidence, double discount, double noisePerBound) {
        int best = 0;
        double bestError = Double.POSITIVE_INFINITY;
        for (int i = 0; i < candidates.size(); i++) {
            double tau = candidates.get(i);
            double error = tau * noisePerBound;
            for (int j = i + 1; j < candidates.size(); j++) {
                double middle = (candidates.get(j - 1) + candidates.get(j)) / 2;
                if (evidence[j]) {
                    error += Math.max(0, counts[j] - discount) * (middle - tau);
                }
            }
            if (error < bestError) {
                bestError = error;
                best = i;
            }
        }
        return best;
    }
}
