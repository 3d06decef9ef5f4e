package dev.veil.dp;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * A released quantile tree: every node count carries independent noise, drawn the first time the
 * node is looked at and remembered (which gives the same joint distribution as noising the whole
 * tree up front). Quantiles and their intervals are post-processing of these noisy counts.
 *
 * <p>Not thread-safe.
 */
public final class NoisyQuantiles {
    private final ValueBounds bounds;
    private final int height;
    private final int branching;
    private final NoiseMechanism mechanism;
    private final long[] leafIds;
    private final long[] prefixCounts;
    private final long[] levelOffsets;
    private final Map<Long, Long> noisyCounts = new HashMap<>();
    /** Noisy counts at or below this are treated as empty subtrees during the descent. */
    private final long emptyThreshold;

    NoisyQuantiles(
            ValueBounds bounds, int height, int branching, Map<Long, Long> leafCounts, NoiseMechanism mechanism) {
        this.bounds = bounds;
        this.height = height;
        this.branching = branching;
        this.mechanism = mechanism;
        this.leafIds =
                leafCounts.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
        this.prefixCounts = new long[leafIds.length + 1];
        for (int i = 0; i < leafIds.length; i++) {
            prefixCounts[i + 1] = prefixCounts[i] + leafCounts.get(leafIds[i]);
        }
        this.levelOffsets = new long[height + 1];
        long width = 1;
        for (int level = 1; level <= height; level++) {
            levelOffsets[level] = levelOffsets[level - 1] + width;
            width *= branching;
        }
        // An empty child exceeds this with probability 1/branching: most of the spurious mass that
        // noise puts into empty children is ignored, while real mass well above the noise is kept.
        this.emptyThreshold = mechanism.distribution().integerErrorBound(1 - 1.0 / branching);
    }

    /** The noise on each node count. */
    public NoiseDistribution nodeNoise() {
        return mechanism.distribution();
    }

    /** The quantile at {@code rank} in [0, 1] (0.5 is the median). */
    public NoisyQuantile quantile(double rank) {
        Checks.probability("rank", rank);
        long level = 0;
        long index = 0;
        double fraction = rank;
        while (level < height) {
            long first = index * branching;
            double[] counts = new double[branching];
            double total = 0;
            for (int j = 0; j < branching; j++) {
                long noisy = noisyCount(level + 1, first + j);
                counts[j] = noisy > emptyThreshold ? noisy : 0;
                total += counts[j];
            }
            if (total <= 0) {
                break;
            }
            double target = fraction * total;
            double before = 0;
            int chosen = -1;
            for (int j = 0; j < branching; j++) {
                if (counts[j] > 0) {
                    chosen = j;
                    if (before + counts[j] >= target) {
                        break;
                    }
                    before += counts[j];
                }
            }
            fraction = Math.max(0, Math.min(1, (target - before) / counts[chosen]));
            level++;
            index = first + chosen;
        }
        double low = nodeLow(level, index);
        double high = nodeHigh(level, index);
        double value = bounds.clamp(low + fraction * (high - low));
        return new NoisyQuantile(rank, value, this);
    }

    /**
     * An interval for the quantile at {@code rank}: with probability at least {@code level} it
     * contains the order statistics the rank falls between (of the clamped values).
     *
     * <p>Searches descend the noisy tree using bounds on the true counts instead of the noisy counts.
     * At each level a search looks at the children of one node, whose noise is independent of how
     * the search got there, and bounds the noise of each prefix sum of those children (a Chernoff
     * bound on a sum of j noises, see {@link NoiseDistribution#sumErrorBound}). The lower end is
     * certified from the left (an upper bound on the values left of it is below the rank) and from
     * the right (a lower bound on the values right of it exceeds the complementary rank), the upper
     * end symmetrically; each end takes the tighter of its two certificates, which matters because
     * the uncertain total count weighs with the rank. The four searches use at most
     * {@code branching · height + 1} bounds each, so giving each a failure probability
     * {@code α / (4 (branching · height + 1))} makes all hold at once with probability at least
     * {@code 1 - α} (union bound). Interval ends are leaf boundaries, so leaf resolution is covered.
     */
    ConfidenceInterval interval(double rank, double level) {
        Checks.probability("rank", rank);
        Checks.confidenceLevel(level);
        double sumLevel = 1 - (1 - level) / (4.0 * (branching * height + 1));
        long[] sumError = new long[branching + 1];
        for (int j = 1; j <= branching; j++) {
            sumError[j] = mechanism.distribution().integerSumErrorBound(j, sumLevel);
        }
        double total = 0;
        for (int j = 0; j < branching; j++) {
            total += noisyCount(1, j);
        }
        double totalLow = Math.max(0, total - sumError[branching]);
        double totalHigh = Math.max(0, total + sumError[branching]);
        double lower = Math.max(
                lowerBound(rank, totalLow, sumError, false), reflect(upperBound(1 - rank, totalHigh, sumError, true)));
        double upper = Math.min(
                upperBound(rank, totalHigh, sumError, false), reflect(lowerBound(1 - rank, totalLow, sumError, true)));
        return new ConfidenceInterval(Math.min(lower, upper), Math.max(lower, upper), level);
    }

    /**
     * The left edge of the leftmost leaf not certainly holding fewer values to its left than the
     * smallest rank involved, {@code max(1, rank · N - 1)} with N bounded below by
     * {@code totalLow}; in reflected coordinates when {@code mirrored}.
     */
    private double lowerBound(double rank, double totalLow, long[] sumError, boolean mirrored) {
        double target = Math.max(1, rank * totalLow - 1);
        long index = 0;
        double before = 0; // an upper bound on the number of values left of the current node
        for (long level = 0; level < height; level++) {
            long first = index * branching;
            int chosen = 0;
            double noisyPrefix = 0;
            double chosenBefore = before;
            for (int j = 1; j < branching; j++) {
                noisyPrefix += viewCount(level + 1, first + j - 1, mirrored);
                double upperLeft = before + noisyPrefix + sumError[j];
                if (upperLeft >= target) {
                    break;
                }
                chosen = j;
                chosenBefore = upperLeft;
            }
            before = chosenBefore;
            index = first + chosen;
        }
        return nodeLow(height, index);
    }

    /**
     * The right edge of the first node that certainly has, up to its end, at least the largest rank
     * involved, {@code rank · N + 2} with N bounded above by {@code totalHigh}; in reflected
     * coordinates when {@code mirrored}.
     */
    private double upperBound(double rank, double totalHigh, long[] sumError, boolean mirrored) {
        double target = rank * totalHigh + 2;
        long index = 0;
        long level = 0;
        double before = 0; // a lower bound on the number of values left of the current node
        while (level < height) {
            long first = index * branching;
            double noisyPrefix = 0;
            int chosen = -1;
            double chosenBefore = before;
            for (int j = 0; j < branching; j++) {
                double noisyUpToHere = noisyPrefix + viewCount(level + 1, first + j, mirrored);
                if (before + noisyUpToHere - sumError[j + 1] >= target) {
                    chosen = j;
                    if (j > 0) {
                        chosenBefore = Math.max(before, before + noisyPrefix - sumError[j]);
                    }
                    break;
                }
                noisyPrefix = noisyUpToHere;
            }
            if (chosen < 0) {
                break;
            }
            before = chosenBefore;
            level++;
            index = first + chosen;
        }
        return nodeHigh(level, index);
    }

    /** The noisy count of a node as seen in the tree or in its mirror image. */
    private long viewCount(long level, long index, boolean mirrored) {
        if (!mirrored) {
            return noisyCount(level, index);
        }
        long width = 1;
        for (long l = 0; l < level; l++) {
            width *= branching;
        }
        return noisyCount(level, width - 1 - index);
    }

    private double reflect(double value) {
        return bounds.clamp(bounds.lower() + bounds.upper() - value);
    }

    private long noisyCount(long level, long index) {
        long key = levelOffsets[(int) level] + index;
        Long noisy = noisyCounts.get(key);
        if (noisy == null) {
            noisy = mechanism.addNoise(trueCount(level, index));
            noisyCounts.put(key, noisy);
        }
        return noisy;
    }

    private long trueCount(long level, long index) {
        long span = 1;
        for (long l = level; l < height; l++) {
            span *= branching;
        }
        long from = index * span;
        long to = from + span;
        return prefixCounts[insertionPoint(to)] - prefixCounts[insertionPoint(from)];
    }

    private int insertionPoint(long leaf) {
        int at = Arrays.binarySearch(leafIds, leaf);
        return at >= 0 ? at : -at - 1;
    }

    private double nodeLow(long level, long index) {
        return bounds.lower() + fractionOf(level, index) * (bounds.upper() - bounds.lower());
    }

    private double nodeHigh(long level, long index) {
        return bounds.lower() + fractionOf(level, index + 1) * (bounds.upper() - bounds.lower());
    }

    private double fractionOf(long level, long index) {
        double nodes = Math.pow(branching, level);
        return index / nodes;
    }
}
