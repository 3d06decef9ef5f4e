package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

/**
 * One immutable Arrow IPC segment file of a table.
 *
 * @param path the file's path relative to the warehouse root, e.g. {@code data/s/t/000123.arrow}
 * @param rowCount rows in the segment
 * @param sizeBytes the file's size
 */
public record SegmentInfo(String path, long rowCount, long sizeBytes) {
    public SegmentInfo {
        requireNonNull(path, "path is null");
        if (rowCount < 0 || sizeBytes < 0) {
            throw new IllegalArgumentException("negative row count or size for segment " + path);
        }
    }
}
