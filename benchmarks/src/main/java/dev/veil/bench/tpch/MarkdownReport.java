package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The benchmark's human-readable report, {@code report.md}: query times side by side with
 * ratios and geometric means, Veil's cold runs, load rates, sanity checks, and what is not
 * measured yet. Cells of engines that cannot be measured yet say so instead of holding a number.
 */
final class MarkdownReport {
    private static final String NOT_YET = "not available yet";
    private static final List<EngineId> QUERY_COLUMNS =
            List.of(EngineId.DUCKDB, EngineId.CALCITE, EngineId.VEIL, EngineId.VEIL_JDBC, EngineId.VEIL_DP);

    private MarkdownReport() {}

    /** The markdown text of {@code result}. */
    static String of(BenchmarkResult result) {
        requireNonNull(result, "result is null");
        Summary summary = new Summary(result);
        StringBuilder out = new StringBuilder();
        header(result, out);
        queryTable(result, summary, out);
        coldTable(result, summary, out);
        loadTable(result, out);
        checks(result, summary, out);
        notYet(out);
        return out.toString();
    }

    private static void header(BenchmarkResult result, StringBuilder out) {
        MachineInfo machine = result.machine();
        out.append("# Veil TPC-H benchmark, scale factor ").append(TpchFiles.format(result.scaleFactor()))
                .append("\n\n");
        out.append(String.format(Locale.ROOT,
                "Started %s; took %.0f s. Each query: one first run (the warm-up), then the median of up to %d warm "
                        + "runs (fewer if they exceed %.0f s), end to end through JDBC (parse, plan, execute, read "
                        + "every value).%n%n",
                result.started(), result.nanos() / 1e9, result.runs(), result.maxWarmSeconds()));
        out.append("| Machine | |\n|---|---|\n");
        out.append(String.format(Locale.ROOT, "| Cores | %d (DuckDB given %d threads) |%n",
                machine.cores(), result.duckDbThreads()));
        out.append(String.format(Locale.ROOT, "| Memory | %.1f GB; JVM max heap %.1f GB |%n",
                machine.memoryBytes() / 1e9, machine.maxHeapBytes() / 1e9));
        out.append("| CPU | ").append(machine.cpu()).append(" |\n");
        out.append("| JVM | ").append(machine.jvm()).append(" |\n");
        out.append("| OS | ").append(machine.os()).append(" |\n");
        out.append("| Load average (1/5/15 min) | start ").append(result.loadAtStart())
                .append(", end ").append(result.loadAtEnd()).append(" |\n");
        for (EngineResult engine : result.engines()) {
            out.append("| ").append(engine.engine().label()).append(" | ").append(engine.version())
                    .append(String.format(Locale.ROOT, "; turn took %.0f s, load average %s → %s |%n",
                            engine.nanos() / 1e9, engine.loadBefore(), engine.loadAfter()));
        }
        out.append(String.format(Locale.ROOT, "| Data | %s, %.0f MB, %s |%n%n",
                result.data().dir().toAbsolutePath(), result.dataBytes() / 1e6,
                result.data().reused() ? "reused from an earlier run"
                        : String.format(Locale.ROOT, "generated in %.1f s", result.data().generationNanos() / 1e9)));
        out.append("A load average above the core count means other processes competed for the CPU; compare "
                + "engines within one report rather than across reports.\n\n");
    }

    private static void queryTable(BenchmarkResult result, Summary summary, StringBuilder out) {
        out.append("## Query times (warm median, ms)\n\n");
        List<String> heading = new ArrayList<>(List.of("Query"));
        for (EngineId engine : QUERY_COLUMNS) {
            heading.add(engine.label());
        }
        heading.addAll(List.of("Veil/DuckDB", "Veil/Calcite", "DP/raw"));
        row(heading, out);
        separator(heading.size(), out);
        for (MeasuredQuery query : result.queries()) {
            List<String> cells = new ArrayList<>(List.of(query.name()));
            for (EngineId engine : QUERY_COLUMNS) {
                cells.add(engine.available() ? millisCell(result, engine, query.name(), summary) : NOT_YET);
            }
            cells.add(ratio(summary.ratio(EngineId.VEIL, EngineId.DUCKDB, query.name())));
            cells.add(ratio(summary.ratio(EngineId.VEIL, EngineId.CALCITE, query.name())));
            cells.add(NOT_YET);
            row(cells, out);
        }
        List<String> completed = summary.completedByAll();
        String meanLabel = completed.size() == result.queries().size() ? "**geometric mean**"
                : "**geometric mean** (" + completed.size() + " of " + result.queries().size() + " queries)";
        List<String> means = new ArrayList<>(List.of(meanLabel));
        for (EngineId engine : QUERY_COLUMNS) {
            means.add(engine.available() ? millis(summary.geometricMean(engine)) : NOT_YET);
        }
        means.add(ratio(summary.geometricMeanRatio(EngineId.VEIL, EngineId.DUCKDB)));
        means.add(ratio(summary.geometricMeanRatio(EngineId.VEIL, EngineId.CALCITE)));
        means.add(NOT_YET);
        row(means, out);
        out.append("\nRatios above 1 mean Veil is slower. ").append(MeasuredQuery.SUM_PRICE)
                .append(" is `SELECT SUM(l_extendedprice) FROM tpch.lineitem`. \"(n=k)\" marks a median of fewer "
                        + "warm runs than asked for, \"timed out\" a run cancelled after ")
                .append(String.format(Locale.ROOT, "%.0f", result.timeoutSeconds()))
                .append(" s, \"n/a\" an engine not run. Geometric means are over the queries that every engine "
                        + "that ran completed.\n\n");
    }

    private static String millisCell(BenchmarkResult result, EngineId engine, String query, Summary summary) {
        return result.engine(engine).flatMap(r -> r.query(query)).map(timing -> {
            if (timing.timedOut()) {
                return "timed out";
            }
            if (timing.error().isPresent()) {
                return "failed";
            }
            String cell = millis(summary.median(engine, query));
            return timing.runNanos().size() < result.runs() ? cell + " (n=" + timing.runNanos().size() + ")" : cell;
        }).orElse("n/a");
    }

    private static void coldTable(BenchmarkResult result, Summary summary, StringBuilder out) {
        if (result.engine(EngineId.VEIL).isEmpty()) {
            return;
        }
        out.append("## Veil's first (cold) run, ms\n\n");
        out.append("The first run of each query in a JVM that has only loaded the data: it includes class loading, "
                + "JIT compilation and Calcite's code generation. The other engines' first runs are in report.json.\n\n");
        List<String> heading = List.of("Query", "Veil first run", "Veil warm median", "first/warm");
        row(heading, out);
        separator(heading.size(), out);
        for (MeasuredQuery query : result.queries()) {
            double first = summary.first(EngineId.VEIL, query.name());
            double warm = summary.median(EngineId.VEIL, query.name());
            row(List.of(query.name(), millis(first), millis(warm), ratio(first / warm)), out);
        }
        out.append('\n');
    }

    private static void loadTable(BenchmarkResult result, StringBuilder out) {
        out.append("## Load from the generated `|`-delimited files\n\n");
        out.append("Veil and DuckDB run one `COPY` per table into a fresh database on disk (MB = 10^6 bytes of "
                + "source file). Calcite's column is the time to read each file into in-memory rows; it writes "
                + "nothing and is not comparable.\n\n");
        List<String> heading = List.of("Table", "Rows", "MB", "Veil s", "Veil MB/s", "Veil rows/s",
                "DuckDB s", "DuckDB MB/s", "DuckDB rows/s", "Calcite read s");
        row(heading, out);
        separator(heading.size(), out);
        long totalRows = 0;
        long totalBytes = 0;
        long[] totalNanos = new long[3];
        List<EngineId> engines = List.of(EngineId.VEIL, EngineId.DUCKDB, EngineId.CALCITE);
        for (String table : TpchSchema.TABLES) {
            TableLoad any = null;
            List<String> cells = new ArrayList<>();
            for (int i = 0; i < engines.size(); i++) {
                TableLoad load = result.engine(engines.get(i)).flatMap(r -> r.load(table)).orElse(null);
                if (load != null) {
                    any = load;
                    totalNanos[i] += load.nanos();
                }
                cells.addAll(loadCells(load, engines.get(i) != EngineId.CALCITE));
            }
            if (any == null) {
                continue;
            }
            totalRows += any.rows();
            totalBytes += any.bytes();
            List<String> line = new ArrayList<>(List.of(table, String.valueOf(any.rows()),
                    String.format(Locale.ROOT, "%.1f", any.bytes() / 1e6)));
            line.addAll(cells);
            row(line, out);
        }
        List<String> total = new ArrayList<>(List.of("**all**", String.valueOf(totalRows),
                String.format(Locale.ROOT, "%.1f", totalBytes / 1e6)));
        for (int i = 0; i < engines.size(); i++) {
            boolean ran = result.engine(engines.get(i)).isPresent();
            total.addAll(loadCells(ran ? new TableLoad("all", totalRows, totalBytes, totalNanos[i]) : null,
                    engines.get(i) != EngineId.CALCITE));
        }
        row(total, out);
        out.append('\n');
    }

    private static List<String> loadCells(TableLoad load, boolean withRates) {
        if (load == null) {
            return withRates ? List.of("n/a", "n/a", "n/a") : List.of("n/a");
        }
        String seconds = String.format(Locale.ROOT, "%.2f", load.seconds());
        if (!withRates) {
            return List.of(seconds);
        }
        return List.of(seconds, String.format(Locale.ROOT, "%.1f", load.megabytesPerSecond()),
                String.format(Locale.ROOT, "%,.0f", load.rowsPerSecond()));
    }

    private static void checks(BenchmarkResult result, Summary summary, StringBuilder out) {
        out.append("## Checks\n\n");
        List<String> problems = new ArrayList<>();
        for (String table : TpchSchema.TABLES) {
            if (!summary.tableRowCountsAgree(table)) {
                problems.add("table " + table + " has different row counts in different engines");
            }
        }
        for (MeasuredQuery query : result.queries()) {
            if (!summary.rowCountsAgree(query.name())) {
                problems.add("query " + query.name() + " returned different row counts in different engines");
            }
            for (EngineResult engine : result.engines()) {
                engine.query(query.name()).flatMap(QueryTiming::error).ifPresent(error ->
                        problems.add("query " + query.name() + " on " + engine.engine().label() + ": " + error));
            }
        }
        if (problems.isEmpty()) {
            out.append("Every engine loaded the same row counts and returned the same number of rows for every "
                    + "query (results are checked value by value by the sql-tests module, not here).\n\n");
        } else {
            for (String problem : problems) {
                out.append("- ").append(problem).append('\n');
            }
            out.append('\n');
        }
    }

    private static void notYet(StringBuilder out) {
        out.append("## Not measured yet\n\n");
        for (EngineId engine : EngineId.values()) {
            if (!engine.available()) {
                out.append("- ").append(engine.label()).append(": ").append(NOT_YET).append(", ")
                        .append(engine.missing()).append(".\n");
            }
        }
        out.append("- DP/raw ratios and the accuracy table (mean relative error at ε = 0.8 and 0.1): ")
                .append(NOT_YET).append(", need DP-SQL.\n");
        out.append("- JDBC service latency (p50/p99) and throughput with 1, 4, 16 clients: ").append(NOT_YET)
                .append(", need Veil's JDBC server.\n");
    }

    private static String millis(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return value < 10 ? String.format(Locale.ROOT, "%.2f", value)
                : value < 100 ? String.format(Locale.ROOT, "%.1f", value)
                : String.format(Locale.ROOT, "%,.0f", value);
    }

    private static String ratio(double value) {
        return Double.isNaN(value) || Double.isInfinite(value) ? "n/a" : String.format(Locale.ROOT, "%.2f", value);
    }

    private static void row(List<String> cells, StringBuilder out) {
        out.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }

    private static void separator(int columns, StringBuilder out) {
        out.append("|").append("---|".repeat(columns)).append('\n');
    }
}
