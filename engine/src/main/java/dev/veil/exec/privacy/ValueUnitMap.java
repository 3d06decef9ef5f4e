package dev.veil.exec.privacy;

import dev.veil.exec.runtime.RowSizes;
import java.util.HashMap;
import java.util.Map;

/**
 * A {@link UnitMap} over any key and value types: a hash map from the normalized key (see
 * {@link UnitMap#normalize}) to the smallest value, compared as SQL's MIN compares them.
 */
final class ValueUnitMap extends UnitMap {
    private final Map<Object, Object> values;

    private ValueUnitMap(Map<Object, Object> values) {
        this.values = values;
    }

    @Override
    long bytes() {
        long bytes = 64;
        for (Map.Entry<Object, Object> e : values.entrySet()) {
            bytes += RowSizes.ENTRY_OVERHEAD + RowSizes.value(e.getKey()) + RowSizes.value(e.getValue());
        }
        return bytes;
    }

    @Override
    Object get(Object key) {
        return key == null ? null : values.get(normalize(key));
    }

    /** Collects (key, next) pairs, keeping the smallest next per key. */
    static final class Builder {
        private final Map<Object, Object> values = new HashMap<>();

        @SuppressWarnings({"unchecked", "rawtypes"})
        void add(Object key, Object next) {
            values.merge(normalize(key), next, (a, b) -> ((Comparable) b).compareTo(a) < 0 ? b : a);
        }

        ValueUnitMap build() {
            return new ValueUnitMap(values);
        }
    }
}
