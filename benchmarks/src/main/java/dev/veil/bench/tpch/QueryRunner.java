package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Times one query on one connection: a first run, which is the cold run and the warm-up, then up
 * to {@code runs} warm runs, stopping early once the warm runs have taken {@code maxWarmSeconds}
 * (always at least one), so that a slow engine cannot stretch the benchmark without bound. A first
 * run that alone takes {@code maxWarmSeconds} or more is not repeated: it stands for the warm time.
 *
 * <p>Every run is end to end through JDBC: a new statement, parse, plan, execute, and reading
 * every column of every result row. Time-outs are not handled here: engines cannot all cancel
 * every query, so the {@link EngineProcess} that runs this in a worker JVM kills the worker.
 */
final class QueryRunner {
    private final int runs;
    private final double maxWarmSeconds;
    private final Runnable beforeEachRun;
    /** Folds every value read, so that reading the results cannot be optimized away. */
    private long sink;

    /** A runner that calls {@code beforeEachRun} before each run, the first included. */
    QueryRunner(int runs, double maxWarmSeconds, Runnable beforeEachRun) {
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1: " + runs);
        }
        if (!(maxWarmSeconds > 0)) {
            throw new IllegalArgumentException("maxWarmSeconds must be positive: " + maxWarmSeconds);
        }
        this.runs = runs;
        this.maxWarmSeconds = maxWarmSeconds;
        this.beforeEachRun = requireNonNull(beforeEachRun, "beforeEachRun is null");
    }

    /** Runs {@code query} on {@code connection}; a failure is recorded in the timing, not thrown. */
    QueryTiming time(Connection connection, MeasuredQuery query) {
        long first = -1;
        long rows = -1;
        List<Long> warm = new ArrayList<>();
        try {
            long start = System.nanoTime();
            rows = runOnce(connection, query.sql());
            first = System.nanoTime() - start;
            long warmStart = System.nanoTime();
            while (first < maxWarmSeconds * 1e9
                    && warm.size() < runs
                    && (warm.isEmpty() || (System.nanoTime() - warmStart) / 1e9 < maxWarmSeconds)) {
                long runStart = System.nanoTime();
                runOnce(connection, query.sql());
                warm.add(System.nanoTime() - runStart);
            }
        } catch (SQLException | RuntimeException | OutOfMemoryError e) {
            return new QueryTiming(query.name(), first, warm, rows, Optional.of(firstLine(e)), false);
        }
        return new QueryTiming(query.name(), first, warm, rows, Optional.empty(), false);
    }

    private long runOnce(Connection connection, String sql) throws SQLException {
        beforeEachRun.run();
        long rows = 0;
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                rows++;
                for (int i = 1; i <= columns; i++) {
                    Object value = result.getObject(i);
                    sink += value == null ? 0 : value.hashCode();
                }
            }
        }
        return rows;
    }

    /** The sum of hashes of every value read so far; meaningless, but it keeps the reads alive. */
    long sink() {
        return sink;
    }

    private static String firstLine(Throwable e) {
        String message =
                e.getMessage() == null ? e.getClass().getName() : e.getClass().getSimpleName() + ": " + e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
