package dev.veil.dp;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A small thread-safe memo for pure numeric functions (calibration, normal quantiles) that every
 * per-partition aggregation would otherwise recompute with the same arguments. Bounded: it is
 * simply emptied when it grows past its capacity.
 */
final class Memo<K, V> {
    private final int capacity;
    private final Map<K, V> values = new ConcurrentHashMap<>();

    Memo(int capacity) {
        this.capacity = capacity;
    }

    V get(K key, Function<K, V> compute) {
        V value = values.get(key);
        if (value == null) {
            value = compute.apply(key);
            if (values.size() >= capacity) {
                values.clear();
            }
            values.put(key, value);
        }
        return value;
    }
}
