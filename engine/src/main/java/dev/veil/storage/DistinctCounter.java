package dev.veil.storage;

/**
 * A HyperLogLog sketch: estimates how many distinct values it has seen, in 16 KB whatever their
 * number, with a typical relative error under 1% (and near-exact counts below a few thousand,
 * where it counts empty registers instead). Values are given as 64-bit hashes; {@link #mix}
 * turns a raw 64-bit value into a well-spread hash.
 */
final class DistinctCounter {
    private static final int PRECISION = 14;
    private static final int REGISTERS = 1 << PRECISION;

    private final byte[] registers = new byte[REGISTERS];

    /** How many bytes {@link #registers()} holds. */
    static final int BYTES = REGISTERS;

    /** Records one value by its 64-bit hash. */
    void add(long hash) {
        int index = (int) (hash >>> (64 - PRECISION));
        // The rank is the position of the first 1 bit in the remaining bits; the sentinel bit
        // keeps it finite when they are all zero.
        long rest = (hash << PRECISION) | (1L << (PRECISION - 1));
        byte rank = (byte) (Long.numberOfLeadingZeros(rest) + 1);
        if (rank > registers[index]) {
            registers[index] = rank;
        }
    }

    /** A copy of the sketch's state, for {@link #merge}. */
    byte[] registers() {
        return registers.clone();
    }

    /**
     * Adds the values another sketch has seen, given by its {@link #registers()}: afterwards this
     * sketch is exactly the one that would have seen both sets of values.
     */
    void merge(byte[] other) {
        if (other.length != REGISTERS) {
            throw new IllegalArgumentException("not a sketch of " + REGISTERS + " registers: " + other.length);
        }
        for (int i = 0; i < REGISTERS; i++) {
            if (other[i] > registers[i]) {
                registers[i] = other[i];
            }
        }
    }

    /** The estimated number of distinct values added. */
    double estimate() {
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += 1d / (1L << r);
            if (r == 0) {
                zeros++;
            }
        }
        double m = REGISTERS;
        double alpha = 0.7213 / (1 + 1.079 / m);
        double raw = alpha * m * m / sum;
        if (raw <= 2.5 * m && zeros > 0) {
            return m * Math.log(m / zeros); // linear counting: precise for small cardinalities
        }
        return raw;
    }

    /** A 64-bit finalizer (MurmurHash3's fmix64): spreads any 64-bit value over all bits. */
    static long mix(long value) {
        long h = value;
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
