package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark's machine-readable report, {@code report.json}: parameters, machine, load
 * averages, every raw timing in nanoseconds, and the summary figures of the markdown report.
 * Engines that cannot be measured yet appear with {@code "available": false} and the reason.
 */
final class JsonReport {
    private JsonReport() {}

    /** The JSON text of {@code result}. */
    static String of(BenchmarkResult result) {
        requireNonNull(result, "result is null");
        Summary summary = new Summary(result);
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("benchmark", "tpch");
        root.put("started", result.started().toString());
        root.put("scale_factor", result.scaleFactor());
        root.put("warm_runs", result.runs());
        root.put("max_warm_seconds", result.maxWarmSeconds());
        root.put("timeout_seconds", result.timeoutSeconds());
        root.put("worker_java_options", result.workerJavaOptions());
        root.put("duckdb_threads", result.duckDbThreads());
        root.put("accuracy_runs", result.accuracyRuns());
        root.put("epsilons", result.epsilons());
        root.put("total_seconds", result.nanos() / 1e9);
        root.put("machine", machine(result.machine()));
        root.put(
                "load_average",
                ordered("start", loadAverage(result.loadAtStart()), "end", loadAverage(result.loadAtEnd())));
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("dir", result.data().dir().toAbsolutePath().toString());
        data.put("reused", result.data().reused());
        data.put("generation_seconds", result.data().generationNanos() / 1e9);
        data.put("bytes", result.dataBytes());
        root.put("data", data);
        List<Object> queries = new ArrayList<>();
        for (MeasuredQuery query : result.queries()) {
            queries.add(ordered("name", query.name(), "sql", query.sql()));
        }
        root.put("queries", queries);
        Map<String, Object> engines = new LinkedHashMap<>();
        for (EngineId id : EngineId.values()) {
            engines.put(id.id(), engine(id, result));
        }
        root.put("engines", engines);
        root.put("summary", summary(result, summary));
        return Json.write(root);
    }

    private static Map<String, Object> engine(EngineId id, BenchmarkResult result) {
        Map<String, Object> engine = new LinkedHashMap<>();
        engine.put("label", id.label());
        if (result.engine(id).isEmpty()) {
            engine.put("note", "not run (not selected with --engines)");
            return engine;
        }
        EngineResult measured = result.engine(id).get();
        engine.put("version", measured.version());
        engine.put("unavailable", measured.unavailable());
        engine.put("seconds", measured.nanos() / 1e9);
        engine.put("load_average_before", loadAverage(measured.loadBefore()));
        engine.put("load_average_after", loadAverage(measured.loadAfter()));
        List<Object> loads = new ArrayList<>();
        for (TableLoad load : measured.loads()) {
            Map<String, Object> table = new LinkedHashMap<>();
            table.put("table", load.table());
            table.put("rows", load.rows());
            table.put("bytes", load.bytes());
            table.put("nanos", load.nanos());
            table.put("megabytes_per_second", load.megabytesPerSecond());
            table.put("rows_per_second", load.rowsPerSecond());
            loads.add(table);
        }
        engine.put("loads", loads);
        List<Object> queries = new ArrayList<>();
        for (QueryTiming timing : measured.queries()) {
            Map<String, Object> query = new LinkedHashMap<>();
            query.put("name", timing.query());
            query.put("rows", timing.rows());
            query.put("first_nanos", timing.firstNanos());
            query.put("run_nanos", timing.runNanos());
            query.put("median_millis", timing.medianMillis());
            query.put("error", timing.error());
            query.put("timed_out", timing.timedOut());
            query.put("first_run_only", timing.firstRunOnly());
            queries.add(query);
        }
        engine.put("queries", queries);
        engine.put("metrics", measured.metrics());
        engine.put("notes", measured.notes());
        return engine;
    }

    private static Map<String, Object> summary(BenchmarkResult result, Summary summary) {
        Map<String, Object> queries = new LinkedHashMap<>();
        for (MeasuredQuery query : result.queries()) {
            Map<String, Object> figures = new LinkedHashMap<>();
            for (EngineId id : EngineId.runOrder()) {
                figures.put(id.id().replace('-', '_') + "_median_millis", summary.median(id, query.name()));
            }
            figures.put("veil_first_millis", summary.first(EngineId.VEIL, query.name()));
            figures.put("veil_over_duckdb", summary.ratio(EngineId.VEIL, EngineId.DUCKDB, query.name()));
            figures.put("veil_over_calcite", summary.ratio(EngineId.VEIL, EngineId.CALCITE, query.name()));
            figures.put("veil_jdbc_over_veil", summary.ratio(EngineId.VEIL_JDBC, EngineId.VEIL, query.name()));
            figures.put("veil_dp_raw_median_millis", summary.dpRawMedian(query.name()));
            figures.put("dp_over_raw", summary.dpOverRaw(query.name()));
            figures.put("veil_in_process_same_jvm_median_millis", summary.inProcessMedian(query.name()));
            figures.put("veil_jdbc_over_in_process_same_jvm", summary.thinOverInProcess(query.name()));
            figures.put("row_counts_agree", summary.rowCountsAgree(query.name()));
            queries.put(query.name(), figures);
        }
        Map<String, Object> geometricMeans = new LinkedHashMap<>();
        for (EngineId id : EngineId.runOrder()) {
            geometricMeans.put(id.id().replace('-', '_') + "_millis", summary.geometricMean(id));
        }
        geometricMeans.put("queries", summary.completedByAll());
        geometricMeans.put("veil_over_duckdb", summary.geometricMeanRatio(EngineId.VEIL, EngineId.DUCKDB));
        geometricMeans.put("veil_over_calcite", summary.geometricMeanRatio(EngineId.VEIL, EngineId.CALCITE));
        geometricMeans.put("veil_jdbc_over_veil", summary.geometricMeanRatio(EngineId.VEIL_JDBC, EngineId.VEIL));
        geometricMeans.put(
                "veil_encrypted_over_veil", summary.geometricMeanRatio(EngineId.VEIL_ENCRYPTED, EngineId.VEIL));
        geometricMeans.put("dp_over_raw", summary.dpOverRawGeometricMean());
        geometricMeans.put("veil_jdbc_over_in_process_same_jvm", summary.thinOverInProcessGeometricMean());
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("queries", queries);
        out.put("geometric_means", geometricMeans);
        return out;
    }

    private static Map<String, Object> machine(MachineInfo machine) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cores", machine.cores());
        out.put("memory_bytes", machine.memoryBytes());
        out.put("max_heap_bytes", machine.maxHeapBytes());
        out.put("cpu", machine.cpu());
        out.put("jvm", machine.jvm());
        out.put("jvm_arguments", machine.jvmArguments());
        out.put("os", machine.os());
        return out;
    }

    private static Map<String, Object> ordered(String key1, Object value1, String key2, Object value2) {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put(key1, value1);
        map.put(key2, value2);
        return map;
    }

    private static List<Double> loadAverage(LoadAverage load) {
        return List.of(load.oneMinute(), load.fiveMinutes(), load.fifteenMinutes());
    }
}
