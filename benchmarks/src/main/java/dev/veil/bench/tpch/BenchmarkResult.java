package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything one run of the TPC-H benchmark measured, from which both reports are written.
 *
 * @param started when the run began
 * @param scaleFactor the TPC-H scale factor
 * @param runs the number of warm runs asked for per query
 * @param maxWarmSeconds the time after which an engine's warm runs of one query stop early
 * @param timeoutSeconds the time after which a run is cancelled
 * @param workerJavaOptions the extra JVM options of the engines' worker JVMs
 * @param duckDbThreads the threads DuckDB was given
 * @param machine the machine and JVM
 * @param data the generated files
 * @param dataBytes their total size
 * @param queries the queries timed, in order
 * @param engines each engine's results, in run order
 * @param loadAtStart the load average when the run began
 * @param loadAtEnd the load average when it ended
 * @param nanos the wall-clock time of the whole run
 * @param accuracyRuns the DP runs per query and epsilon of the accuracy table
 * @param epsilons the epsilons of the accuracy table
 */
public record BenchmarkResult(
        Instant started,
        double scaleFactor,
        int runs,
        double maxWarmSeconds,
        double timeoutSeconds,
        List<String> workerJavaOptions,
        int duckDbThreads,
        MachineInfo machine,
        TpchFiles data,
        long dataBytes,
        List<MeasuredQuery> queries,
        List<EngineResult> engines,
        LoadAverage loadAtStart,
        LoadAverage loadAtEnd,
        long nanos,
        int accuracyRuns,
        List<Double> epsilons) {
    public BenchmarkResult {
        requireNonNull(started, "started is null");
        requireNonNull(machine, "machine is null");
        requireNonNull(data, "data is null");
        workerJavaOptions = List.copyOf(requireNonNull(workerJavaOptions, "workerJavaOptions is null"));
        queries = List.copyOf(requireNonNull(queries, "queries is null"));
        engines = List.copyOf(requireNonNull(engines, "engines is null"));
        requireNonNull(loadAtStart, "loadAtStart is null");
        requireNonNull(loadAtEnd, "loadAtEnd is null");
        epsilons = List.copyOf(requireNonNull(epsilons, "epsilons is null"));
    }

    /** The results of {@code engine}, if it ran. */
    public Optional<EngineResult> engine(EngineId engine) {
        return engines.stream().filter(result -> result.engine() == engine).findFirst();
    }
}
