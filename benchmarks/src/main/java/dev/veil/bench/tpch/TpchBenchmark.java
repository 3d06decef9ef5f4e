package dev.veil.bench.tpch;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The TPC-H macro benchmark: generates TPC-H at a scale factor, loads it into Veil, DuckDB and
 * Calcite's in-memory enumerable engine, times a set of queries on each in turn, and writes
 * {@code report.md} and {@code report.json}.
 *
 * <p>Engines run one after the other, Veil first, each in its own worker JVM ({@link EngineProcess})
 * and a fresh database that is deleted after its turn. Run it as {@code ./veil bench tpch --sf 1}
 * from the repository root, or through {@link #main}.
 */
@Command(
        name = "tpch",
        mixinStandardHelpOptions = true,
        description = "Time TPC-H queries on Veil, DuckDB and Calcite's enumerable engine; write report.md and "
                + "report.json.")
public final class TpchBenchmark implements Callable<Integer> {
    /** System property naming the benchmarks module's folder, under which the default work and output folders lie. */
    public static final String HOME_PROPERTY = "veil.bench.home";

    private static final DateTimeFormatter STAMP =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    @Option(names = "--sf", defaultValue = "1", description = "TPC-H scale factor (default: ${DEFAULT-VALUE}).")
    double scaleFactor;

    @Option(
            names = "--runs",
            defaultValue = "5",
            description = "Warm runs per query and engine, after one warm-up run (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(
            names = "--out",
            description = "Folder for report.md and report.json " + "(default: benchmarks/results/<UTC timestamp>).")
    Path out;

    @Option(
            names = "--work",
            description = "Folder for the generated data, reused across runs, and the "
                    + "engines' scratch databases (default: benchmarks/work).")
    Path work;

    @Option(
            names = "--engines",
            split = ",",
            defaultValue = "veil,veil-jdbc,veil-dp,duckdb,calcite",
            description = "Engines to run, comma-separated (default: ${DEFAULT-VALUE}).")
    List<String> engines;

    @Option(
            names = "--queries",
            split = ",",
            defaultValue = "q01,q03,q05,q06,q10,q12,q18," + MeasuredQuery.SUM_PRICE,
            description = "Queries to time: q01..q22 or " + MeasuredQuery.SUM_PRICE + " (default: ${DEFAULT-VALUE}).")
    List<String> queries;

    @Option(
            names = "--max-warm-seconds",
            defaultValue = "10",
            description = "Stop an engine's warm runs of one query early once they have taken this long (at least "
                    + "one runs, unless the first run alone took this long) (default: ${DEFAULT-VALUE}).")
    double maxWarmSeconds;

    @Option(
            names = "--timeout-seconds",
            description = "Stop a run that takes longer than this (by killing the engine's worker JVM) and record "
                    + "the query as timed out (default: 120 s per unit of scale factor, at least 30 s). A query "
                    + "that timed out on Veil is skipped by Veil JDBC and Veil DP.")
    Double timeoutSeconds;

    @Option(
            names = "--accuracy-runs",
            defaultValue = "10",
            description = "Veil DP: runs per query and epsilon for the accuracy table (0: none) "
                    + "(default: ${DEFAULT-VALUE}).")
    int accuracyRuns;

    @Option(
            names = "--epsilons",
            split = ",",
            defaultValue = "0.8,0.1",
            description = "Veil DP: the per-query epsilons of the accuracy table, at most " + DpPolicies.EPSILON
                    + " (default: ${DEFAULT-VALUE}).")
    List<Double> epsilons;

    @Option(
            names = "--accuracy-queries",
            split = ",",
            description = "Veil DP: the single-number rows of the accuracy table to measure, e.g. q07_count,q18_sum "
                    + "(default: all of them; the timed queries' own rows follow --queries).")
    List<String> accuracyQueries;

    @Option(
            names = "--accuracy-seconds",
            description = "Veil DP: time budget of the accuracy table; a query whose runs would not fit is skipped "
                    + "(default: 300 s per unit of scale factor, at least 120 s).")
    Double accuracySeconds;

    @Option(
            names = "--service-seconds",
            defaultValue = "3",
            description = "Veil DP: seconds per measurement of the JDBC service (latency; 1, 4, 16 clients); "
                    + "0 skips it (default: ${DEFAULT-VALUE}).")
    double serviceSeconds;

    @Option(
            names = "--worker-java-options",
            description = "Extra JVM options for the engines' worker JVMs, which also get this JVM's options; "
                    + "{worker} becomes the worker's name, e.g. "
                    + "-XX:StartFlightRecording=filename=/tmp/{worker}.jfr")
    String workerJavaOptions;

    @Option(names = "--duckdb-threads", description = "DuckDB's threads (default: the available cores).")
    Integer duckDbThreads;

    private long startNanos;

    public static void main(String[] args) {
        System.exit(new CommandLine(new TpchBenchmark()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        startNanos = System.nanoTime();
        Instant started = Instant.now();
        checkArguments();
        List<EngineId> selected = selectedEngines();
        List<MeasuredQuery> measured;
        try {
            measured = MeasuredQuery.named(queries);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(new CommandLine(this), "--queries: " + e.getMessage());
        }
        double timeout = timeoutSeconds != null ? timeoutSeconds : Math.max(30, 120 * scaleFactor);
        double accuracyBudget = accuracySeconds != null ? accuracySeconds : Math.max(120, 300 * scaleFactor);
        Path home = Path.of(System.getProperty(HOME_PROPERTY, "benchmarks"));
        Path workDir = work != null ? work : home.resolve("work");
        Path outDir = out != null ? out : home.resolve("results").resolve(STAMP.format(started));
        int threads =
                duckDbThreads != null ? duckDbThreads : Runtime.getRuntime().availableProcessors();

        Files.createDirectories(workDir);
        try (WorkFolderLock lock = WorkFolderLock.acquire(workDir, TpchFiles.format(scaleFactor))) {
            return measure(started, selected, measured, timeout, accuracyBudget, workDir, outDir, threads);
        }
    }

    private int measure(
            Instant started,
            List<EngineId> selected,
            List<MeasuredQuery> measured,
            double timeout,
            double accuracyBudget,
            Path workDir,
            Path outDir,
            int threads)
            throws Exception {
        LoadAverage loadAtStart = LoadAverage.now();
        MachineInfo machine = MachineInfo.current();
        log("TPC-H SF " + TpchFiles.format(scaleFactor) + " in " + workDir.toAbsolutePath() + "; load average "
                + loadAtStart);
        TpchFiles data = TpchFiles.prepare(scaleFactor, workDir);
        log(
                data.reused()
                        ? "reusing the data in " + data.dir()
                        : String.format(Locale.ROOT, "generated the data in %.1f s", data.generationNanos() / 1e9));

        EngineProcess engineProcess = new EngineProcess(workerJavaOptions(), timeout, this::log);
        List<EngineResult> results = new ArrayList<>();
        // Veil's three ways of running share one warehouse: the first loads it, the last deletes it.
        Path veilScratch = workDir.resolve("veil-sf" + TpchFiles.format(scaleFactor));
        boolean veilLoaded = false;
        Map<String, String> skipped = new LinkedHashMap<>();
        deleteScratch(veilScratch);
        try {
            for (EngineId engine : EngineId.runOrder()) {
                if (!selected.contains(engine)) {
                    continue;
                }
                boolean veil = engine.sharesWarehouseWithVeil();
                Path scratch =
                        veil ? veilScratch : workDir.resolve(engine.id() + "-sf" + TpchFiles.format(scaleFactor));
                List<MeasuredQuery> toRun = measured.stream()
                        .filter(query -> !veil || !skipped.containsKey(query.name()))
                        .toList();
                log(engine.label() + ": " + (veil && veilLoaded ? "reopening Veil's warehouse" : "loading")
                        + " and running " + toRun.size() + " queries in a worker JVM");
                if (!veil) {
                    deleteScratch(scratch);
                }
                EngineResult result;
                try {
                    result = engineProcess.run(
                            engine,
                            data,
                            scratch,
                            veil && veilLoaded,
                            threads,
                            runs,
                            maxWarmSeconds,
                            toRun,
                            workerArguments(engine, accuracyBudget));
                } finally {
                    if (!veil) {
                        deleteScratch(scratch);
                    }
                }
                veilLoaded |= veil;
                result = withSkipped(result, measured, veil ? skipped : Map.of());
                if (engine == EngineId.VEIL) {
                    for (QueryTiming timing : result.queries()) {
                        if (timing.timedOut()) {
                            skipped.put(timing.query(), "skipped: timed out on Veil");
                        }
                    }
                }
                result.unavailable().ifPresent(reason -> log(engine.label() + ": " + reason));
                results.add(result);
                logLoads(result);
            }
        } finally {
            deleteScratch(veilScratch);
        }
        BenchmarkResult result = new BenchmarkResult(
                started,
                scaleFactor,
                runs,
                maxWarmSeconds,
                timeout,
                workerJavaOptions(),
                threads,
                machine,
                data,
                data.totalBytes(),
                measured,
                results,
                loadAtStart,
                LoadAverage.now(),
                System.nanoTime() - startNanos,
                accuracyRuns,
                epsilons);
        Files.createDirectories(outDir);
        String markdown = MarkdownReport.of(result);
        Files.writeString(outDir.resolve("report.md"), markdown, StandardCharsets.UTF_8);
        Files.writeString(outDir.resolve("report.json"), JsonReport.of(result), StandardCharsets.UTF_8);
        System.out.print(markdown);
        log("wrote " + outDir.toAbsolutePath().resolve("report.md") + " and report.json");
        return 0;
    }

    /** The worker arguments of the steps after the queries, which only the DP engine takes. */
    private List<String> workerArguments(EngineId engine, double accuracyBudget) {
        if (engine != EngineId.VEIL_DP) {
            return List.of();
        }
        List<String> arguments = new ArrayList<>(List.of(
                "--accuracy-runs",
                String.valueOf(accuracyRuns),
                "--accuracy-seconds",
                String.valueOf(accuracyBudget),
                "--service-seconds",
                String.valueOf(serviceSeconds)));
        arguments.add("--epsilons");
        arguments.add(String.join(",", epsilons.stream().map(String::valueOf).toList()));
        if (accuracyQueries != null && !accuracyQueries.isEmpty()) {
            arguments.add("--accuracy-queries");
            arguments.add(String.join(",", accuracyQueries));
        }
        return arguments;
    }

    /** {@code result} with a timing for each skipped query, in the order of {@code queries}. */
    private static EngineResult withSkipped(
            EngineResult result, List<MeasuredQuery> queries, Map<String, String> skipped) {
        if (skipped.isEmpty() || result.unavailable().isPresent()) {
            return result;
        }
        List<QueryTiming> timings = new ArrayList<>();
        for (MeasuredQuery query : queries) {
            Optional<QueryTiming> timing = result.query(query.name());
            if (timing.isPresent()) {
                timings.add(timing.get());
            } else if (skipped.containsKey(query.name())) {
                timings.add(new QueryTiming(
                        query.name(), -1, List.of(), -1, Optional.of(skipped.get(query.name())), false));
            }
        }
        return new EngineResult(
                result.engine(),
                result.version(),
                result.loads(),
                timings,
                result.loadBefore(),
                result.loadAfter(),
                result.nanos(),
                result.metrics(),
                result.notes());
    }

    private void logLoads(EngineResult result) {
        for (TableLoad load : result.loads()) {
            log(String.format(
                    Locale.ROOT,
                    "%-8s load %-9s %,11d rows %8.2f s %7.1f MB/s %,11.0f rows/s",
                    result.engine().id(),
                    load.table(),
                    load.rows(),
                    load.seconds(),
                    load.megabytesPerSecond(),
                    load.rowsPerSecond()));
        }
    }

    private List<String> workerJavaOptions() {
        return workerJavaOptions == null || workerJavaOptions.isBlank()
                ? List.of()
                : List.of(workerJavaOptions.strip().split("\\s+"));
    }

    private List<EngineId> selectedEngines() {
        Set<EngineId> selected = new LinkedHashSet<>();
        for (String name : engines) {
            EngineId engine;
            try {
                engine = EngineId.fromId(name);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--engines: " + e.getMessage());
            }
            selected.add(engine);
        }
        return List.copyOf(selected);
    }

    private void checkArguments() {
        CommandLine cli = new CommandLine(this);
        if (accuracyQueries != null) {
            List<String> known = AccuracyQuery.joinAggregates().stream()
                    .map(AccuracyQuery::name)
                    .toList();
            for (String name : accuracyQueries) {
                if (!known.contains(name)) {
                    throw new CommandLine.ParameterException(
                            cli, "--accuracy-queries: unknown row " + name + "; the rows are " + known);
                }
            }
        }
        if (!(scaleFactor > 0) || Double.isInfinite(scaleFactor)) {
            throw new CommandLine.ParameterException(cli, "--sf must be a positive number: " + scaleFactor);
        }
        if (runs < 1) {
            throw new CommandLine.ParameterException(cli, "--runs must be at least 1: " + runs);
        }
        if (!(maxWarmSeconds > 0)) {
            throw new CommandLine.ParameterException(cli, "--max-warm-seconds must be positive: " + maxWarmSeconds);
        }
        if (timeoutSeconds != null && !(timeoutSeconds > 0)) {
            throw new CommandLine.ParameterException(cli, "--timeout-seconds must be positive: " + timeoutSeconds);
        }
        if (accuracyRuns < 0) {
            throw new CommandLine.ParameterException(cli, "--accuracy-runs must not be negative: " + accuracyRuns);
        }
        for (double epsilon : epsilons) {
            if (!(epsilon > 0) || epsilon > DpPolicies.EPSILON) {
                throw new CommandLine.ParameterException(
                        cli,
                        "--epsilons must be positive and at most " + DpPolicies.EPSILON + " (the table policy's cap): "
                                + epsilon);
            }
        }
        if (accuracySeconds != null && !(accuracySeconds > 0)) {
            throw new CommandLine.ParameterException(cli, "--accuracy-seconds must be positive: " + accuracySeconds);
        }
        if (serviceSeconds < 0) {
            throw new CommandLine.ParameterException(cli, "--service-seconds must not be negative: " + serviceSeconds);
        }
        if (duckDbThreads != null && duckDbThreads < 1) {
            throw new CommandLine.ParameterException(cli, "--duckdb-threads must be at least 1: " + duckDbThreads);
        }
    }

    /** Deletes an engine's scratch database, which only this benchmark writes. */
    private static void deleteScratch(Path scratch) throws IOException {
        if (!Files.exists(scratch)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(scratch)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(path);
            }
        }
    }

    private void log(String message) {
        System.err.printf(Locale.ROOT, "[%7.1f s] %s%n", (System.nanoTime() - startNanos) / 1e9, message);
    }
}
