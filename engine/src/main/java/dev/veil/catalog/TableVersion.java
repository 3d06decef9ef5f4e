package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A committed version of a table: the list of its segments. Version 0 is the empty table.
 *
 * @param tableId the table
 * @param version increases by one with every commit
 * @param segments the segments in scan order
 */
public record TableVersion(long tableId, long version, List<SegmentInfo> segments) {
    public TableVersion {
        segments = List.copyOf(requireNonNull(segments, "segments is null"));
    }

    public long rowCount() {
        return segments.stream().mapToLong(SegmentInfo::rowCount).sum();
    }
}
