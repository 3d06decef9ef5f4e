package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The figures both reports show, derived from a {@link BenchmarkResult}: warm medians, ratios
 * between engines, and their geometric means. Missing or failed measurements are NaN.
 */
final class Summary {
    private final BenchmarkResult result;

    Summary(BenchmarkResult result) {
        this.result = requireNonNull(result, "result is null");
    }

    /** The warm median of {@code query} on {@code engine} in milliseconds, or NaN. */
    double median(EngineId engine, String query) {
        return timing(engine, query)
                .filter(QueryTiming::succeeded)
                .map(QueryTiming::medianMillis)
                .orElse(Double.NaN);
    }

    /** The first (cold) run of {@code query} on {@code engine} in milliseconds, or NaN. */
    double first(EngineId engine, String query) {
        return timing(engine, query)
                .filter(timing -> timing.error().isEmpty())
                .map(QueryTiming::firstMillis)
                .orElse(Double.NaN);
    }

    /** How many times longer {@code query} took on {@code engine} than on {@code base} (warm medians), or NaN. */
    double ratio(EngineId engine, EngineId base, String query) {
        return median(engine, query) / median(base, query);
    }

    /**
     * The queries that every engine that ran completed, Veil with DP aside (its policies reject some
     * queries by design): the geometric means are taken over these, so that they compare like with like.
     */
    List<String> completedByAll() {
        List<String> completed = new ArrayList<>();
        for (MeasuredQuery query : result.queries()) {
            boolean all = result.engines().stream()
                    .filter(engine -> engine.engine() != EngineId.VEIL_DP)
                    .allMatch(engine -> engine.query(query.name())
                            .filter(QueryTiming::succeeded)
                            .isPresent());
            if (all) {
                completed.add(query.name());
            }
        }
        return List.copyOf(completed);
    }

    /** The queries of {@link #completedByAll} that {@code engine} completed too. */
    List<String> completedByAllAnd(EngineId engine) {
        return completedByAll().stream()
                .filter(query -> !Double.isNaN(median(engine, query)))
                .toList();
    }

    /**
     * The geometric mean of {@code engine}'s warm medians over {@link #completedByAllAnd}, or NaN if
     * none or not run.
     */
    double geometricMean(EngineId engine) {
        return geometricMean(engine, completedByAllAnd(engine));
    }

    private double geometricMean(EngineId engine, List<String> queries) {
        double logSum = 0;
        for (String query : queries) {
            logSum += Math.log(median(engine, query));
        }
        return queries.isEmpty() ? Double.NaN : Math.exp(logSum / queries.size());
    }

    /**
     * The geometric mean of {@link #ratio} over the queries of {@link #completedByAll} that both
     * engines completed, or NaN if there are none.
     */
    double geometricMeanRatio(EngineId engine, EngineId base) {
        List<String> both = completedByAllAnd(engine).stream()
                .filter(query -> !Double.isNaN(median(base, query)))
                .toList();
        return geometricMean(engine, both) / geometricMean(base, both);
    }

    /**
     * The warm median in milliseconds of {@code query}'s DP version ({@link DpQueries}) run raw by the
     * administrator in Veil DP's worker, or NaN: the non-DP time of the SQL Veil DP timed.
     */
    double dpRawMedian(String query) {
        return result.engine(EngineId.VEIL_DP)
                .map(dp -> dp.metric("dp/raw/" + query + "/median_ms"))
                .orElse(Double.NaN);
    }

    /** How many times longer the DP version of {@code query} took as the analyst than as the administrator, or NaN. */
    double dpOverRaw(String query) {
        return median(EngineId.VEIL_DP, query) / dpRawMedian(query);
    }

    /** The queries with both a DP and a raw median of their DP version. */
    List<String> dpAndRaw() {
        return result.queries().stream()
                .map(MeasuredQuery::name)
                .filter(query -> !Double.isNaN(dpOverRaw(query)))
                .toList();
    }

    /** The geometric mean of {@link #dpOverRaw} over {@link #dpAndRaw}, or NaN if there are none. */
    double dpOverRawGeometricMean() {
        List<String> queries = dpAndRaw();
        double logSum = 0;
        for (String query : queries) {
            logSum += Math.log(dpOverRaw(query));
        }
        return queries.isEmpty() ? Double.NaN : Math.exp(logSum / queries.size());
    }

    /**
     * The warm median in milliseconds of {@code query} run in-process in the JVM of Veil's server,
     * just before the thin driver's runs of it, or NaN.
     */
    double inProcessMedian(String query) {
        return result.engine(EngineId.VEIL_JDBC)
                .map(jdbc -> jdbc.metric("jdbc/in-process/" + query + "/median_ms"))
                .orElse(Double.NaN);
    }

    /** How many times longer {@code query} took over the thin driver than in-process in the server's JVM, or NaN. */
    double thinOverInProcess(String query) {
        return median(EngineId.VEIL_JDBC, query) / inProcessMedian(query);
    }

    /** The geometric mean of {@link #thinOverInProcess} over the queries that have it, or NaN. */
    double thinOverInProcessGeometricMean() {
        double logSum = 0;
        int n = 0;
        for (MeasuredQuery query : result.queries()) {
            double ratio = thinOverInProcess(query.name());
            if (!Double.isNaN(ratio)) {
                logSum += Math.log(ratio);
                n++;
            }
        }
        return n == 0 ? Double.NaN : Math.exp(logSum / n);
    }

    /** Whether every engine that ran returned the same number of rows for {@code query}. */
    boolean rowCountsAgree(String query) {
        long rows = -1;
        for (EngineResult engine : result.engines()) {
            if (engine.engine() == EngineId.VEIL_DP) {
                continue; // noise and partition selection change the number of groups
            }
            Optional<QueryTiming> timing =
                    engine.query(query).filter(t -> t.error().isEmpty());
            if (timing.isPresent()) {
                if (rows >= 0 && timing.get().rows() != rows) {
                    return false;
                }
                rows = timing.get().rows();
            }
        }
        return true;
    }

    /** Whether every engine that ran loaded the same number of rows into {@code table}. */
    boolean tableRowCountsAgree(String table) {
        long rows = -1;
        for (EngineResult engine : result.engines()) {
            Optional<TableLoad> load = engine.load(table);
            if (load.isPresent()) {
                if (rows >= 0 && load.get().rows() != rows) {
                    return false;
                }
                rows = load.get().rows();
            }
        }
        return true;
    }

    private Optional<QueryTiming> timing(EngineId engine, String query) {
        return result.engine(engine).flatMap(r -> r.query(query));
    }
}
