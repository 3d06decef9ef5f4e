package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * A differentially private count of rows (or of any contributions) in one partition.
 *
 * <p>The caller feeds at most Linf rows per privacy unit into at most L0 partitions; the count's
 * L1 sensitivity is then {@code L0 · Linf} and its L2 sensitivity {@code √L0 · Linf}. Laplace noise
 * is exact discrete Laplace on the integers; Gaussian noise is discrete Gaussian on a fine grid,
 * rounded to an integer. The released count is clamped at zero.
 */
public final class Count {
    private final NoiseMechanism mechanism;
    private long count;
    private boolean released;

    private Count(NoiseMechanism mechanism) {
        this.mechanism = mechanism;
    }

    public static Count create(AggregationParams params) {
        return create(params, RandomBits.secure());
    }

    static Count create(AggregationParams params, RandomBits random) {
        requireNonNull(params, "params is null");
        return new Count(Mechanisms.forCounts(params, random));
    }

    public void increment() {
        add(1);
    }

    /** Adds {@code rows >= 0} contributions at once. */
    public void add(long rows) {
        if (rows < 0) {
            throw new DpException("rows must be >= 0, was " + rows);
        }
        checkOpen();
        count = Math.addExact(count, rows);
    }

    /** Adds the contributions accumulated by another count of the same partition. */
    public void merge(Count other) {
        checkOpen();
        count = Math.addExact(count, other.count);
    }

    /** The noise the result will carry, known before any data is read. */
    public NoiseDistribution noise() {
        return mechanism.distribution();
    }

    /** Adds noise and releases the count; may be called once. */
    public NoisyCount result() {
        checkOpen();
        released = true;
        return new NoisyCount(Math.max(0, mechanism.addNoise(count)), noise());
    }

    private void checkOpen() {
        if (released) {
            throw new IllegalStateException("result() was already called");
        }
    }
}
