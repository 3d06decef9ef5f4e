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

    /**
     * Collects keys; not thread-safe. {@link #build} may be called once. While the keys added so
     * far are dense it sets their bits in a bitmap, one memory access per key into a structure a
     * few times smaller than a table (keys such as order numbers arrive in ascending runs, so the
     * bitmap grows at its ends); once a key would make the bitmap larger than {@link
     * #bitmapWordsAllowed} words, or lies near the ends of the {@code long} range, the keys move to
     * an open-addressing table, the rest are inserted there.
     */
    public static final class Builder {
        /** A bitmap never needs to shrink below this, whatever the number of keys (32 KiB). */
        private static final int MIN_BITMAP_WORDS = 1 << 12;
        /** Keys of a bitmap stay within plus or minus this, so no offset from its base overflows. */
        private static final long BITMAP_LIMIT = 1L << 61;

        /** Bit {@code k - base} is set for each key {@code k} added, or null in table mode (or before the first key). */
        private long[] bits;
        /** A multiple of 64: the key of bit 0 of {@link #bits}. */
        private long base;
        /** The table, or null in bitmap mode. */
        private long[] slots;

        private boolean hasEmptyKey;
        private int size;
        private long min = Long.MAX_VALUE;
        private long max = Long.MIN_VALUE;
        private boolean built;

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
            if (built) {
                throw new IllegalStateException("the key set is built");
            }
            if (key < min) {
                min = key;
            }
            if (key > max) {
                max = key;
            }
            if (slots == null) {
                if (setBit(key)) {
                    return;
                }
                toTable();
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

        /** Sets the key's bit, growing the bitmap if allowed; false if the key needs table mode. */
        private boolean setBit(long key) {
            if (key >= BITMAP_LIMIT || key <= -BITMAP_LIMIT) {
                return false;
            }
            long[] b = bits;
            if (b == null) {
                base = Math.floorDiv(key, 64) * 64;
                b = new long[64];
                bits = b;
            }
            long d = key - base;
            if (d < 0 || d >= 64L * b.length) {
                if (!extend(key)) {
                    return false;
                }
                b = bits;
                d = key - base;
            }
            int w = (int) (d >>> 6);
            long m = 1L << d;
            if ((b[w] & m) == 0) {
                b[w] |= m;
                size++;
            }
            return true;
        }

        /** The most words the bitmap may take: about what a table of the keys would. */
        private int bitmapWordsAllowed() {
            return (int) Math.max(MIN_BITMAP_WORDS, Math.min(Integer.MAX_VALUE - 8L, 4L * (size + 1)));
        }

        /** Grows the bitmap to cover {@code key} (at least doubling it); false if it would be too large. */
        private boolean extend(long key) {
            long[] old = bits;
            long keyBase = Math.floorDiv(key, 64) * 64;
            long low = Math.min(base, keyBase);
            long high = Math.max(base + 64L * old.length, keyBase + 64);
            long needed = (high - low) >>> 6;
            int allowed = bitmapWordsAllowed();
            if (needed > allowed) {
                return false;
            }
            int words = (int) Math.max(needed, Math.min(2L * old.length, allowed));
            long newBase = key < base ? high - 64L * words : base;
            long[] grown = new long[words];
            System.arraycopy(old, 0, grown, (int) ((base - newBase) >>> 6), old.length);
            bits = grown;
            base = newBase;
            return true;
        }

        /** Moves the keys of the bitmap to a table. */
        private void toTable() {
            long[] table = emptySlots(Math.max(1024, Integer.highestOneBit(Math.max(1, size)) * 4));
            long[] b = bits;
            if (b != null) {
                for (int w = 0; w < b.length; w++) {
                    long word = b[w];
                    while (word != 0) {
                        insert(table, base + 64L * w + Long.numberOfTrailingZeros(word));
                        word &= word - 1;
                    }
                }
            }
            bits = null;
            slots = table;
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
            if (built) {
                throw new IllegalStateException("the key set is built");
            }
            built = true;
            if (slots == null) {
                long[] b = bits;
                bits = null;
                if (size == 0) {
                    return new KeySet(emptySlots(1024), null, false, 0, min, max);
                }
                return new KeySet(null, shifted(b, min - base, max - min), false, size, min, max);
            }
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

        /** Bits {@code [from, from + span]} of {@code b}, moved down to bit 0 of a new, just large enough bitmap. */
        private static long[] shifted(long[] b, long from, long span) {
            long[] out = new long[(int) (span >>> 6) + 1];
            int q = (int) (from >>> 6);
            int r = (int) (from & 63);
            for (int w = 0; w < out.length; w++) {
                long lo = b[q + w] >>> r;
                long hi = r == 0 || q + w + 1 >= b.length ? 0 : b[q + w + 1] << (64 - r);
                out[w] = lo | hi;
            }
            int extra = (int) (63 - (span & 63));
            out[out.length - 1] &= -1L >>> extra; // drop bits past max
            return out;
        }
    }
}
