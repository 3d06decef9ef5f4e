package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.List;
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
 */
public record EngineResult(EngineId engine, String version, List<TableLoad> loads, List<QueryTiming> queries,
        LoadAverage loadBefore, LoadAverage loadAfter, long nanos) {
    public EngineResult {
        requireNonNull(engine, "engine is null");
        requireNonNull(version, "version is null");
        loads = List.copyOf(requireNonNull(loads, "loads is null"));
        queries = List.copyOf(requireNonNull(queries, "queries is null"));
        requireNonNull(loadBefore, "loadBefore is null");
        requireNonNull(loadAfter, "loadAfter is null");
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
