package dev.veil.dp;

/**
 * Partition selection by Laplace thresholding: keep a partition when its distinct-unit count plus
 * discrete Laplace noise of scale {@code L0/ε} reaches a threshold.
 *
 * <p>The noisy counts of all partitions are ε-DP (L1 sensitivity L0), so keeping partitions that
 * exist in both neighbouring datasets is post-processing; a partition created by one unit has
 * count 1 and is kept with probability {@code P[K >= m]}, with m chosen (exactly, for the
 * discrete Laplace tail {@code P[K >= m] = e^{-m/τ}/(1 + e^{-1/τ})}) so that the unit's at most L0
 * such partitions all stay hidden except with probability δ. This is the thresholding of Korolova
 * et al. (2009) and Wilson et al. (2020) used in Google's differential-privacy library.
 */
public final class LaplacePartitionSelection implements PartitionSelection {
    private final NoiseMechanism mechanism;
    private final long threshold;
    private final long preThreshold;

    private LaplacePartitionSelection(NoiseMechanism mechanism, long threshold, long preThreshold) {
        this.mechanism = mechanism;
        this.threshold = threshold;
        this.preThreshold = preThreshold;
    }

    public static LaplacePartitionSelection create(double epsilon, double delta, long l0, long preThreshold) {
        return create(epsilon, delta, l0, preThreshold, RandomBits.secure());
    }

    static LaplacePartitionSelection create(
            double epsilon, double delta, long l0, long preThreshold, RandomBits random) {
        Checks.epsilon(epsilon);
        Checks.positiveDelta("Partition selection", delta);
        Checks.atLeastOne("L0 (max partitions per unit)", l0);
        Checks.atLeastOne("pre-threshold", preThreshold);
        NoiseMechanism mechanism = LaplaceMechanism.forIntegers(epsilon, l0, 1, random);
        double tau = mechanism.distribution().unitScale();
        double logP = Math.log(PartitionSelection.singletonProbability(delta, l0));
        double logNormaliser = Math.log1p(Math.exp(-1 / tau));
        double granularity = mechanism.granularity();
        // Smallest m >= 1 (grid steps) with -m/τ - log(1 + e^{-1/τ}) <= log p.
        long m = Math.max(
                1, (long) Checks.exactSteps("the selection threshold", Math.ceil(tau * (-logP - logNormaliser))));
        for (int i = 0; -m / tau - logNormaliser > logP; i++) {
            Checks.correctionStep("the selection threshold", i);
            m++;
        }
        long oneOnGrid = (long) Math.rint(1 / granularity);
        long threshold = NoiseMechanism.checkedProduct("threshold", oneOnGrid + m, (long) granularity);
        return new LaplacePartitionSelection(mechanism, threshold, preThreshold);
    }

    /** The noisy count a partition must reach to be kept. */
    public long threshold() {
        return threshold;
    }

    public NoiseDistribution noise() {
        return mechanism.distribution();
    }

    @Override
    public boolean keep(long unitCount) {
        long n = PartitionSelection.shifted(unitCount, preThreshold);
        return n > 0 && mechanism.addNoise(n) >= threshold;
    }

    @Override
    public long preThreshold() {
        return preThreshold;
    }
}
