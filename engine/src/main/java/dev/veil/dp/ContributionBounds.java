package dev.veil.dp;

/**
 * How much one privacy unit may contribute: to at most {@code maxPartitionsPerUnit} partitions
 * (L0) and at most {@code maxContributionsPerPartition} values in each (Linf). The caller enforces
 * these bounds (by sampling) before values reach an aggregation; the aggregation calibrates its
 * noise to them.
 */
public record ContributionBounds(long maxPartitionsPerUnit, long maxContributionsPerPartition) {
    public ContributionBounds {
        Checks.atLeastOne("max partitions per unit (L0)", maxPartitionsPerUnit);
        Checks.atLeastOne("max contributions per partition (Linf)", maxContributionsPerPartition);
    }

    /** One partition, one contribution: the bounds of a plain count of units. */
    public static ContributionBounds single() {
        return new ContributionBounds(1, 1);
    }
}
