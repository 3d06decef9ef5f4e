package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Measures how far DP answers are from the true ones: for each query and epsilon, the analyst runs
 * the query {@code runs} times; each run's error is the mean over released groups and aggregate
 * columns of {@code |noisy - true| / |true|}; the reported error is the mean of the runs' errors
 * after dropping the two highest and two lowest (as R2T reports its errors), and the released
 * fraction is the mean share of the true groups that a run released.
 *
 * <p>The true answer comes from the administrator's connection. A query whose runs would not fit
 * in the remaining time budget (estimated from the true answer's time, then from one noisy run's)
 * is skipped with a note.
 */
final class AccuracyProbe {
    /** Runs dropped at each end before averaging, as in R2T's evaluation. */
    static final int TRIMMED = 2;

    private final Connection admin;
    /** The analyst's connections, one per thread that runs noisy queries. */
    private final List<Connection> analysts;

    private final int runs;
    private final List<Double> epsilons;
    private final double budgetSeconds;
    private final WorkerReport report;

    /**
     * A probe whose noisy runs use {@code analysts}, one thread per connection: the runs are
     * independent, so on a machine with several cores they go that much faster (only the timed
     * queries must run alone, and they ran before).
     */
    AccuracyProbe(
            Connection admin,
            List<Connection> analysts,
            int runs,
            List<Double> epsilons,
            double budgetSeconds,
            WorkerReport report) {
        this.admin = requireNonNull(admin, "admin is null");
        this.analysts = List.copyOf(requireNonNull(analysts, "analysts is null"));
        if (this.analysts.isEmpty()) {
            throw new IllegalArgumentException("analysts is empty");
        }
        if (runs < 1) {
            throw new IllegalArgumentException("runs must be at least 1: " + runs);
        }
        this.runs = runs;
        this.epsilons = List.copyOf(requireNonNull(epsilons, "epsilons is null"));
        this.budgetSeconds = budgetSeconds;
        this.report = requireNonNull(report, "report is null");
    }

    /** Metric name prefix of {@code query}'s figures at {@code epsilon}. */
    static String name(String query, double epsilon) {
        return "accuracy/" + query + "/eps=" + epsilon;
    }

    /** Measures every query in turn, within the time budget. */
    void measure(List<AccuracyQuery> queries) {
        long start = System.nanoTime();
        for (AccuracyQuery query : queries) {
            report.step("accuracy/" + query.name());
            List<List<Object>> truth;
            long truthStart = System.nanoTime();
            try {
                truth = rows(admin, query.sql());
            } catch (SQLException e) {
                report.note("accuracy/" + query.name(), "true answer failed: " + firstLine(e));
                continue;
            }
            double truthSeconds = (System.nanoTime() - truthStart) / 1e9;
            report.metric("accuracy/" + query.name() + "/groups", truth.size());
            // The raw answer's time is a first estimate (a noisy run adds the unit lookup and the
            // per-unit bounding, but may also read less): skip at once what that does not fit,
            // otherwise time one noisy run and decide on its time.
            if (!fits(query, truthSeconds, start)) {
                continue;
            }
            double runSeconds;
            try {
                long runStart = System.nanoTime();
                Connection analyst = analysts.get(0);
                setEpsilon(analyst, epsilons.get(0));
                rows(analyst, query.sql());
                runSeconds = (System.nanoTime() - runStart) / 1e9;
            } catch (SQLException e) {
                report.note("accuracy/" + query.name(), firstLine(e));
                continue;
            }
            if (!fits(query, runSeconds, start)) {
                continue;
            }
            for (double epsilon : epsilons) {
                try {
                    measure(query, truth, epsilon);
                } catch (SQLException e) {
                    report.note(name(query.name(), epsilon), firstLine(e));
                    break;
                }
            }
        }
    }

    /** Whether all runs of {@code query} at {@code runSeconds} each fit what is left of the budget; notes a skip. */
    private boolean fits(AccuracyQuery query, double runSeconds, long start) {
        double left = budgetSeconds - (System.nanoTime() - start) / 1e9;
        double estimate = runSeconds * Math.ceil((double) runs / analysts.size()) * epsilons.size();
        if (estimate <= left) {
            return true;
        }
        report.note(
                "accuracy/" + query.name(),
                String.format(
                        Locale.ROOT,
                        "skipped: %d runs would take about %.0f s, more than the %.0f s left of the accuracy budget",
                        runs * epsilons.size(),
                        estimate,
                        Math.max(0, left)));
        return false;
    }

    private static void setEpsilon(Connection analyst, double epsilon) throws SQLException {
        try (Statement statement = analyst.createStatement()) {
            statement.execute("SET EPSILON = " + epsilon);
        }
    }

    private void measure(AccuracyQuery query, List<List<Object>> truth, double epsilon) throws SQLException {
        Map<List<Object>, List<Object>> trueGroups = byKey(query, truth);
        List<Map<List<Object>, List<Object>>> answers = noisyRuns(query, epsilon);
        List<Double> errors = new ArrayList<>();
        double released = 0;
        for (Map<List<Object>, List<Object>> noisy : answers) {
            double errorSum = 0;
            int compared = 0;
            int matched = 0;
            for (Map.Entry<List<Object>, List<Object>> group : trueGroups.entrySet()) {
                List<Object> noisyRow = noisy.get(group.getKey());
                if (noisyRow == null) {
                    continue;
                }
                matched++;
                List<Object> trueRow = group.getValue();
                for (int column = 0; column < trueRow.size(); column++) {
                    if (query.keyColumns().contains(column)) {
                        continue;
                    }
                    double trueValue = number(trueRow.get(column));
                    double noisyValue = number(noisyRow.get(column));
                    if (Double.isNaN(trueValue) || trueValue == 0 || Double.isNaN(noisyValue)) {
                        continue;
                    }
                    errorSum += Math.abs(noisyValue - trueValue) / Math.abs(trueValue);
                    compared++;
                }
            }
            if (compared > 0) {
                errors.add(errorSum / compared);
            }
            released += trueGroups.isEmpty() ? 0 : (double) matched / trueGroups.size();
        }
        String prefix = name(query.name(), epsilon);
        report.metric(prefix + "/error", trimmedMean(errors));
        report.metric(prefix + "/released", released / runs);
        report.metric(prefix + "/runs_with_error", errors.size());
    }

    /** The analyst's {@link #runs} answers to {@code query} at {@code epsilon}, run on every connection at once. */
    private List<Map<List<Object>, List<Object>>> noisyRuns(AccuracyQuery query, double epsilon) throws SQLException {
        for (Connection analyst : analysts) {
            setEpsilon(analyst, epsilon);
        }
        AtomicInteger next = new AtomicInteger();
        List<Map<List<Object>, List<Object>>> answers = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(analysts.size());
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (Connection analyst : analysts) {
                futures.add(pool.submit(() -> {
                    for (int run = next.getAndIncrement(); run < runs; run = next.getAndIncrement()) {
                        report.step(name(query.name(), epsilon) + "/run=" + (run + 1));
                        // A question asked again on the same data is a free replay of the same noisy
                        // answer: each run asks another question, at an epsilon a billionth apart.
                        setEpsilon(analyst, respelt(epsilon, run));
                        answers.add(byKey(query, rows(analyst, query.sql())));
                    }
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof SQLException sql) {
                throw sql;
            }
            throw new SQLException(String.valueOf(e.getCause()), e.getCause());
        } finally {
            pool.shutdownNow();
        }
        return answers;
    }

    /**
     * The epsilon of run {@code run} (from 0): {@code epsilon·(1 − (run + 1)·1e-9)}, so that no two
     * runs (nor the timing run at {@code epsilon}) are the same question; the noise changes by a
     * billionth per run.
     */
    static double respelt(double epsilon, int run) {
        return epsilon * (1 - (run + 1) * 1e-9);
    }

    /** The mean after dropping the {@value #TRIMMED} highest and lowest values (all kept if too few), or NaN if none. */
    static double trimmedMean(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        List<Double> kept = sorted.size() > 2 * TRIMMED ? sorted.subList(TRIMMED, sorted.size() - TRIMMED) : sorted;
        double sum = 0;
        for (double value : kept) {
            sum += value;
        }
        return sum / kept.size();
    }

    private static Map<List<Object>, List<Object>> byKey(AccuracyQuery query, List<List<Object>> rows) {
        Map<List<Object>, List<Object>> groups = new HashMap<>();
        for (List<Object> row : rows) {
            List<Object> key = new ArrayList<>();
            for (int column = 0; column < row.size(); column++) {
                if (query.keyColumns().contains(column)) {
                    Object value = row.get(column);
                    // Keys compare by text, so that e.g. a DECIMAL key equals itself whatever its scale.
                    key.add(value == null ? null : value.toString().strip());
                }
            }
            groups.put(key, row);
        }
        return groups;
    }

    private static double number(Object value) {
        return value instanceof Number number ? number.doubleValue() : Double.NaN;
    }

    private static List<List<Object>> rows(Connection connection, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(sql)) {
            int columns = result.getMetaData().getColumnCount();
            while (result.next()) {
                List<Object> row = new ArrayList<>(columns);
                for (int i = 1; i <= columns; i++) {
                    row.add(result.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    private static String firstLine(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
