package dev.veil.exec.privacy;

import java.util.Arrays;

/**
 * A map from a pair of non-negative ints to an int, with primitive open addressing: no key object
 * and no boxing per lookup.
 */
final class PairIndex {
    private static final long EMPTY = -1;

    private long[] keys = new long[16];
    private int[] values = new int[16];
    private int size;

    PairIndex() {
        Arrays.fill(keys, EMPTY);
    }

    /** The value of ({@code a}, {@code b}), or -1. */
    int get(int a, int b) {
        long key = key(a, b);
        int mask = keys.length - 1;
        int slot = spread(key) & mask;
        while (true) {
            long k = keys[slot];
            if (k == key) {
                return values[slot];
            }
            if (k == EMPTY) {
                return -1;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** Sets the value of ({@code a}, {@code b}), which must be absent. */
    void putNew(int a, int b, int value) {
        if ((size + 1) * 2 > keys.length) {
            grow();
        }
        insert(keys, values, key(a, b), value);
        size++;
    }

    private static long key(int a, int b) {
        if (a < 0 || b < 0) {
            throw new IllegalArgumentException("negative pair (" + a + ", " + b + ")");
        }
        return ((long) a << 32) | b;
    }

    private static void insert(long[] keys, int[] values, long key, int value) {
        int mask = keys.length - 1;
        int slot = spread(key) & mask;
        while (keys[slot] != EMPTY) {
            slot = (slot + 1) & mask;
        }
        keys[slot] = key;
        values[slot] = value;
    }

    private void grow() {
        long[] newKeys = new long[keys.length * 2];
        int[] newValues = new int[keys.length * 2];
        Arrays.fill(newKeys, EMPTY);
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                insert(newKeys, newValues, keys[i], values[i]);
            }
        }
        keys = newKeys;
        values = newValues;
    }

    private static int spread(long key) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h >>> 32);
    }
}
