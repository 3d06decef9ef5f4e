package dev.veil.storage;

import static java.util.Objects.requireNonNull;

/** Calls a {@link LoadProgress} at most every quarter second, checking the clock only now and then. */
final class ProgressReporter {
    private static final long INTERVAL_NANOS = 250_000_000L;
    private static final int ROWS_BETWEEN_CLOCK_CHECKS = 4096;

    private final LoadProgress progress;
    private final long totalBytes;
    private long nextReport;
    private int countdown = ROWS_BETWEEN_CLOCK_CHECKS;

    ProgressReporter(LoadProgress progress, long totalBytes) {
        this.progress = requireNonNull(progress, "progress is null");
        this.totalBytes = totalBytes;
        this.nextReport = System.nanoTime() + INTERVAL_NANOS;
    }

    /** Called once per row. */
    void row(long rows, long bytesRead) {
        if (--countdown > 0) {
            return;
        }
        countdown = ROWS_BETWEEN_CLOCK_CHECKS;
        long now = System.nanoTime();
        if (now - nextReport >= 0) {
            nextReport = now + INTERVAL_NANOS;
            progress.update(rows, bytesRead, totalBytes);
        }
    }

    void done(long rows, long bytesRead) {
        progress.update(rows, bytesRead, totalBytes);
    }
}
