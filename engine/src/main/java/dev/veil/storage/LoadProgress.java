package dev.veil.storage;

/**
 * Receives a load's progress, at most a few times per second and once at the end; called on the
 * loading thread, so keep it quick.
 */
@FunctionalInterface
public interface LoadProgress {
    /** Ignores progress. */
    LoadProgress NONE = (rowsSoFar, bytesRead, totalBytes) -> {};

    void update(long rowsSoFar, long bytesRead, long totalBytes);
}
