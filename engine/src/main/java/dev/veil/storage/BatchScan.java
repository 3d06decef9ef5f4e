package dev.veil.storage;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A stream of record batches of one table version. {@link #next()} returns a root that stays
 * valid until the next call to {@code next()} or {@link #close()}; its vectors are the projected
 * columns in the order requested.
 *
 * <p>CONTRACT SKELETON: implemented by the storage work.
 */
public interface BatchScan extends AutoCloseable {
    /** The next batch, or null at the end. */
    VectorSchemaRoot next();

    @Override
    void close();
}
