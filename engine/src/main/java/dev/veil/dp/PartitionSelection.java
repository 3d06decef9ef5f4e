package dev.veil.dp;

/**
 * Decides, from the number of distinct privacy units in a partition (a group of a GROUP BY whose
 * keys are not a public domain), whether the partition may appear in the output at all.
 *
 * <p>Releasing a partition's existence is itself a privacy leak: a group present only because of
 * one unit would reveal that unit. A selection rule keeps small partitions with a probability
 * bounded by δ and is (ε, δ)-DP over all partitions when each unit is in at most L0 of them.
 * An optional pre-threshold k (a minimum group size) drops every partition with fewer than k
 * units: the rule is applied to {@code n - (k - 1)} units, which keeps the guarantee.
 */
public sealed interface PartitionSelection
        permits OptimalPartitionSelection, LaplacePartitionSelection, GaussianPartitionSelection {

    /** Whether to keep a partition of {@code unitCount} distinct units; random, call once. */
    boolean keep(long unitCount);

    /** The minimum group size below which a partition is never kept (1: none). */
    long preThreshold();

    /** The count the underlying rule sees after the pre-threshold, or 0 to drop outright. */
    static long shifted(long unitCount, long preThreshold) {
        if (unitCount < 0) {
            throw new DpException("unit count must be >= 0, was " + unitCount);
        }
        return Math.max(0, unitCount - (preThreshold - 1));
    }

    /**
     * The per-partition probability p of keeping a one-unit partition such that the unit's L0
     * singleton partitions, released independently, appear with probability at most δ in total:
     * {@code 1 - (1 - p)^L0 = δ}.
     */
    static double singletonProbability(double delta, long l0) {
        return -Math.expm1(Math.log1p(-delta) / l0);
    }
}
