package dev.veil.exec.privacy;

import java.util.Arrays;

/**
 * Dense ids for long values, in order of first occurrence (the first distinct value gets 0), as
 * {@link RowKeys} gives them to boxed values: a direct table for small non-negative values (typical
 * generated keys), an open-addressing hash for the others. Allocates nothing per lookup.
 */
final class LongIds {
    /** Values below this are found in the direct table, grown on demand. */
    private static final long DIRECT_LIMIT = 1L << 26;

    /** Per value below {@link #DIRECT_LIMIT}: its id + 1, 0 when absent. */
    private int[] direct = new int[1024];
    /** Hash of the other values: keys, and id + 1 per slot (0: empty). */
    private long[] hashKeys = new long[16];

    private int[] hashIds = new int[16];
    private int hashed;
    private int size;

    /** How many distinct values were seen. */
    int size() {
        return size;
    }

    /** An estimate of the heap the ids take. */
    long bytes() {
        return 4L * direct.length + 12L * hashKeys.length;
    }

    /** The id of {@code value}, new if the value is new. */
    int idOf(long value) {
        if (value >= 0 && value < DIRECT_LIMIT) {
            int v = (int) value;
            if (v >= direct.length) {
                direct = Arrays.copyOf(direct, (int) Math.min(DIRECT_LIMIT, Math.max(v + 1L, 2L * direct.length)));
            }
            int id = direct[v] - 1;
            if (id < 0) {
                id = size++;
                direct[v] = id + 1;
            }
            return id;
        }
        int mask = hashKeys.length - 1;
        int slot = spread(value) & mask;
        while (true) {
            int entry = hashIds[slot];
            if (entry == 0) {
                int id = size++;
                hashKeys[slot] = value;
                hashIds[slot] = id + 1;
                if (++hashed * 2 > hashKeys.length) {
                    rehash();
                }
                return id;
            }
            if (hashKeys[slot] == value) {
                return entry - 1;
            }
            slot = (slot + 1) & mask;
        }
    }

    private void rehash() {
        long[] keys = new long[hashKeys.length * 2];
        int[] ids = new int[keys.length];
        int mask = keys.length - 1;
        for (int i = 0; i < hashKeys.length; i++) {
            if (hashIds[i] != 0) {
                int slot = spread(hashKeys[i]) & mask;
                while (ids[slot] != 0) {
                    slot = (slot + 1) & mask;
                }
                keys[slot] = hashKeys[i];
                ids[slot] = hashIds[i];
            }
        }
        hashKeys = keys;
        hashIds = ids;
    }

    private static int spread(long value) {
        long h = value * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
