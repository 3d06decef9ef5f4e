package dev.veil.exec.scan;

import java.util.Arrays;

/**
 * An immutable set of {@code long} join keys with their minimum and maximum: what a hash join's
 * build side publishes as a dynamic filter. Keys are primitive, so a scan tests one without
 * boxing it; the range check first rejects keys outside {@code [min, max]}. Dense keys (such as
 * the order keys of a selection of orders) are held as a bitmap over {@code [min, max]}, which is
 * smaller and faster than a table; others in an open-addressing table (linear probing, at most
 * half full).
 */
public final class KeySet {
    /** Marks an empty slot; the key {@code EMPTY} itself is tracked by {@link #hasEmptyKey}. */
    private static final long EMPTY = Long.MIN_VALUE;

    /** The table, or null when the keys are in {@link #bits}. */
    private final long[] slots;
    /** Bit {@code k - min} is set for each key {@code k}, or null when the keys are in {@link #slots}. */
    private final long[] bits;

    private final int mask;
    private final boolean hasEmptyKey;
    private final int size;
    private final long min;
    private final long max;

    private KeySet(long[] slots, long[] bits, boolean hasEmptyKey, int size, long min, long max) {
        this.slots = slots;
        this.bits = bits;
        this.mask = slots == null ? 0 : slots.length - 1;
        this.hasEmptyKey = hasEmptyKey;
        this.size = size;
        this.min = min;
        this.max = max;
    }

    /**
     * The set of the keys {@code base + i} for each bit {@code i} set in {@code bits} (bit {@code i}
     * is bit {@code i % 64} of word {@code i / 64}); takes the array, which the caller must not change.
     */
    public static KeySet ofBits(long base, long[] bits) {
        int size = 0;
        long last = -1;
        for (int w = 0; w < bits.length; w++) {
            if (bits[w] != 0) {
                size += Long.bitCount(bits[w]);
                last = 64L * w + 63 - Long.numberOfLeadingZeros(bits[w]);
            }
        }
        if (size == 0) {
            return new Builder().build();
        }
        long max = base + last;
        if (max < base) {
            throw new IllegalArgumentException("bits reach past the largest long");
        }
        return new KeySet(null, bits, base == EMPTY && (bits[0] & 1L) != 0, size, base, max);
    }

    /** Whether {@code key} is in the set. */
    public boolean contains(long key) {
        if (key < min || key > max) {
            return false;
        }
        if (bits != null) {
            long d = key - min;
            return (bits[(int) (d >>> 6)] & (1L << d)) != 0;
        }
        if (key == EMPTY) {
            return hasEmptyKey;
        }
        int i = slot(key, mask);
        while (true) {
            long k = slots[i];
            if (k == key) {
                return true;
            }
            if (k == EMPTY) {
                return false;
            }
            i = (i + 1) & mask;
        }
    }

    /**
     * Keeps, in order at the front of {@code rows}, those of {@code rows[0..count)} whose key
     * {@code keys[row]} is in the set; returns how many. The selection a scan makes over a batch's
     * decoded key column in one loop, with no call per row.
     */
    public int filter(long[] keys, int[] rows, int count) {
        int kept = 0;
        if (bits != null) {
            long lo = min;
            long span = max - min;
            long[] b = bits;
            for (int i = 0; i < count; i++) {
                int row = rows[i];
                long d = keys[row] - lo;
                rows[kept] = row;
                // Keys below min wrap to large offsets, so one unsigned test covers both ends.
                kept += Long.compareUnsigned(d, span) <= 0 && (b[(int) (d >>> 6)] & (1L << d)) != 0 ? 1 : 0;
            }
            return kept;
        }
        for (int i = 0; i < count; i++) {
            int row = rows[i];
            rows[kept] = row;
            kept += contains(keys[row]) ? 1 : 0;
        }
        return kept;
    }

    /** An estimate, on the high side, of the heap the set takes. */
    public long bytes() {
        return 64 + (slots == null ? 0 : 16 + 8L * slots.length) + (bits == null ? 0 : 16 + 8L * bits.length);
    }

    /**
     * The share of the values in {@code [min, max]} that are keys (0 for an empty set, which rejects every row): the smaller,
     * the more of a column's rows a test against the set is likely to reject.
     */
    public double density() {
        return size == 0 ? 0 : size / ((double) max - (double) min + 1);
    }

    /** The number of distinct keys. */
    public int size() {
        return size;
    }

    /** The keys, in ascending order. */
    public long[] toArray() {
        long[] keys = new long[size];
        int n = 0;
        if (bits != null) {
            for (int w = 0; w < bits.length; w++) {
                long word = bits[w];
                while (word != 0) {
                    keys[n++] = min + 64L * w + Long.numberOfTrailingZeros(word);
                    word &= word - 1;
                }
            }
            return keys;
        }
        if (hasEmptyKey) {
            keys[n++] = EMPTY;
        }
        for (long k : slots) {
            if (k != EMPTY) {
                keys[n++] = k;
            }
        }
        Arrays.sort(keys, 0, n);
        return keys;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    @Override
    public String toString() {
        return size == 0 ? "KeySet[]" : "KeySet[" + size + " keys in " + min + ".." + max + "]";
    }

    /** Collects keys; not thread-safe. {@link #build} may be called once. */
    public static final class Builder {
        private long[] slots = emptySlots(1024);
        private boolean hasEmptyKey;
        private int size;
        private long min = Long.MAX_VALUE;
        private long max = Long.MIN_VALUE;

        private static long[] emptySlots(int capacity) {
            long[] s = new long[capacity];
            Arrays.fill(s, EMPTY);
            return s;
        }

        /** The number of distinct keys added so far. */
        public int size() {
            return size;
        }

        public void add(long key) {
            if (key < min) {
                min = key;
            }
            if (key > max) {
                max = key;
            }
            if (key == EMPTY) {
                if (!hasEmptyKey) {
                    hasEmptyKey = true;
                    size++;
                }
                return;
            }
            if (insert(slots, key)) {
                size++;
                if (size * 2L > slots.length) {
                    grow();
                }
            }
        }

        private static boolean insert(long[] table, long key) {
            int mask = table.length - 1;
            int i = slot(key, mask);
            while (true) {
                long k = table[i];
                if (k == key) {
                    return false;
                }
                if (k == EMPTY) {
                    table[i] = key;
                    return true;
                }
                i = (i + 1) & mask;
            }
        }

        private void grow() {
            long[] bigger = emptySlots(slots.length * 2);
            for (long k : slots) {
                if (k != EMPTY) {
                    insert(bigger, k);
                }
            }
            slots = bigger;
        }

        public KeySet build() {
            long[] table = slots;
            slots = null;
            long span = max - min; // negative when it overflows
            if (size > 0 && span >= 0 && span < 64L * table.length) {
                // The bitmap takes no more memory than the table.
                long[] bitmap = new long[(int) (span >>> 6) + 1];
                for (long k : table) {
                    if (k != EMPTY) {
                        long d = k - min;
                        bitmap[(int) (d >>> 6)] |= 1L << d;
                    }
                }
                if (hasEmptyKey) {
                    bitmap[0] |= 1L; // EMPTY is Long.MIN_VALUE, so it is min
                }
                return new KeySet(null, bitmap, hasEmptyKey, size, min, max);
            }
            return new KeySet(table, null, hasEmptyKey, size, min, max);
        }
    }
}
