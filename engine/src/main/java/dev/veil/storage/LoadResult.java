package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableVersion;
import java.time.Duration;

/**
 * What a completed load did.
 *
 * @param rows rows appended
 * @param bytes size of the input file
 * @param elapsed wall time of the load
 * @param version the table version the load committed
 * @param skipped rows of the file that a {@link LoadFilter} dropped
 */
public record LoadResult(long rows, long bytes, Duration elapsed, TableVersion version, long skipped) {
    public LoadResult {
        requireNonNull(elapsed, "elapsed is null");
        requireNonNull(version, "version is null");
    }

    public LoadResult(long rows, long bytes, Duration elapsed, TableVersion version) {
        this(rows, bytes, elapsed, version, 0);
    }
}
