package dev.veil.cli;

import dev.veil.storage.LoadProgress;
import java.io.PrintStream;

/**
 * A one-line progress bar with rows/s for loads, drawn on the terminal only, and only once a load
 * has run for more than a second.
 */
final class ProgressBar implements LoadProgress, AutoCloseable {
    private static final long SHOW_AFTER_NANOS = 1_000_000_000L;

    private final String label;
    private final PrintStream out;
    private final long start = System.nanoTime();
    private boolean drawn;

    private ProgressBar(String label, PrintStream out) {
        this.label = label;
        this.out = out;
    }

    /** A bar on standard output if it is a terminal, else null. */
    static ProgressBar forTerminal(String label) {
        return System.console() == null ? null : new ProgressBar(label, System.out);
    }

    @Override
    public void update(long rowsSoFar, long bytesRead, long totalBytes) {
        long elapsed = System.nanoTime() - start;
        if (elapsed < SHOW_AFTER_NANOS) {
            return;
        }
        double fraction = totalBytes <= 0 ? 0 : Math.min(1.0, (double) bytesRead / totalBytes);
        int width = 30;
        int filled = (int) Math.round(fraction * width);
        double rate = rowsSoFar / (elapsed / 1e9);
        out.printf(
                "\r%s [%s%s] %3.0f%% %,d rows %,.0f rows/s",
                label, "#".repeat(filled), " ".repeat(width - filled), fraction * 100, rowsSoFar, rate);
        out.flush();
        drawn = true;
    }

    @Override
    public void close() {
        if (drawn) {
            out.println();
        }
    }
}
