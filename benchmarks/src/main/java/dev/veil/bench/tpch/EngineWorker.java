package dev.veil.bench.tpch;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
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
            QueryRunner runner = new QueryRunner(runs, maxWarmSeconds, () -> send(WorkerMessage.run(running)));
            for (MeasuredQuery query : MeasuredQuery.named(queries)) {
                running = query.name();
                QueryTiming timing = runner.time(bench.connection(), query);
                System.err.println(String.format(Locale.ROOT,
                        "%-8s %-9s first %9.1f ms, median %9.1f ms of %d, %d rows%s", id.id(), query.name(),
                        timing.firstMillis(), timing.medianMillis(), timing.runNanos().size(), timing.rows(),
                        timing.error().map(error -> "; FAILED: " + error).orElse("")));
                send(WorkerMessage.done(timing));
            }
            System.err.println(id.id() + " result checksum " + runner.sink() % 1000);
        }
        send(WorkerMessage.end());
        return 0;
    }

    private BenchEngine open(EngineId id) throws Exception {
        switch (id) {
            case VEIL:
                return CopyLoadedEngine.veil(scratch, reuse);
            case DUCKDB:
                return CopyLoadedEngine.duckDb(scratch.resolve("bench.duckdb"), threads, reuse);
            case CALCITE:
                return CalciteEngine.open();
            default:
                throw new IllegalArgumentException(id.label() + " is not available yet: " + id.missing());
        }
    }

    private void send(String message) {
        messages.println(message);
        messages.flush();
    }
}
