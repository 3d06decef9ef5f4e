package dev.veil.exec.privacy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.VeilType;
import java.util.Arrays;

/**
 * A {@link UnitMap} whose keys and values are integral (INTEGER, BIGINT, DATE or TIMESTAMP), held
 * as primitive longs: either a dense array indexed by {@code key - min}, when the keys are dense
 * enough that it is no larger than a hash table (typical of generated keys, and it keeps the
 * probes of key-ordered input in cache order), or an open-addressing hash table with linear probing.
 */
final class LongUnitMap extends UnitMap {
    /** Marks an absent key in the value arrays; a real value equal to it makes the builder give up. */
    static final long NONE = Long.MIN_VALUE;

    private static final int NONE_INT = Integer.MIN_VALUE;
    /** The largest dense array, in slots. */
    private static final long MAX_DENSE = 1L << 28;

    private final VeilType valueType;
    private final long min;
    /** Dense layout: the value of key {@code min + i} at {@code i}, one of the two arrays, the other null. */
    private final int[] denseInts;

    private final long[] denseLongs;
    /** Hash layout: keys and values by slot; a slot is empty when its value is NONE. */
    private final long[] hashKeys;

    private final long[] hashValues;
    private final int mask;
    /** Every value is in {@code [minValue, maxValue]}; an empty map has {@code minValue > maxValue}. */
    private final long minValue;

    private final long maxValue;
    /** The (key, value) pairs the map was built from: at least its keys, so at least its distinct values. */
    private final long pairs;

    private LongUnitMap(
            VeilType valueType,
            long min,
            int[] denseInts,
            long[] denseLongs,
            long[] hashKeys,
            long[] hashValues,
            long minValue,
            long maxValue,
            long pairs) {
        this.valueType = requireNonNull(valueType, "valueType is null");
        this.minValue = minValue;
        this.maxValue = maxValue;
        this.pairs = pairs;
        this.min = min;
        this.denseInts = denseInts;
        this.denseLongs = denseLongs;
        this.hashKeys = hashKeys;
        this.hashValues = hashValues;
        this.mask = hashKeys == null ? 0 : hashKeys.length - 1;
    }

    /** Whether a column of {@code type} holds values this map keeps as longs. */
    static boolean holds(VeilType type) {
        return type == VeilType.INTEGER
                || type == VeilType.BIGINT
                || type == VeilType.DATE
                || type == VeilType.TIMESTAMP;
    }

    @Override
    long bytes() {
        return 64
                + (denseInts == null ? 0 : 16 + 4L * denseInts.length)
                + (denseLongs == null ? 0 : 16 + 8L * denseLongs.length)
                + (hashKeys == null ? 0 : 32 + 16L * hashKeys.length);
    }

    @Override
    Object get(Object key) {
        if (key == null) {
            return null;
        }
        long value = getLong(((Number) key).longValue());
        if (value == NONE) {
            return null;
        }
        return valueType == VeilType.INTEGER || valueType == VeilType.DATE ? (Object) (int) value : (Object) value;
    }

    /**
     * Whether every value is in {@code [0, limit)} and the values are dense enough that an array
     * indexed by value is no more than {@code spread} slots per pair the map holds: then a value can
     * index such an array directly.
     */
    boolean smallValues(long limit, long spread) {
        return minValue >= 0 && maxValue < limit && maxValue < spread * Math.max(1, pairs);
    }

    /** Whether a value {@link #getLong} gave means that the key is absent. */
    static boolean absent(long value) {
        return value == NONE;
    }

    /** The value of {@code key}, or {@link #NONE}. */
    long getLong(long key) {
        if (hashKeys == null) {
            long i = key - min;
            // Keys below min wrap to large offsets (or overflow past them), so one unsigned test covers both ends.
            if (denseInts != null) {
                if (Long.compareUnsigned(i, denseInts.length) >= 0) {
                    return NONE;
                }
                int v = denseInts[(int) i];
                return v == NONE_INT ? NONE : v;
            }
            return Long.compareUnsigned(i, denseLongs.length) >= 0 ? NONE : denseLongs[(int) i];
        }
        int slot = slot(key, mask);
        while (true) {
            long value = hashValues[slot];
            if (value == NONE) {
                return NONE;
            }
            if (hashKeys[slot] == key) {
                return value;
            }
            slot = (slot + 1) & mask;
        }
    }

    /** What {@link #forEach} hands each (key, value) pair to. */
    @FunctionalInterface
    interface PairConsumer {
        void accept(long key, long value);
    }

    /** Whether the keys are laid out densely: every key is in {@code [minKey(), minKey() + slots())}. */
    boolean dense() {
        return hashKeys == null;
    }

    /** The smallest key a dense map can hold. */
    long minKey() {
        return min;
    }

    /** The number of slots {@link #forEach} visits: an upper bound on the number of keys. */
    long slots() {
        return hashKeys != null ? hashKeys.length : denseInts != null ? denseInts.length : denseLongs.length;
    }

    /** Hands every key and its value to {@code consumer}, in no particular order. */
    void forEach(PairConsumer consumer) {
        if (hashKeys != null) {
            for (int i = 0; i < hashKeys.length; i++) {
                if (hashValues[i] != NONE) {
                    consumer.accept(hashKeys[i], hashValues[i]);
                }
            }
        } else if (denseInts != null) {
            for (int i = 0; i < denseInts.length; i++) {
                if (denseInts[i] != NONE_INT) {
                    consumer.accept(min + i, denseInts[i]);
                }
            }
        } else {
            for (int i = 0; i < denseLongs.length; i++) {
                if (denseLongs[i] != NONE) {
                    consumer.accept(min + i, denseLongs[i]);
                }
            }
        }
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    /** Thrown by {@link Builder#add} for a value equal to the absent marker: the caller builds a general map. */
    static final class MarkerValueException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        MarkerValueException() {
            super(null, null, false, false);
        }
    }

    /** Collects (key, next) pairs, then lays them out. */
    static final class Builder {
        private final VeilType valueType;
        private long[] keys = new long[1024];
        private long[] values = new long[1024];
        private int size;
        private long minKey = Long.MAX_VALUE;
        private long maxKey = Long.MIN_VALUE;
        private boolean intValues = true;
        private long minValue = Long.MAX_VALUE;
        private long maxValue = Long.MIN_VALUE;

        Builder(VeilType valueType) {
            this.valueType = requireNonNull(valueType, "valueType is null");
        }

        void add(long key, long value) {
            if (value == NONE) {
                throw new MarkerValueException();
            }
            if (size == keys.length) {
                keys = Arrays.copyOf(keys, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            keys[size] = key;
            values[size] = value;
            size++;
            minKey = Math.min(minKey, key);
            minValue = Math.min(minValue, value);
            maxValue = Math.max(maxValue, value);
            maxKey = Math.max(maxKey, key);
            intValues &= value == (int) value && value != NONE_INT;
        }

        LongUnitMap build() {
            if (size == 0) {
                return new LongUnitMap(valueType, 0, new int[0], null, null, null, 0, -1, 0);
            }
            int hashSlots = Integer.highestOneBit(Math.max(2, (int) Math.min(1 << 30, size + size / 3L)) - 1) << 1;
            long hashBytes = 16L * hashSlots;
            // maxKey - minKey may overflow; then the keys are anything but dense.
            long span = maxKey - minKey;
            long range = span < 0 ? Long.MAX_VALUE : span + 1;
            int width = intValues ? 4 : 8;
            if (range <= MAX_DENSE && range * width <= hashBytes) {
                return dense((int) range);
            }
            long[] hashKeys = new long[hashSlots];
            long[] hashValues = new long[hashSlots];
            Arrays.fill(hashValues, NONE);
            int mask = hashSlots - 1;
            for (int i = 0; i < size; i++) {
                long key = keys[i];
                long value = values[i];
                int slot = slot(key, mask);
                while (hashValues[slot] != NONE && hashKeys[slot] != key) {
                    slot = (slot + 1) & mask;
                }
                if (hashValues[slot] == NONE || value < hashValues[slot]) {
                    hashKeys[slot] = key;
                    hashValues[slot] = value;
                }
            }
            return new LongUnitMap(valueType, 0, null, null, hashKeys, hashValues, minValue, maxValue, size);
        }

        private LongUnitMap dense(int range) {
            if (intValues) {
                int[] dense = new int[range];
                Arrays.fill(dense, NONE_INT);
                for (int i = 0; i < size; i++) {
                    int slot = (int) (keys[i] - minKey);
                    int value = (int) values[i];
                    if (dense[slot] == NONE_INT || value < dense[slot]) {
                        dense[slot] = value;
                    }
                }
                return new LongUnitMap(valueType, minKey, dense, null, null, null, minValue, maxValue, size);
            }
            long[] dense = new long[range];
            Arrays.fill(dense, NONE);
            for (int i = 0; i < size; i++) {
                int slot = (int) (keys[i] - minKey);
                if (dense[slot] == NONE || values[i] < dense[slot]) {
                    dense[slot] = values[i];
                }
            }
            return new LongUnitMap(valueType, minKey, null, dense, null, null, minValue, maxValue, size);
        }
    }
}
