package dev.veil.storage;

import dev.veil.catalog.Catalog;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import java.nio.file.Path;
import org.apache.arrow.memory.BufferAllocator;

/**
 * An open warehouse directory: {@code veil.db} plus {@code data/<schema>/<table>/<segment>.arrow}.
 * Thread-safe; one instance per directory per process.
 *
 * <p>CONTRACT SKELETON: implemented by the storage work.
 */
public final class Warehouse implements AutoCloseable {
    private Warehouse() {
    }

    /** Creates a new warehouse in {@code dir} (created if absent; must not already hold one). */
    public static Warehouse create(Path dir) {
        throw new UnsupportedOperationException("storage: not implemented yet");
    }

    /** Opens an existing warehouse; WAREHOUSE_NOT_FOUND if {@code dir} holds none. Removes orphan segments. */
    public static Warehouse open(Path dir) {
        throw new UnsupportedOperationException("storage: not implemented yet");
    }

    public Path root() {
        throw new UnsupportedOperationException();
    }

    public Catalog catalog() {
        throw new UnsupportedOperationException();
    }

    /** The warehouse's root Arrow allocator; readers and writers take child allocators from it. */
    public BufferAllocator allocator() {
        throw new UnsupportedOperationException();
    }

    /** A writer that appends rows to {@code table} as a new version on commit. */
    public TableWriter newWriter(TableDef table) {
        throw new UnsupportedOperationException();
    }

    /**
     * Streams the record batches of {@code version}, loading the given column positions
     * (of the table definition) only, one batch in memory at a time.
     */
    public BatchScan scan(TableDef table, TableVersion version, int[] columns) {
        throw new UnsupportedOperationException();
    }

    /** Deletes segment files no current table version references. */
    public void collectGarbage() {
        throw new UnsupportedOperationException();
    }

    @Override
    public void close() {
        throw new UnsupportedOperationException();
    }
}
