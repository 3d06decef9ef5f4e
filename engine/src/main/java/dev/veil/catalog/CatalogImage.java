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
     * Stores {@code image} atomically, but may return before it is on disk: {@link #load} gives it
     * after the process dies, but a power failure may lose it (with everything stored after it)
     * until the next {@link #store} or {@link #sync}, which put it on disk.
     */
    default void storeUnsynced(byte[] image) {
        store(image);
    }

    /** Puts everything stored so far on disk. */
    default void sync() {}

    /**
     * Stores {@code image} as {@link #store} does, and leaves no earlier state on disk beside it (an
     * image kept as a base and a log of changes writes a new base and drops the log).
     */
    default void storeWhole(byte[] image) {
        store(image);
    }
}
