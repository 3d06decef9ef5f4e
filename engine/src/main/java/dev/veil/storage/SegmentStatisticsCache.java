package dev.veil.storage;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The statistics of single segments ({@link SegmentStatistics}) kept in memory up to a number of
 * bytes, the least recently used dropped first. Thread-safe.
 *
 * @param <K> the key: a segment and a column set
 */
final class SegmentStatisticsCache<K> {
    private final long maxBytes;
    private final LinkedHashMap<K, SegmentStatistics> entries = new LinkedHashMap<>(16, 0.75f, true);
    private long bytes;

    SegmentStatisticsCache(long maxBytes) {
        if (maxBytes <= 0) {
            throw new IllegalArgumentException("maxBytes must be positive, was " + maxBytes);
        }
        this.maxBytes = maxBytes;
    }

    synchronized SegmentStatistics get(K key) {
        return entries.get(key);
    }

    synchronized void put(K key, SegmentStatistics value) {
        SegmentStatistics old = entries.put(key, value);
        if (old != null) {
            bytes -= old.sizeBytes();
        }
        bytes += value.sizeBytes();
        Iterator<Map.Entry<K, SegmentStatistics>> eldest = entries.entrySet().iterator();
        while (bytes > maxBytes && eldest.hasNext()) {
            Map.Entry<K, SegmentStatistics> e = eldest.next();
            if (e.getKey().equals(key)) {
                continue; // keep what was just added
            }
            bytes -= e.getValue().sizeBytes();
            eldest.remove();
        }
    }

    synchronized int size() {
        return entries.size();
    }
}
