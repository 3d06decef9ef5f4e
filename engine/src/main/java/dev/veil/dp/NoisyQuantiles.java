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

  NoisyQuantiles(ValueBounds bounds, int height, int branching, Map<Long, Long> leafCounts,
      NoiseMechanism mechanism) {
    this.bounds = bounds;
    this.height = height;
    this.branching = branching;
    this.mechanism = mechanism;
    this.leafIds = leafCounts.keySet().stream().mapToLong(Long::longValue).sorted().toArray();
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
   * <p>Two searches descend the noisy tree using interval bounds on the node counts instead of
   * the counts themselves. Each looks at {@code branching} fresh nodes per level, whose noise is
   * independent of the path taken, so giving every node count an interval at level
   * {@code 1 - α/(2 · branching · height)} makes all of them hold at once with probability at
   * least {@code 1 - α} (union bound). The lower search moves right past a child only when even
   * the upper bounds of the counts to its left are below the rank; the upper search stops at the
   * first child whose lower-bounded cumulative count certainly covers the rank. The result
   * therefore also covers leaf resolution.
   */
  ConfidenceInterval interval(double rank, double level) {
    Checks.probability("rank", rank);
    Checks.confidenceLevel(level);
    double nodeLevel = 1 - (1 - level) / (2.0 * branching * height);
    long e = mechanism.distribution().integerErrorBound(nodeLevel);
    double totalLow = 0;
    double totalHigh = 0;
    for (int j = 0; j < branching; j++) {
      long noisy = noisyCount(1, j);
      totalLow += Math.max(0, noisy - e);
      totalHigh += Math.max(0, noisy + e);
    }
    // Ranks of the order statistics involved lie in (rank·(N-1), rank·(N-1) + 2].
    double lowTarget = Math.max(1, rank * totalLow - 1);
    double highTarget = rank * totalHigh + 2;
    double lower = lowerBound(lowTarget, e);
    double upper = upperBound(highTarget, e);
    return new ConfidenceInterval(Math.min(lower, upper), Math.max(lower, upper), level);
  }

  private double lowerBound(double target, long e) {
    long index = 0;
    double before = 0;
    for (long level = 0; level < height; level++) {
      long first = index * branching;
      int chosen = 0;
      double prefix = before;
      for (int j = 0; j < branching - 1; j++) {
        prefix += Math.max(0, noisyCount(level + 1, first + j) + e);
        if (prefix < target) {
          chosen = j + 1;
          before = prefix;
        } else {
          break;
        }
      }
      index = first + chosen;
    }
    return nodeLow(height, index);
  }

  private double upperBound(double target, long e) {
    long index = 0;
    long level = 0;
    double before = 0;
    while (level < height) {
      long first = index * branching;
      double prefix = before;
      int chosen = -1;
      for (int j = 0; j < branching; j++) {
        double lowerCount = Math.max(0, noisyCount(level + 1, first + j) - e);
        if (prefix + lowerCount >= target) {
          chosen = j;
          break;
        }
        prefix += lowerCount;
      }
      if (chosen < 0) {
        break;
      }
      before = prefix;
      level++;
      index = first + chosen;
    }
    return nodeHigh(level, index);
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
