package dev.veil.dp;

import static java.util.Objects.requireNonNull;

import java.util.HashMap;
import java.util.Map;

/**
 * Differentially private quantiles of values clamped to {@code [lower, upper]} in one partition,
 * by the tree method.
 *
 * <p>The range is split into {@code branching^height} equal leaves (16^4 = 65,536 by default);
 * every node of the complete tree above them counts the values in its subtree. A value increments
 * one node per level, so with at most Linf values per unit and L0 partitions per unit the node
 * counts have L1 sensitivity {@code L0 · height · Linf} and L2 sensitivity
 * {@code √(L0 · height) · Linf}; each node count gets independent noise. Any number of quantiles
 * is then read off the noisy tree by post-processing: descend from the root into the child whose
 * cumulative noisy count reaches the requested rank, and interpolate linearly within the node
 * where the descent stops. This follows the quantile tree of Google's differential-privacy library
 * ("Differentially Private Quantile Trees"). NaN values are ignored.
 *
 * <p>The descent is biased when the counts deep in the tree are below the noise (it ends on a
 * near-random leaf); a single quantile is better drawn by {@link ExponentialQuantile}.
 */
public final class Quantiles {
    public static final int DEFAULT_TREE_HEIGHT = 4;
    public static final int DEFAULT_BRANCHING_FACTOR = 16;
    private static final long MAX_LEAVES = 1L << 24;

    private final ValueBounds bounds;
    private final int height;
    private final int branching;
    private final long leaves;
    private final NoiseMechanism nodeMechanism;
    private final Map<Long, Long> leafCounts = new HashMap<>();
    private boolean released;

    private Quantiles(ValueBounds bounds, int height, int branching, long leaves, NoiseMechanism nodeMechanism) {
        this.bounds = bounds;
        this.height = height;
        this.branching = branching;
        this.leaves = leaves;
        this.nodeMechanism = nodeMechanism;
    }

    public static Quantiles create(AggregationParams params, ValueBounds bounds) {
        return create(params, bounds, DEFAULT_TREE_HEIGHT, DEFAULT_BRANCHING_FACTOR);
    }

    public static Quantiles create(AggregationParams params, ValueBounds bounds, int height, int branching) {
        return create(params, bounds, height, branching, RandomBits.secure());
    }

    static Quantiles create(
            AggregationParams params, ValueBounds bounds, int height, int branching, RandomBits random) {
        requireNonNull(params, "params is null");
        requireNonNull(bounds, "bounds is null");
        Checks.atLeastOne("tree height", height);
        Checks.finite("width of the bounds", bounds.upper() - bounds.lower());
        if (branching < 2) {
            throw new DpException("branching factor must be >= 2, was " + branching);
        }
        long leaves = 1;
        for (int i = 0; i < height; i++) {
            leaves *= branching;
            if (leaves > MAX_LEAVES) {
                throw new DpException("tree of height " + height + " and branching factor " + branching
                        + " has more than " + MAX_LEAVES + " leaves");
            }
        }
        NoiseMechanism mechanism = Mechanisms.forCounts(params.withL0Times(height), random);
        return new Quantiles(bounds, height, branching, leaves, mechanism);
    }

    public void add(double value) {
        checkOpen();
        if (Double.isNaN(value)) {
            return;
        }
        leafCounts.merge(leafOf(bounds.clamp(value)), 1L, Long::sum);
    }

    public void merge(Quantiles other) {
        checkOpen();
        if (other.height != height || other.branching != branching || !other.bounds.equals(bounds)) {
            throw new IllegalArgumentException("cannot merge quantile trees of different shapes");
        }
        other.leafCounts.forEach((leaf, n) -> leafCounts.merge(leaf, n, Long::sum));
    }

    /** The noise on each node count. */
    public NoiseDistribution nodeNoise() {
        return nodeMechanism.distribution();
    }

    /** Releases the noisy tree, from which any number of quantiles can be read; once only. */
    public NoisyQuantiles result() {
        checkOpen();
        released = true;
        return new NoisyQuantiles(bounds, height, branching, leafCounts, nodeMechanism);
    }

    private long leafOf(double clamped) {
        double width = bounds.upper() - bounds.lower();
        if (!(width > 0)) {
            return 0;
        }
        double position = Math.floor((clamped - bounds.lower()) / width * leaves);
        return Math.max(0, Math.min(leaves - 1, (long) position));
    }

    private void checkOpen() {
        if (released) {
            throw new IllegalStateException("result() was already called");
        }
    }
}
