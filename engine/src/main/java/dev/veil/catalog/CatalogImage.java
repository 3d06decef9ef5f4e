package dev.veil.catalog;

/**
 * Where a catalog held in memory keeps its durable copy: an encrypted warehouse's {@code veil.db}
 * is an encrypted image of the SQLite database, never a plain SQLite file (see
 * {@link SqliteCatalog#open(java.nio.file.Path, CatalogImage)}).
 */
public interface CatalogImage {
    /** The stored image (a serialized SQLite database), or an empty array for a new catalog. */
    byte[] load();

    /** Stores {@code image} durably and atomically: after it returns, {@link #load} gives it, even after a crash. */
    void store(byte[] image);

    /**
     * Stores {@code image} as {@link #store} does, and leaves no earlier state on disk beside it (an
     * image kept as a base and a log of changes writes a new base and drops the log).
     */
    default void storeWhole(byte[] image) {
        store(image);
    }
}
