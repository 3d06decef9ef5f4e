package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the benchmark measured on one engine: its table loads and its query timings, with the
 * machine's load average before and after, since the machine may be shared.
 *
 * @param engine the engine
 * @param version the engine's name and version
 * @param loads the load of each table, in load order
 * @param queries the timing of each query, in run order
 * @param loadBefore the load average when the engine's turn began
 * @param loadAfter the load average when it ended
 * @param nanos the wall-clock time of the engine's whole turn
 * @param metrics figures other than query times, by name (accuracy, JDBC service), in the order measured
 * @param notes remarks by name, e.g. {@value #UNAVAILABLE}: why the engine could not run
 */
public record EngineResult(
        EngineId engine,
        String version,
        List<TableLoad> loads,
        List<QueryTiming> queries,
        LoadAverage loadBefore,
        LoadAverage loadAfter,
        long nanos,
        Map<String, Double> metrics,
        Map<String, String> notes) {
    /** The note that says why an engine could not run at all (e.g. Veil without DP-SQL). */
    public static final String UNAVAILABLE = "unavailable";

    public EngineResult {
        requireNonNull(engine, "engine is null");
        requireNonNull(version, "version is null");
        loads = List.copyOf(requireNonNull(loads, "loads is null"));
        queries = List.copyOf(requireNonNull(queries, "queries is null"));
        requireNonNull(loadBefore, "loadBefore is null");
        requireNonNull(loadAfter, "loadAfter is null");
        metrics = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(metrics, "metrics is null")));
        notes = Collections.unmodifiableMap(new LinkedHashMap<>(requireNonNull(notes, "notes is null")));
    }

    /** Why the engine could not run, if it could not. */
    public Optional<String> unavailable() {
        return Optional.ofNullable(notes.get(UNAVAILABLE));
    }

    /** The metric named {@code name}, or NaN if it was not measured. */
    public double metric(String name) {
        return metrics.getOrDefault(name, Double.NaN);
    }

    /** The timing of the query named {@code name}, if this engine ran it. */
    public Optional<QueryTiming> query(String name) {
        return queries.stream().filter(timing -> timing.query().equals(name)).findFirst();
    }

    /** The load of {@code table}, if this engine loaded it. */
    public Optional<TableLoad> load(String table) {
        return loads.stream().filter(load -> load.table().equals(table)).findFirst();
    }
}
