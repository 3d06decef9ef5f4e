package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * A differentially private count of the distinct privacy units in one partition.
 *
 * <p>The caller adds each unit at most once per partition and each unit to at most L0 partitions,
 * so the sensitivity is L0 (L1) or √L0 (L2); the Linf of the parameters does not apply, since a
 * unit is counted once however many rows it has.
 */
public final class CountDistinctUnits {
    private final Count count;

    private CountDistinctUnits(Count count) {
        this.count = count;
    }

    public static CountDistinctUnits create(AggregationParams params) {
        return create(params, RandomBits.secure());
    }

    static CountDistinctUnits create(AggregationParams params, RandomBits random) {
        requireNonNull(params, "params is null");
        AggregationParams perUnit =
                new AggregationParams(params.noise(), params.budget(), new ContributionBounds(params.l0(), 1));
        return new CountDistinctUnits(Count.create(perUnit, random));
    }

    /** Counts one more distinct unit. */
    public void addUnit() {
        count.increment();
    }

    /** Counts {@code units} more distinct units. */
    public void addUnits(long units) {
        count.add(units);
    }

    public void merge(CountDistinctUnits other) {
        count.merge(other.count);
    }

    public NoiseDistribution noise() {
        return count.noise();
    }

    /** Adds noise and releases the count; may be called once. */
    public NoisyCount result() {
        return count.result();
    }
}
