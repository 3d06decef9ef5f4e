package dev.veil.storage;

import java.util.Arrays;

/**
 * What one segment file contributes to the statistics of a column set ({@link ColumnStatistics}):
 * its rows, its NULL rows, and the hashes of its non-NULL values, either as a distinct-count
 * sketch or, for a small segment, as the distinct hashes themselves (smaller than a sketch).
 * Segments never change, so this is computed once per segment and column set; a table version's
 * statistics merge those of its segments, and the merge is exactly the sketch that reading the
 * whole version at once would have built.
 */
final class SegmentStatistics {
    /** Segments with at most this many distinct hashes keep them instead of a sketch. */
    static final int MAX_LISTED_HASHES = DistinctCounter.BYTES / Long.BYTES;

    private final long rows;
    private final long nulls;
    private final byte[] registers; // null when hashes are listed
    private final long[] hashes; // sorted, distinct; null when registers are kept

    private SegmentStatistics(long rows, long nulls, byte[] registers, long[] hashes) {
        if (rows < 0 || nulls < 0 || nulls > rows) {
            throw new IllegalArgumentException("inconsistent segment statistics: rows " + rows + ", nulls " + nulls);
        }
        this.rows = rows;
        this.nulls = nulls;
        this.registers = registers;
        this.hashes = hashes;
    }

    /** Statistics from a sketch of the segment's values. */
    static SegmentStatistics ofSketch(long rows, long nulls, DistinctCounter counter) {
        return new SegmentStatistics(rows, nulls, counter.registers(), null);
    }

    /**
     * Statistics from the hashes of the segment's non-NULL values (duplicates allowed): the distinct
     * hashes themselves when there are at most {@link #MAX_LISTED_HASHES}, else a sketch of them.
     */
    static SegmentStatistics ofHashes(long rows, long nulls, long[] hashes, int count) {
        long[] sorted = Arrays.copyOf(hashes, count);
        Arrays.sort(sorted);
        int distinct = 0;
        for (int i = 0; i < sorted.length; i++) {
            if (i == 0 || sorted[i] != sorted[i - 1]) {
                sorted[distinct++] = sorted[i];
            }
        }
        if (distinct > MAX_LISTED_HASHES) {
            DistinctCounter counter = new DistinctCounter();
            for (int i = 0; i < distinct; i++) {
                counter.add(sorted[i]);
            }
            return ofSketch(rows, nulls, counter);
        }
        return new SegmentStatistics(rows, nulls, null, Arrays.copyOf(sorted, distinct));
    }

    long rows() {
        return rows;
    }

    long nulls() {
        return nulls;
    }

    /** Adds this segment's values to {@code counter}. */
    void addTo(DistinctCounter counter) {
        if (registers != null) {
            counter.merge(registers);
        } else {
            for (long hash : hashes) {
                counter.add(hash);
            }
        }
    }

    /** About how many bytes this takes in memory. */
    long sizeBytes() {
        return 48 + (registers != null ? registers.length : (long) hashes.length * Long.BYTES);
    }
}
