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
 * @param runNanos the wall-clock times of the completed warm runs, in order
 * @param rows the number of result rows of the first run, or -1 if it did not complete
 * @param error why the query stopped (an error, or the time-out), or empty if every run completed
 * @param timedOut whether a run was cancelled for exceeding the time-out
 */
public record QueryTiming(String query, long firstNanos, List<Long> runNanos, long rows, Optional<String> error,
        boolean timedOut) {
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
        return error.isEmpty() && !runNanos.isEmpty();
    }

    /** The median of the warm runs in milliseconds (the mean of the middle two for an even count), or NaN. */
    public double medianMillis() {
        if (runNanos.isEmpty()) {
            return Double.NaN;
        }
        List<Long> sorted = new ArrayList<>(runNanos);
        Collections.sort(sorted);
        int middle = sorted.size() / 2;
        double median = sorted.size() % 2 == 1
                ? sorted.get(middle)
                : (sorted.get(middle - 1) + sorted.get(middle)) / 2.0;
        return median / 1e6;
    }

    /** The first (cold) run in milliseconds, or NaN if it did not complete. */
    public double firstMillis() {
        return firstNanos < 0 ? Double.NaN : firstNanos / 1e6;
    }
}
