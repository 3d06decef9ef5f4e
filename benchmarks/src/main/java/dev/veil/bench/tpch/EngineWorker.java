package dev.veil.bench.tpch;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The worker JVM of one engine's turn: it loads the data into the engine (or reopens what an
 * earlier worker loaded), times the queries, and reports each step as a {@link WorkerMessage}
 * on standard output. {@link EngineProcess} starts it; it is not meant to be run by hand.
 */
@Command(name = "engine-worker", hidden = true)
public final class EngineWorker implements Callable<Integer> {
    @Option(names = "--engine", required = true)
    String engine;

    @Option(names = "--data", required = true)
    Path data;

    @Option(names = "--scratch", required = true)
    Path scratch;

    @Option(names = "--threads", required = true)
    int threads;

    @Option(names = "--runs", required = true)
    int runs;

    @Option(names = "--max-warm-seconds", required = true)
    double maxWarmSeconds;

    @Option(names = "--queries", split = ",", required = true)
    List<String> queries;

    @Option(names = "--reuse", description = "Reopen the database an earlier worker loaded instead of loading.")
    boolean reuse;

    @Option(
            names = "--accuracy-runs",
            defaultValue = "0",
            description = "DP engine: runs per query and epsilon of the accuracy table (0: no accuracy table).")
    int accuracyRuns;

    @Option(
            names = "--epsilons",
            split = ",",
            defaultValue = "0.8,0.1",
            description = "DP engine: the epsilons of the accuracy table.")
    List<Double> epsilons;

    @Option(
            names = "--accuracy-queries",
            split = ",",
            description = "DP engine: the single-number accuracy rows to measure (default: all of them).")
    List<String> accuracyQueries;

    @Option(
            names = "--accuracy-seconds",
            defaultValue = "60",
            description = "DP engine: the time budget of the accuracy table.")
    double accuracySeconds;

    @Option(
            names = "--service-seconds",
            defaultValue = "0",
            description = "DP engine: seconds per measurement of the JDBC service (0: not measured).")
    double serviceSeconds;

    /** Standard output carries only messages; anything else the engines print goes to standard error. */
    private final PrintStream messages = System.out;

    private String running = "";

    public static void main(String[] args) {
        System.exit(new CommandLine(new EngineWorker()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        System.setOut(System.err);
        EngineId id = EngineId.fromId(engine);
        Map<String, Path> files = new LinkedHashMap<>();
        for (String table : TpchSchema.TABLES) {
            files.put(table, data.resolve(table + ".tbl"));
        }
        try (BenchEngine bench = open(id)) {
            send(WorkerMessage.version(bench.version()));
            if (!reuse || !bench.persistent()) {
                List<TableLoad> loads = bench.load(files);
                if (!reuse) {
                    for (TableLoad load : loads) {
                        send(WorkerMessage.load(load));
                    }
                }
            }
            Optional<String> unavailable = bench.unavailable();
            if (unavailable.isPresent()) {
                System.err.println(id.id() + ": " + unavailable.get());
                send(WorkerMessage.note(EngineResult.UNAVAILABLE, unavailable.get()));
            }
            if (unavailable.isEmpty()) {
                warmUp(bench.connection());
            }
            QueryRunner runner = new QueryRunner(runs, maxWarmSeconds, () -> send(WorkerMessage.run(running)));
            List<MeasuredQuery> accuracyQueries = new ArrayList<>();
            List<String> names =
                    queries.stream().filter(name -> !name.isBlank()).toList();
            for (MeasuredQuery named :
                    unavailable.isPresent() ? List.<MeasuredQuery>of() : MeasuredQuery.named(names)) {
                MeasuredQuery query = named;
                running = query.name();
                if (bench instanceof DpEngine dp) {
                    query = DpQueries.of(named);
                    timeAsAdmin(runner, dp, query);
                }
                if (bench instanceof CopyLoadedEngine served
                        && served.inProcess().isPresent()) {
                    timeInProcess(runner, served.inProcess().get(), query);
                }
                QueryTiming timing = bench instanceof DpEngine dp
                        ? new QueryRunner(runs, maxWarmSeconds, () -> {
                                    send(WorkerMessage.run(running));
                                    dp.askAnew();
                                })
                                .time(bench.connection(), query)
                        : runner.time(bench.connection(), query);
                System.err.println(String.format(
                        Locale.ROOT,
                        "%-8s %-9s first %9.1f ms, median %9.1f ms of %d, %d rows%s",
                        id.id(),
                        query.name(),
                        timing.firstMillis(),
                        timing.medianMillis(),
                        timing.runNanos().size(),
                        timing.rows(),
                        timing.error().map(error -> "; FAILED: " + error).orElse("")));
                send(WorkerMessage.done(timing));
                if (timing.succeeded() && AccuracyQuery.known(named)) {
                    accuracyQueries.add(named);
                }
            }
            System.err.println(id.id() + " result checksum " + runner.sink() % 1000);
            if (bench instanceof DpEngine dp) {
                afterQueries(dp, accuracyQueries);
            }
        }
        send(WorkerMessage.end());
        return 0;
    }

    /**
     * Runs one small untimed join and aggregate, so that what a connection does once (Calcite's JDBC
     * driver and planner start-up, about 20 s on a busy 2-core machine) is not charged to the first query.
     */
    private static void warmUp(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SELECT r_name, COUNT(*) FROM tpch.region, tpch.nation "
                        + "WHERE r_regionkey = n_regionkey GROUP BY r_name ORDER BY r_name")) {
            while (result.next()) {
                result.getObject(2);
            }
        }
    }

    /**
     * Times the DP version of a query as the administrator, for whom the same SQL runs raw (no
     * rewrite, no noise), in the same JVM as the analyst's runs: the DP and non-DP medians of one
     * text. Figures go to metrics {@code dp/raw/<query>/...}; a variant's text to note {@code dp/sql/<query>}.
     */
    private void timeAsAdmin(QueryRunner runner, DpEngine dp, MeasuredQuery query) {
        if (DpQueries.variant(query.name())) {
            send(WorkerMessage.note("dp/sql/" + query.name(), query.sql()));
        }
        timeBeside(runner, dp.admin(), query, "same SQL as administrator", "dp/raw/");
    }

    /**
     * Times a query in-process in the JVM that serves it to the thin driver, just before the thin
     * driver's runs: the two medians of one text under the same load, in one JVM (the engines' own
     * turns run one after another, minutes apart). Figures go to metrics {@code
     * jdbc/in-process/<query>/...}.
     */
    private void timeInProcess(QueryRunner runner, Connection inProcess, MeasuredQuery query) {
        timeBeside(runner, inProcess, query, "in-process, the server's JVM", "jdbc/in-process/");
    }

    /**
     * Times {@code query} on {@code connection} beside the engine's own runs of it, logged with
     * {@code what}; figures go to metrics {@code <prefix><query>/median_ms}, {@code first_ms} and
     * {@code runs}, a failure to note {@code <prefix><query>}.
     */
    private void timeBeside(
            QueryRunner runner, Connection connection, MeasuredQuery query, String what, String prefix) {
        QueryTiming timing = runner.time(connection, query);
        System.err.println(String.format(
                Locale.ROOT,
                "%-8s %-9s first %9.1f ms, median %9.1f ms of %d, %d rows (%s)%s",
                engine,
                query.name(),
                timing.firstMillis(),
                timing.medianMillis(),
                timing.runNanos().size(),
                timing.rows(),
                what,
                timing.error().map(error -> "; FAILED: " + error).orElse("")));
        String name = prefix + query.name();
        if (timing.succeeded()) {
            send(WorkerMessage.metric(name + "/median_ms", timing.medianMillis()));
            send(WorkerMessage.metric(name + "/first_ms", timing.firstMillis()));
            send(WorkerMessage.metric(name + "/runs", timing.runNanos().size()));
        } else {
            send(WorkerMessage.note(name, timing.error().orElse("failed")));
        }
    }

    /** The DP engine's steps after the timed queries: the accuracy table, then the JDBC service. */
    private void afterQueries(DpEngine dp, List<MeasuredQuery> timed) throws Exception {
        WorkerReport report = new WorkerReport() {
            @Override
            public void step(String name) {
                send(WorkerMessage.run(name));
            }

            @Override
            public void metric(String name, double value) {
                send(WorkerMessage.metric(name, value));
            }

            @Override
            public void note(String name, String text) {
                System.err.println(id() + " " + name + ": " + text);
                send(WorkerMessage.note(name, text));
            }
        };
        if (accuracyRuns > 0 && dp.unavailable().isEmpty()) {
            // The join aggregates first: they are the figures to compare with published DP results,
            // and a tight time budget should cut the others.
            List<AccuracyQuery> accuracy = new ArrayList<>(AccuracyQuery.joinAggregates());
            if (accuracyQueries != null && !accuracyQueries.isEmpty()) {
                accuracy.removeIf(query -> !accuracyQueries.contains(query.name()));
            }
            timed.forEach(query -> accuracy.add(AccuracyQuery.of(query)));
            System.err.println(String.format(
                    Locale.ROOT,
                    "%s: accuracy of %d queries, %d runs at epsilon %s",
                    id(),
                    accuracy.size(),
                    accuracyRuns,
                    epsilons));
            // One analyst connection per core: the noisy runs are independent and not timed.
            List<Connection> analysts = new ArrayList<>(List.of(dp.connection()));
            try {
                while (analysts.size() < Runtime.getRuntime().availableProcessors()) {
                    analysts.add(dp.openAnalyst());
                }
                new AccuracyProbe(dp.admin(), analysts, accuracyRuns, epsilons, accuracySeconds, report)
                        .measure(accuracy);
            } finally {
                for (Connection extra : analysts.subList(1, analysts.size())) {
                    extra.close();
                }
            }
        }
        if (serviceSeconds > 0) {
            System.err.println(id() + ": JDBC service latency and throughput");
            new ServiceProbe(scratch, serviceSeconds, report)
                    .measure(dp.admin(), dp.unavailable().isEmpty());
        }
    }

    private String id() {
        return engine;
    }

    private BenchEngine open(EngineId id) throws Exception {
        switch (id) {
            case VEIL:
                return CopyLoadedEngine.veil(scratch, reuse);
            case VEIL_ENCRYPTED:
                return CopyLoadedEngine.veilEncrypted(scratch, reuse);
            case VEIL_JDBC:
                return CopyLoadedEngine.veilServer(scratch, reuse);
            case VEIL_DP:
                return DpEngine.open(scratch, reuse);
            case DUCKDB:
                return CopyLoadedEngine.duckDb(scratch.resolve("bench.duckdb"), threads, reuse);
            case CALCITE:
                return CalciteEngine.open();
            default:
                throw new IllegalArgumentException("Unknown engine " + id);
        }
    }

    private void send(String message) {
        messages.println(message);
        messages.flush();
    }
}
