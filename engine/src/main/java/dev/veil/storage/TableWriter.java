package dev.veil.storage;

import dev.veil.catalog.TableVersion;

/**
 * Appends rows to one table. Rows are buffered into Arrow record batches (~64K rows) written to
 * new segment files; nothing is visible until {@link #commit()}, which fsyncs the files and
 * commits the new segment list (old segments plus new) in one catalog transaction. Closing an
 * uncommitted writer deletes its files, so a failed load leaves the table as it was.
 *
 * <p>Commit appends: the new version is whatever version is current at commit time plus this
 * writer's segments, so concurrent appends to one table never conflict. A writer is used by one
 * thread at a time.
 */
public interface TableWriter extends AutoCloseable {
    /**
     * Appends one row: values in the representation of {@link dev.veil.catalog.VeilType}, one per
     * column of the table, in column order. NOT_NULL_VIOLATION for a null in a NOT NULL column.
     */
    void append(Object[] row);

    long rowCount();

    /** Makes the appended rows visible as the table's next version. */
    TableVersion commit();

    /** Discards uncommitted rows and their files. */
    @Override
    void close();
}
