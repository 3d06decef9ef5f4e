package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * The measured runs of one query on one engine: the first (cold) run, which doubles as the
 * warm-up, and the timed warm runs after it; or why the query stopped.
 *
 * @param query the query name ({@code q01}, ..., {@code sum_price})
 * @param firstNanos the wall-clock time of the first run, or -1 if it did not complete
 * @param runNanos the wall-clock times of the completed warm runs, in order; empty if the first run was so
 *     long that it stands for the warm time (see {@link #firstRunOnly})
 * @param rows the number of result rows of the first run, or -1 if it did not complete
 * @param error why the query stopped (an error, or the time-out), or empty if every run completed
 * @param timedOut whether a run was cancelled for exceeding the time-out
 */
public record QueryTiming(
        String query, long firstNanos, List<Long> runNanos, long rows, Optional<String> error, boolean timedOut) {
    public QueryTiming {
        requireNonNull(query, "query is null");
        runNanos = List.copyOf(requireNonNull(runNanos, "runNanos is null"));
        requireNonNull(error, "error is null");
        if (timedOut && error.isEmpty()) {
            throw new IllegalArgumentException("a timed-out query needs its error message: " + query);
        }
    }

    /** Whether the query ran without error or time-out. */
    public boolean succeeded() {
        return error.isEmpty() && firstNanos >= 0;
    }

    /**
     * Whether there were no warm runs because the first run alone took longer than the warm runs'
     * time budget; its time then stands for the warm time, since JIT warm-up is a small part of it.
     */
    public boolean firstRunOnly() {
        return succeeded() && runNanos.isEmpty();
    }

    /**
     * The median of the warm runs in milliseconds (the mean of the middle two for an even count),
     * the first run if it is the {@linkplain #firstRunOnly only} one, or NaN if the query did not complete.
     */
    public double medianMillis() {
        if (!succeeded()) {
            return Double.NaN;
        }
        if (runNanos.isEmpty()) {
            return firstMillis();
        }
        List<Long> sorted = new ArrayList<>(runNanos);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        double median =
                sorted.size() % 2 == 1 ? sorted.get(middle) : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
        return median / 1e6;
    }

    /** The first (cold) run in milliseconds, or NaN if it did not complete. */
    public double firstMillis() {
        return firstNanos < 0 ? Double.NaN : firstNanos / 1e6;
    }
}
