package dev.veil.storage;

/**
 * Where a cache of this package takes the memory it holds from: the process's memory pool, which
 * lives in a layer above storage and installs itself here ({@link PlainChunks#useMemory}). Without
 * one, nothing is cached.
 */
public interface CacheMemory {
    /** Memory taken for a cache; {@link #release} gives it back to where it came from, once. */
    interface Grant {
        void release();
    }

    /** Takes {@code bytes} for a cache if they are free now (never waits); null if they are not. */
    Grant tryTake(long bytes);
}
