package dev.veil.dp;

/**
 * Partition selection by Gaussian thresholding: keep a partition when its distinct-unit count plus
 * Gaussian noise reaches a threshold.
 *
 * <p>δ is split in two: the noise (L2 sensitivity √L0) is calibrated to be (ε, δ/2)-DP, and the
 * threshold is set so that a one-unit partition is kept with probability p, where
 * {@code 1 - (1 - p)^L0 = δ/2}. The noise is the discrete Gaussian on a power-of-two grid, with
 * the tail bound {@code P[Y >= m] <= P[N(0, σ²) >= m - 1]} in grid steps (see
 * {@link NoiseDistribution#unitErrorBound}).
 */
public final class GaussianPartitionSelection implements PartitionSelection {
    private final NoiseMechanism mechanism;
    private final double threshold;
    private final long preThreshold;

    private GaussianPartitionSelection(NoiseMechanism mechanism, double threshold, long preThreshold) {
        this.mechanism = mechanism;
        this.threshold = threshold;
        this.preThreshold = preThreshold;
    }

    public static GaussianPartitionSelection create(double epsilon, double delta, long l0, long preThreshold) {
        return create(epsilon, delta, l0, preThreshold, RandomBits.secure());
    }

    static GaussianPartitionSelection create(
            double epsilon, double delta, long l0, long preThreshold, RandomBits random) {
        Checks.epsilon(epsilon);
        Checks.positiveDelta("Partition selection", delta);
        Checks.atLeastOne("L0 (max partitions per unit)", l0);
        Checks.atLeastOne("pre-threshold", preThreshold);
        double half = delta / 2;
        NoiseMechanism mechanism =
                GaussianMechanism.create(new GaussianMechanism.Budget(epsilon, half, 0), l0, 1, true, random);
        double sigmaSteps = mechanism.distribution().unitScale();
        double p = PartitionSelection.singletonProbability(half, l0);
        double steps = Math.ceil(sigmaSteps * NormalDistribution.upperTailInverse(p)) + 1;
        double granularity = mechanism.granularity();
        double oneOnGrid = Math.rint(1 / granularity) * granularity;
        return new GaussianPartitionSelection(mechanism, oneOnGrid + steps * granularity, preThreshold);
    }

    /** The noisy count a partition must reach to be kept. */
    public double threshold() {
        return threshold;
    }

    public NoiseDistribution noise() {
        return mechanism.distribution();
    }

    @Override
    public boolean keep(long unitCount) {
        long n = PartitionSelection.shifted(unitCount, preThreshold);
        return n > 0 && mechanism.addNoise((double) n) >= threshold;
    }

    @Override
    public long preThreshold() {
        return preThreshold;
    }
}
