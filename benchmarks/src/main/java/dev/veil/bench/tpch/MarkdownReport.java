package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The benchmark's human-readable report, {@code report.md}: query times side by side with
 * ratios and geometric means, Veil's cold runs, DP accuracy, the JDBC service, load rates and
 * sanity checks. Cells of an engine that could not run (Veil without DP-SQL) say why instead of
 * holding a number.
 */
final class MarkdownReport {
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
        dpCostTable(result, summary, out);
        thinDriverTable(result, summary, out);
        accuracyTable(result, out);
        serviceTable(result, out);
        loadTable(result, out);
        checks(result, summary, out);
        return out.toString();
    }

    private static void header(BenchmarkResult result, StringBuilder out) {
        MachineInfo machine = result.machine();
        out.append("# Veil TPC-H benchmark, scale factor ")
                .append(TpchFiles.format(result.scaleFactor()))
                .append("\n\n");
        out.append(String.format(
                Locale.ROOT,
                "Started %s; took %.0f s. Each engine runs in its own JVM. Each query: one first run (the warm-up), "
                        + "then the median of up to %d warm runs (fewer once they exceed %.0f s), end to end through "
                        + "JDBC (parse, plan, execute, read every value); a run longer than %.0f s is killed.%n%n",
                result.started(),
                result.nanos() / 1e9,
                result.runs(),
                result.maxWarmSeconds(),
                result.timeoutSeconds()));
        out.append("| Machine | |\n|---|---|\n");
        out.append(String.format(
                Locale.ROOT, "| Cores | %d (DuckDB given %d threads) |%n", machine.cores(), result.duckDbThreads()));
        out.append(String.format(
                Locale.ROOT,
                "| Memory | %.1f GB; JVM max heap %.1f GB |%n",
                machine.memoryBytes() / 1e9,
                machine.maxHeapBytes() / 1e9));
        out.append("| CPU | ").append(machine.cpu()).append(" |\n");
        out.append("| JVM | ")
                .append(machine.jvm())
                .append("; options ")
                .append(String.join(" ", machine.jvmArguments()))
                .append(" |\n");
        if (!result.workerJavaOptions().isEmpty()) {
            out.append("| Worker JVM options | ")
                    .append(String.join(" ", result.workerJavaOptions()))
                    .append(" |\n");
        }
        out.append("| OS | ").append(machine.os()).append(" |\n");
        out.append("| Load average (1/5/15 min) | start ")
                .append(result.loadAtStart())
                .append(", end ")
                .append(result.loadAtEnd())
                .append(" |\n");
        for (EngineResult engine : result.engines()) {
            out.append("| ")
                    .append(engine.engine().label())
                    .append(" | ")
                    .append(engine.version())
                    .append(String.format(
                            Locale.ROOT,
                            "; turn took %.0f s, load average %s → %s |%n",
                            engine.nanos() / 1e9,
                            engine.loadBefore(),
                            engine.loadAfter()));
        }
        out.append(String.format(
                Locale.ROOT,
                "| Data | %s, %.0f MB, %s |%n%n",
                result.data().dir().toAbsolutePath(),
                result.dataBytes() / 1e6,
                result.data().reused()
                        ? "reused from an earlier run"
                        : String.format(
                                Locale.ROOT,
                                "generated in %.1f s",
                                result.data().generationNanos() / 1e9)));
        out.append("A load average above the core count means other processes competed for the CPU; compare "
                + "engines within one report rather than across reports.\n\n");
    }

    /**
     * When {@link EngineId#VEIL_ENCRYPTED} ran: its warm medians against plain Veil's (geometric mean
     * of the ratios) and its load throughput against plain Veil's, the two figures of the encryption cost.
     */
    private static void encryption(BenchmarkResult result, Summary summary, StringBuilder out) {
        Optional<EngineResult> encrypted = result.engine(EngineId.VEIL_ENCRYPTED);
        Optional<EngineResult> plain = result.engine(EngineId.VEIL);
        if (encrypted.isEmpty() || plain.isEmpty()) {
            return;
        }
        out.append("\n**Encryption at rest:** Veil encrypted / Veil, geometric mean of warm medians ")
                .append(ratio(summary.geometricMeanRatio(EngineId.VEIL_ENCRYPTED, EngineId.VEIL)))
                .append(" (")
                .append(millis(summary.geometricMean(EngineId.VEIL_ENCRYPTED)))
                .append(" ms); load throughput encrypted / plain ")
                .append(ratio(loadSeconds(plain.get()) / loadSeconds(encrypted.get())))
                .append(" (")
                .append(String.format(
                        Locale.ROOT, "%.1f s vs %.1f s", loadSeconds(encrypted.get()), loadSeconds(plain.get())))
                .append(").\n");
    }

    private static double loadSeconds(EngineResult engine) {
        double seconds = 0;
        for (String table : TpchSchema.TABLES) {
            seconds += engine.load(table).map(TableLoad::seconds).orElse(0.0);
        }
        return seconds;
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
        String dpUnavailable = unavailableCell(result, EngineId.VEIL_DP);
        for (MeasuredQuery query : result.queries()) {
            List<String> cells = new ArrayList<>(List.of(query.name()));
            for (EngineId engine : QUERY_COLUMNS) {
                cells.add(millisCell(result, engine, query.name(), summary));
            }
            cells.add(ratio(summary.ratio(EngineId.VEIL, EngineId.DUCKDB, query.name())));
            cells.add(ratio(summary.ratio(EngineId.VEIL, EngineId.CALCITE, query.name())));
            cells.add(dpUnavailable != null ? dpUnavailable : ratio(summary.dpOverRaw(query.name())));
            row(cells, out);
        }
        List<String> completed = summary.completedByAll();
        String meanLabel = completed.size() == result.queries().size()
                ? "**geometric mean**"
                : "**geometric mean** (" + completed.size() + " of "
                        + result.queries().size() + " queries)";
        List<String> means = new ArrayList<>(List.of(meanLabel));
        for (EngineId engine : QUERY_COLUMNS) {
            String unavailable = unavailableCell(result, engine);
            int over = summary.completedByAllAnd(engine).size();
            means.add(
                    unavailable != null
                            ? unavailable
                            : millis(summary.geometricMean(engine))
                                    + (over == completed.size() || over == 0
                                            ? ""
                                            : " (" + over + (over == 1 ? " query)" : " queries)")));
        }
        means.add(ratio(summary.geometricMeanRatio(EngineId.VEIL, EngineId.DUCKDB)));
        means.add(ratio(summary.geometricMeanRatio(EngineId.VEIL, EngineId.CALCITE)));
        int dpQueries = summary.dpAndRaw().size();
        means.add(
                dpUnavailable != null
                        ? dpUnavailable
                        : ratio(summary.dpOverRawGeometricMean())
                                + (dpQueries == 0
                                                || dpQueries == result.queries().size()
                                        ? ""
                                        : " (" + dpQueries + (dpQueries == 1 ? " query)" : " queries)")));
        row(means, out);
        encryption(result, summary, out);
        slowest(result, summary, out);
        out.append("\nRatios above 1 mean Veil is slower. Veil JDBC is Veil's server on a loopback port with the thin "
                        + "driver; Veil DP is Veil in-process as an analyst with customer as the privacy unit (reached from "
                        + "orders and line items through their foreign keys) and differential privacy at ε = ")
                .append(DpPolicies.EPSILON)
                .append(" per query; † marks a DP version that is the query's count/sum variant (see *Differential "
                        + "privacy: cost*); DP/raw is Veil DP over the same SQL run raw by the administrator in "
                        + "Veil DP's JVM. ")
                .append(MeasuredQuery.SUM_PRICE)
                .append(" is `SELECT SUM(l_extendedprice) FROM tpch.lineitem`. \"(n=k)\" marks a median of fewer "
                        + "warm runs than asked for, \"(1st run)\" a query whose first run took longer than the warm runs' "
                        + "budget and so stands for them, \"timed out\" a run cancelled after ")
                .append(String.format(Locale.ROOT, "%.0f", result.timeoutSeconds()))
                .append(" s, \"skipped\" a query Veil JDBC and Veil DP did not run because it timed out on Veil, "
                        + "\"rejected\" a query the privacy policies do not allow an analyst (the reason is under "
                        + "*Checks*), \"n/a\" an engine not run. Geometric means are over the queries that every "
                        + "engine but Veil DP completed (Veil DP's over those of them it completed; DP/raw over the "
                        + "queries it has).\n\n");
    }

    /** A line naming the query on which Veil is slowest relative to DuckDB, if both ran any. */
    private static void slowest(BenchmarkResult result, Summary summary, StringBuilder out) {
        String worst = null;
        double worstRatio = Double.NaN;
        for (MeasuredQuery query : result.queries()) {
            double ratio = summary.ratio(EngineId.VEIL, EngineId.DUCKDB, query.name());
            if (!Double.isNaN(ratio) && !Double.isInfinite(ratio) && (worst == null || ratio > worstRatio)) {
                worst = query.name();
                worstRatio = ratio;
            }
        }
        if (worst != null) {
            out.append(String.format(
                    Locale.ROOT, "%nSlowest relative to DuckDB: **%s**, Veil/DuckDB %.1f.%n", worst, worstRatio));
        }
    }

    /** The cell of an engine that could not run, e.g. "n/a (DP not available)", or null if it ran or was not selected. */
    private static String unavailableCell(BenchmarkResult result, EngineId engine) {
        return result.engine(engine)
                .flatMap(EngineResult::unavailable)
                .map(reason -> {
                    int colon = reason.indexOf(':');
                    return "n/a (" + (colon < 0 ? reason : reason.substring(0, colon)) + ")";
                })
                .orElse(null);
    }

    private static String millisCell(BenchmarkResult result, EngineId engine, String query, Summary summary) {
        String unavailable = unavailableCell(result, engine);
        if (unavailable != null) {
            return unavailable;
        }
        return result.engine(engine)
                .flatMap(r -> r.query(query))
                .map(timing -> {
                    if (timing.timedOut()) {
                        return "timed out";
                    }
                    if (timing.error().isPresent()) {
                        String error = timing.error().get();
                        return error.startsWith("skipped")
                                ? "skipped"
                                : error.contains("POLICY_VIOLATION") ? "rejected" : "failed";
                    }
                    String cell = millis(summary.median(engine, query))
                            + (engine == EngineId.VEIL_DP && DpQueries.variant(query) ? " †" : "");
                    if (timing.firstRunOnly()) {
                        return cell + " (1st run)";
                    }
                    return timing.runNanos().size() < result.runs()
                            ? cell + " (n=" + timing.runNanos().size() + ")"
                            : cell;
                })
                .orElse("n/a");
    }

    private static void coldTable(BenchmarkResult result, Summary summary, StringBuilder out) {
        if (result.engine(EngineId.VEIL).isEmpty()) {
            return;
        }
        out.append("## Veil's first (cold) run, ms\n\n");
        out.append("The first run of each query in a JVM that has only loaded the data and run one small warm-up "
                + "statement: it includes the query's class loading, JIT compilation and Calcite's code generation. "
                + "The other engines' first runs are in report.json.\n\n");
        List<String> heading = List.of("Query", "Veil first run", "Veil warm median", "first/warm");
        row(heading, out);
        separator(heading.size(), out);
        for (MeasuredQuery query : result.queries()) {
            double first = summary.first(EngineId.VEIL, query.name());
            if (Double.isNaN(first)) {
                row(List.of(query.name(), "n/a", "n/a", "n/a"), out);
                continue;
            }
            double warm = summary.median(EngineId.VEIL, query.name());
            row(List.of(query.name(), millis(first), millis(warm), ratio(first / warm)), out);
        }
        out.append('\n');
    }

    /**
     * The median times of the DP and non-DP versions of each query (issue #6 asks for Q1, Q3 and Q10):
     * the DP version as the analyst, and the same SQL as the administrator, in Veil DP's JVM.
     */
    private static void dpCostTable(BenchmarkResult result, Summary summary, StringBuilder out) {
        Optional<EngineResult> dp = result.engine(EngineId.VEIL_DP);
        if (dp.isEmpty()) {
            return;
        }
        out.append("## Differential privacy: cost (warm median, ms)\n\n");
        if (dp.get().unavailable().isPresent()) {
            out.append("n/a (").append(dp.get().unavailable().get()).append(")\n\n");
            return;
        }
        out.append("Each query's DP version, run by the analyst with customer as the privacy unit (ε = ")
                .append(DpPolicies.EPSILON)
                .append("), and the same SQL run by the administrator, for whom it is "
                        + "neither rewritten nor noisy, in the same JVM. Q3, Q10 and Q18 list single orders or "
                        + "customers, which DP does not release; their DP version is their count/sum variant, "
                        + "below the table. Each of the analyst's runs asks at an ε a billionth apart, so that "
                        + "none is a free replay of a stored answer; like the administrator's runs, they reuse "
                        + "their cached plan (the plan cache is not keyed by ε).\n\n");
        List<String> heading = List.of("Query", "DP version", "DP (analyst)", "non-DP (administrator)", "DP/raw");
        row(heading, out);
        separator(heading.size(), out);
        for (MeasuredQuery query : result.queries()) {
            String name = query.name();
            String dpCell = millisCell(result, EngineId.VEIL_DP, name, summary).replace(" †", "");
            String rawNote = dp.get().notes().get("dp/raw/" + name);
            double raw = summary.dpRawMedian(name);
            String rawCell = !Double.isNaN(raw)
                    ? millis(raw)
                    : rawNote == null ? "n/a" : rawNote.contains("timed out") ? "timed out" : "failed";
            row(
                    List.of(
                            name,
                            DpQueries.variant(name) ? "count/sum variant" : "as written",
                            dpCell,
                            rawCell,
                            ratio(summary.dpOverRaw(name))),
                    out);
        }
        out.append('\n');
        for (MeasuredQuery query : result.queries()) {
            if (DpQueries.variant(query.name())) {
                out.append("- ")
                        .append(query.name())
                        .append(": `")
                        .append(DpQueries.of(query).sql())
                        .append("`\n");
            }
        }
        out.append('\n');
    }

    private static void thinDriverTable(BenchmarkResult result, Summary summary, StringBuilder out) {
        if (result.engine(EngineId.VEIL_JDBC).isEmpty() || Double.isNaN(summary.thinOverInProcessGeometricMean())) {
            return;
        }
        out.append("## Thin driver: cost (warm median, ms)\n\n");
        out.append("Each query in-process, then over the thin driver, in Veil JDBC's JVM (which serves the "
                + "driver on a loopback port), one after the other under the same load: the cost of the "
                + "driver, the HTTP round trips and the server, without the difference between two JVMs "
                + "run minutes apart that the Veil and Veil JDBC columns above also hold.\n\n");
        List<String> heading = List.of("Query", "in-process", "thin driver", "thin/in-process");
        row(heading, out);
        separator(heading.size(), out);
        for (MeasuredQuery query : result.queries()) {
            String name = query.name();
            double local = summary.inProcessMedian(name);
            if (Double.isNaN(local)) {
                continue;
            }
            row(
                    List.of(
                            name,
                            millis(local),
                            millisCell(result, EngineId.VEIL_JDBC, name, summary),
                            ratio(summary.thinOverInProcess(name))),
                    out);
        }
        row(List.of("**geometric mean**", "", "", ratio(summary.thinOverInProcessGeometricMean())), out);
        out.append('\n');
    }

    private static void loadTable(BenchmarkResult result, StringBuilder out) {
        out.append("## Load from the generated `|`-delimited files\n\n");
        out.append("Veil and DuckDB run one `COPY` per table into a fresh database on disk (MB = 10^6 bytes of "
                + "source file). Calcite's column is the time to read each file into in-memory rows; it writes "
                + "nothing and is not comparable.\n\n");
        List<String> heading = List.of(
                "Table",
                "Rows",
                "MB",
                "Veil s",
                "Veil MB/s",
                "Veil rows/s",
                "DuckDB s",
                "DuckDB MB/s",
                "DuckDB rows/s",
                "Calcite read s");
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
                TableLoad load = result.engine(engines.get(i))
                        .flatMap(r -> r.load(table))
                        .orElse(null);
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
            List<String> line = new ArrayList<>(List.of(
                    table,
                    String.format(Locale.ROOT, "%,d", any.rows()),
                    String.format(Locale.ROOT, "%.1f", any.bytes() / 1e6)));
            line.addAll(cells);
            row(line, out);
        }
        List<String> total = new ArrayList<>(List.of(
                "**all**",
                String.format(Locale.ROOT, "%,d", totalRows),
                String.format(Locale.ROOT, "%.1f", totalBytes / 1e6)));
        for (int i = 0; i < engines.size(); i++) {
            boolean ran = result.engine(engines.get(i)).isPresent();
            total.addAll(loadCells(
                    ran ? new TableLoad("all", totalRows, totalBytes, totalNanos[i]) : null,
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
        return List.of(
                seconds,
                String.format(Locale.ROOT, "%.1f", load.megabytesPerSecond()),
                String.format(Locale.ROOT, "%,.0f", load.rowsPerSecond()));
    }

    private static void checks(BenchmarkResult result, Summary summary, StringBuilder out) {
        out.append("## Checks\n\n");
        List<String> problems = new ArrayList<>();
        for (EngineResult engine : result.engines()) {
            engine.unavailable()
                    .ifPresent(reason -> problems.add(engine.engine().label() + " did not run: " + reason));
        }
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
                engine.query(query.name())
                        .flatMap(QueryTiming::error)
                        .ifPresent(error -> problems.add("query " + query.name() + " on "
                                + engine.engine().label() + ": " + error));
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

    private static void accuracyTable(BenchmarkResult result, StringBuilder out) {
        out.append("## Differential privacy: accuracy\n\n");
        Optional<EngineResult> dp = result.engine(EngineId.VEIL_DP);
        if (dp.isEmpty()) {
            out.append("n/a: Veil DP was not run (`--engines`).\n\n");
            return;
        }
        if (dp.get().unavailable().isPresent()) {
            out.append("n/a (").append(dp.get().unavailable().get()).append(")\n\n");
            return;
        }
        List<Double> epsilons = result.epsilons();
        out.append(String.format(
                Locale.ROOT,
                "Each query runs %d times per ε as the analyst. *Error* is the mean "
                        + "relative error |noisy − true| / |true| over the released groups and aggregate columns of a run, "
                        + "averaged over the runs after dropping the %d highest and %d lowest (as R2T reports errors); "
                        + "*released* is the mean fraction of the true groups that a run released (partition selection "
                        + "drops groups with few customers). The `_count` and `_sum` rows are Q3, Q5, Q7, Q10, Q12 "
                        + "(customer as the unit) and Q12 again with the order as the unit (`q12o_`) without "
                        + "grouping, with the TPC-H query's filters: the number of join results and the sum of the "
                        + "query's measure over them; the Q18 rows and the `_r2t` rows ask R2T's own questions "
                        + "(below). *R2T* is R2T's published relative error for the TPC-H query at SF 1 (SIGMOD 2022, "
                        + "from its artifact's results); `≠` marks a row whose question is not R2T's (R2T drops the "
                        + "filters, and protects suppliers too in Q5 and Q7), so the two figures are not comparable. "
                        + "Declared contribution bounds: %d groups "
                        + "per customer and %d rows per customer and group; %d group and %d rows per order; with "
                        + "`CONTRIBUTION BOUNDS AUTO`, COUNT and SUM truncate each unit's contribution at a bound "
                        + "chosen from the data (a quarter of the aggregate's ε). Each run asks at an ε a billionth "
                        + "apart (a repeated question is a free replay of the same answer). At small scale factors "
                        + "the noise dominates; it shrinks in proportion to the data.%n%n",
                result.accuracyRuns(),
                AccuracyProbe.TRIMMED,
                AccuracyProbe.TRIMMED,
                DpPolicies.MAX_GROUPS_PER_UNIT,
                DpPolicies.MAX_ROWS_PER_UNIT_PER_GROUP,
                DpPolicies.ORDERS_MAX_GROUPS_PER_UNIT,
                DpPolicies.ORDERS_MAX_ROWS_PER_UNIT_PER_GROUP));
        List<String> heading = new ArrayList<>(List.of("Query", "Unit", "True groups"));
        for (double epsilon : epsilons) {
            heading.add("ε=" + epsilon + " error");
            heading.add("ε=" + epsilon + " released");
        }
        for (double epsilon : epsilons) {
            heading.add("R2T ε=" + epsilon);
        }
        row(heading, out);
        separator(heading.size(), out);
        List<String> notes = new ArrayList<>();
        for (String query : accuracyQueries(dp.get())) {
            List<String> cells = new ArrayList<>(List.of(query, query.startsWith("q12o_") ? "orders" : "customer"));
            double groups = dp.get().metric("accuracy/" + query + "/groups");
            cells.add(Double.isNaN(groups) ? "n/a" : String.format(Locale.ROOT, "%.0f", groups));
            String note = dp.get().notes().get("accuracy/" + query);
            if (note != null) {
                notes.add(query + ": " + note);
            }
            for (double epsilon : epsilons) {
                String prefix = AccuracyProbe.name(query, epsilon);
                String failure = dp.get().notes().get(prefix);
                if (failure != null) {
                    notes.add(query + " at ε = " + epsilon + ": " + failure);
                }
                String missing = failure != null
                        ? (failure.contains("POLICY_VIOLATION") ? "rejected" : "failed")
                        : note != null ? (note.startsWith("skipped") ? "skipped" : "failed") : "n/a";
                double error = dp.get().metric(prefix + "/error");
                double released = dp.get().metric(prefix + "/released");
                cells.add(
                        Double.isNaN(released)
                                ? missing
                                : Double.isNaN(error) ? "none released" : percent(100 * error));
                cells.add(Double.isNaN(released) ? missing : String.format(Locale.ROOT, "%.0f%%", 100 * released));
            }
            for (double epsilon : epsilons) {
                cells.add(r2tCell(query, epsilon));
            }
            row(cells, out);
        }
        out.append('\n');
        dp.get().notes().forEach((name, text) -> {
            if (name.startsWith("accuracy/") && text.startsWith("timed out")) {
                notes.add(name + ": " + text);
            }
        });
        for (String note : notes) {
            out.append("- ").append(note).append('\n');
        }
        if (!notes.isEmpty()) {
            out.append('\n');
        }
        out.append("R2T's questions (its artifact's `Query/` and `TestSystem/` files):\n\n");
        for (AccuracyQuery.R2tFigure figure : AccuracyQuery.R2T) {
            out.append("- ")
                    .append(figure.query())
                    .append(": ")
                    .append(figure.question())
                    .append('\n');
        }
        out.append('\n');
    }

    /** R2T's figure for an accuracy row at {@code epsilon}, marked when the row asks another question. */
    private static String r2tCell(String query, double epsilon) {
        if (!query.contains("_")) {
            return "";
        }
        return AccuracyQuery.r2t(query)
                .flatMap(figure -> figure.percentAt(epsilon))
                .map(percent -> percent(percent) + (AccuracyQuery.sameAsR2t(query) ? "" : " ≠"))
                .orElse("");
    }

    /** A relative error in percent, with three significant decimals below 1%. */
    private static String percent(double percent) {
        return String.format(Locale.ROOT, percent < 1 ? "%.3f%%" : "%.2f%%", percent);
    }

    /** The accuracy table's queries, in the order they were measured. */
    private static List<String> accuracyQueries(EngineResult dp) {
        Set<String> queries = new LinkedHashSet<>();
        for (String name : dp.metrics().keySet()) {
            accuracyQuery(name).ifPresent(queries::add);
        }
        for (String name : dp.notes().keySet()) {
            accuracyQuery(name).ifPresent(queries::add);
        }
        return List.copyOf(queries);
    }

    private static Optional<String> accuracyQuery(String name) {
        if (!name.startsWith("accuracy/")) {
            return Optional.empty();
        }
        String rest = name.substring("accuracy/".length());
        int slash = rest.indexOf('/');
        return Optional.of(slash < 0 ? rest : rest.substring(0, slash));
    }

    private static void serviceTable(BenchmarkResult result, StringBuilder out) {
        out.append("## JDBC service\n\n");
        Optional<EngineResult> dp = result.engine(EngineId.VEIL_DP);
        if (dp.isEmpty() || Double.isNaN(dp.get().metric("service/latency/p50_ms"))) {
            String why = dp.isEmpty()
                    ? "it is measured in Veil DP's turn, which was not run (`--engines`)"
                    : dp.get().notes().entrySet().stream()
                            .filter(note -> note.getKey().startsWith("service/"))
                            .filter(note -> !note.getKey().equals("service/mode")
                                    && !note.getKey().equals("service/query"))
                            .map(note -> note.getKey() + ": " + note.getValue())
                            .findFirst()
                            .orElse("not measured (`--service-seconds 0`)");
            out.append("n/a: ").append(why).append("\n\n");
            return;
        }
        EngineResult engine = dp.get();
        out.append("Veil's server on a loopback port over the benchmark's warehouse; clients in the same JVM on the "
                        + "thin driver, sharing the cores with the server. The query, run as ")
                .append(engine.notes().getOrDefault("service/mode", "?"))
                .append(": `")
                .append(engine.notes().getOrDefault("service/query", "?"))
                .append("`.\n\n");
        row(List.of("Measure", "Value"), out);
        separator(2, out);
        row(
                List.of(
                        String.format(
                                Locale.ROOT,
                                "latency p50 (%.0f runs, one client)",
                                engine.metric("service/latency/runs")),
                        millis(engine.metric("service/latency/p50_ms")) + " ms"),
                out);
        row(List.of("latency p99", millis(engine.metric("service/latency/p99_ms")) + " ms"), out);
        for (int clients : ServiceProbe.CLIENTS) {
            double qps = engine.metric("service/qps/clients=" + clients);
            row(
                    List.of(
                            "queries/s, " + clients + " concurrent client" + (clients == 1 ? "" : "s"),
                            Double.isNaN(qps) ? "n/a" : String.format(Locale.ROOT, "%,.0f", qps)),
                    out);
        }
        out.append('\n');
    }

    private static String millis(double value) {
        if (Double.isNaN(value)) {
            return "n/a";
        }
        return value < 10
                ? String.format(Locale.ROOT, "%.2f", value)
                : value < 100 ? String.format(Locale.ROOT, "%.1f", value) : String.format(Locale.ROOT, "%,.0f", value);
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
