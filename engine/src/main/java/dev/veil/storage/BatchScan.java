package dev.veil.storage;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A stream of record batches of one table version. {@link #next()} returns a root that stays
 * valid until the next call to {@code next()} or {@link #close()}; its vectors are the projected
 * columns in the order requested.
 *
 * <p>Memory: the batches live in the scan's own child allocator and each {@code next()} releases
 * the previous batch, so a scan holds about one batch however large the table. Closing the scan
 * frees everything; do not keep vectors (or transfer their buffers) past that.
 */
public interface BatchScan extends AutoCloseable {
    /** The projected columns as Arrow fields, in the requested order (known even for an empty table). */
    Schema schema();

    /** The next batch, or null at the end. */
    VectorSchemaRoot next();

    /**
     * Moves past the next batch without reading its columns, as {@link #next()} would have
     * returned it; false at the end. The root of an earlier {@code next()} is no longer valid.
     */
    default boolean skip() {
        return next() != null;
    }

    @Override
    void close();
}
