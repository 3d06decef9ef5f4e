package dev.veil.bench.tpch;

import dev.veil.session.EmbeddedDriver;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil bench federation}: Veil as the policy front door of a Trino (issue 21). TPC-H Q1, Q3,
 * Q5, Q6, Q10, Q12 and Q18 over Trino's {@code tpch.sf<N>} schema, imported into Veil as foreign
 * tables: Trino directly, then through Veil as an admin (no policy applies), and their DP versions
 * ({@link DpQueries}) through Veil as an analyst under differential privacy (customer as the unit,
 * fixed contribution bounds), against Trino running the same DP version without DP. Reports the
 * median of {@code --runs} timed runs (through Veil after the run that measures what was fetched,
 * in Trino after a warm-up when there are several runs), the ratios, and the rows and bytes Trino
 * sent Veil for each query (read from Trino's query information over its REST API after the
 * warm-up run), and prints the remote statement of one DP query. Two more figures say what part of
 * the DP time any design must spend: Trino running the DP version's per-customer sums
 * ({@link UnitFloorQueries}: the join that finds each row's customer and one sum per group and
 * customer, the input of every per-unit contribution bound), and Trino's own elapsed time for the
 * statements Veil sent it.
 *
 * <p>Every DP run asks a differently spelled question ({@code l_linenumber > -k}, always true), since
 * a repeated DP question is replayed from its stored release without running.
 */
@Command(
        name = "federation",
        mixinStandardHelpOptions = true,
        description = "TPC-H over Trino: Trino directly vs through Veil as admin (target <= 1.2x) and as a DP analyst "
                + "(target <= 1.5x of Trino's raw time), with the rows and bytes fetched from Trino.")
public final class FederationBenchmark implements Callable<Integer> {
    private static final List<String> QUERIES = List.of("q01", "q03", "q05", "q06", "q10", "q12", "q18");
    private static final String ANALYST = "fed_analyst";

    @Option(
            names = "--sf",
            defaultValue = "1",
            description = "TPC-H scale factor of Trino's tpch schema (default: ${DEFAULT-VALUE}).")
    double scaleFactor;

    @Option(
            names = "--runs",
            defaultValue = "3",
            description = "Timed runs per query and setting (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(
            names = "--trino-url",
            description = "A running Trino with a tpch catalog (jdbc:trino://host:port); default: start one from "
                    + "~/.cache/veil-trino/476.")
    String trinoUrl;

    @Option(
            names = "--trino-heap-mb",
            defaultValue = "2048",
            description = "Heap of the started Trino (default: ${DEFAULT-VALUE}).")
    int trinoHeapMb;

    @Option(
            names = "--timeout",
            defaultValue = "300",
            description = "JDBC query timeout of each statement, in seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(
            names = "--work",
            defaultValue = "target/bench-work",
            description = "Directory for the warehouse (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(
            names = "--queries",
            split = ",",
            description = "The queries to run, of q01,q03,q05,q06,q10,q12,q18 (default: all of them).")
    List<String> queries = QUERIES;

    @Option(names = "--out", description = "Also write the table (Markdown) to this file.")
    Path out;

    private String httpBase;

    @Override
    public Integer call() throws Exception {
        if (runs < 1) {
            throw new IllegalArgumentException("--runs must be at least 1");
        }
        if (queries.isEmpty() || !QUERIES.containsAll(queries)) {
            throw new IllegalArgumentException("--queries must name some of " + String.join(",", QUERIES));
        }
        String schema = scaleFactor == 0.01 ? "tiny" : "sf" + TpchFiles.format(scaleFactor);
        LocalTrino local = null;
        try {
            if (trinoUrl == null) {
                log("Starting Trino (heap " + trinoHeapMb + " MB)");
                local = LocalTrino.start(trinoHeapMb);
                trinoUrl = local.url();
            }
            Matcher m = Pattern.compile("jdbc:trino://([^/?;]+)").matcher(trinoUrl);
            httpBase = m.lookingAt() ? "http://" + m.group(1) : null;
            return run(schema);
        } finally {
            if (local != null) {
                local.close();
            }
        }
    }

    private int run(String schema) throws Exception {
        Files.createDirectories(work);
        Path warehouse = Files.createTempDirectory(work, "federation-" + schema + "-");
        String url = EmbeddedDriver.PREFIX + warehouse.toAbsolutePath() + ";create=true";
        List<String[]> rows = new ArrayList<>();
        String remoteSql = null;
        try (Connection trino = LocalTrino.connect(trinoUrl);
                Statement direct = trino.createStatement();
                Connection admin = connect(url, null);
                Statement s = admin.createStatement()) {
            for (String sql : setup(trinoUrl, schema)) {
                s.execute(sql);
            }
            try (Connection analystConnection = connect(url, ANALYST);
                    Statement analyst = analystConnection.createStatement()) {
                int[] question = {0};
                for (String q : queries) {
                    log("Running " + q);
                    String sql = TpchQueries.sql(q);
                    String dp = DpQueries.of(new MeasuredQuery(q, sql)).sql();
                    String trinoSql = sql.replace("tpch.", "tpch.\"" + schema + "\".");
                    String trinoDp = dp.replace("tpch.", "tpch.\"" + schema + "\".");
                    String trinoMs = measure(() -> median(time(direct, () -> trinoSql, runs > 1)));
                    Fetched[] adminFetched = {Fetched.NONE};
                    String adminMs = measure(() -> {
                        adminFetched[0] = fetched(direct, () -> consume(s, sql));
                        return median(time(s, () -> sql, false));
                    });
                    String trinoDpMs =
                            dp.equals(sql) ? trinoMs : measure(() -> median(time(direct, () -> trinoDp, runs > 1)));
                    Fetched[] dpFetched = {Fetched.NONE};
                    String dpMs = measure(() -> {
                        dpFetched[0] = fetched(direct, () -> consume(analyst, vary(dp, ++question[0])));
                        return median(time(analyst, () -> vary(dp, ++question[0]), false));
                    });
                    String trinoFloor = UnitFloorQueries.of(q).replace("tpch.", "tpch.\"" + schema + "\".");
                    String floorMs = measure(() -> median(time(direct, () -> trinoFloor, runs > 1)));
                    if (q.equals("q12") && !dpFetched[0].statements().isEmpty()) {
                        remoteSql = dpFetched[0].statements().get(0);
                    }
                    rows.add(new String[] {
                        q,
                        trinoMs,
                        adminMs,
                        ratio(adminMs, trinoMs),
                        adminFetched[0].toString(),
                        trinoDpMs,
                        dpMs,
                        ratio(dpMs, trinoDpMs),
                        floorMs,
                        ratio(dpMs, floorMs),
                        dpFetched[0].remoteMillis() < 0 ? "n/a" : format(dpFetched[0].remoteMillis()),
                        dpFetched[0].toString()
                    });
                    log("| " + String.join(" | ", rows.get(rows.size() - 1)) + " |");
                    if (!dpFetched[0].statements().isEmpty()) {
                        log("Remote statement of the DP version of " + q + ":\n"
                                + dpFetched[0].statements().get(0));
                    }
                }
            }
        }
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "Federation over Trino, TPC-H %s, median of %d runs, load average %s%n%n",
                schema,
                runs,
                LoadAverage.now()));
        table.append("| query | Trino (ms) | Veil admin (ms) | admin/Trino | fetched by admin (rows, bytes)"
                + " | Trino, DP version raw (ms) | Veil DP analyst (ms) | DP/Trino raw"
                + " | Trino, per-customer sums (ms) | DP/per-customer | Trino running Veil's DP statements (ms)"
                + " | fetched by DP (rows, bytes) |\n");
        table.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (String[] row : rows) {
            table.append("| ").append(String.join(" | ", row)).append(" |\n");
        }
        if (remoteSql != null) {
            table.append("\nRemote statement of the DP version of q12 (as Trino received it):\n\n```sql\n")
                    .append(remoteSql)
                    .append("\n```\n");
        }
        System.out.print(table);
        if (out != null) {
            Files.writeString(out, table.toString(), StandardCharsets.UTF_8);
        }
        return 0;
    }

    /** The connection, schema, units, bounds, DP policies (fixed bounds) and the analyst. */
    private static List<String> setup(String trinoUrl, String schema) {
        List<String> sql = new ArrayList<>();
        sql.add("CREATE USER admin PASSWORD 'bench-admin-password' ROLE admin");
        sql.add("CREATE SCHEMA tpch");
        sql.add("CREATE CONNECTION lake TYPE TRINO URL '" + trinoUrl + "' USER '" + LocalTrino.USER + "'");
        sql.add("IMPORT FOREIGN SCHEMA 'tpch." + schema + "' FROM CONNECTION lake INTO tpch");
        sql.addAll(DpPolicies.unitAndBounds("tpch"));
        for (String table : List.of("customer", "orders", "lineitem")) {
            sql.add(String.format(
                    Locale.ROOT,
                    "ALTER TABLE tpch.%s SET DIFFERENTIAL PRIVACY (EPSILON %s, DELTA %s, MAX GROUPS PER UNIT %d,"
                            + " MAX ROWS PER UNIT PER GROUP %d)",
                    table,
                    DpPolicies.EPSILON,
                    DpPolicies.DELTA,
                    DpPolicies.MAX_GROUPS_PER_UNIT,
                    DpPolicies.MAX_ROWS_PER_UNIT_PER_GROUP));
        }
        sql.add("CREATE PRIVACY BUDGET fed_budget LIMIT (EPSILON 1000000, DELTA 0.5) WINDOW NEVER");
        sql.add("CREATE USER " + ANALYST + " PASSWORD 'fed-analyst-password' ROLE analyst");
        sql.add("ALTER USER " + ANALYST + " SET PRIVACY BUDGET fed_budget");
        return sql;
    }

    /** {@code sql} with an always-true condition of its own, so each DP question is new. */
    static String vary(String sql, int k) {
        return sql.replaceFirst("(?i)\\bwhere\\b", "where l_linenumber > -" + k + " and");
    }

    private interface Query {
        String sql();
    }

    private interface Action {
        void run() throws SQLException;
    }

    /** {@code runs} timed runs; after a warm-up run when {@code warmUp} (else the caller's run warmed up). */
    private double[] time(Statement s, Query query, boolean warmUp) throws SQLException {
        if (warmUp) {
            consume(s, query.sql());
        }
        double[] millis = new double[runs];
        for (int i = 0; i < runs; i++) {
            String sql = query.sql();
            long start = System.nanoTime();
            consume(s, sql);
            millis[i] = (System.nanoTime() - start) / 1e6;
        }
        return millis;
    }

    private void consume(Statement s, String sql) throws SQLException {
        s.setQueryTimeout(timeoutSeconds);
        try (ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    rs.getObject(i);
                }
            }
        }
    }

    /**
     * What Trino sent Veil: rows and bytes over the statements it ran for Veil, their texts, and
     * their elapsed time in Trino (from submission to the last row read; -1 when unknown).
     */
    private record Fetched(long rows, long bytes, List<String> statements, double remoteMillis) {
        static final Fetched NONE = new Fetched(-1, -1, List.of(), -1);

        @Override
        public String toString() {
            if (rows < 0) {
                return "n/a";
            }
            return String.format(Locale.ROOT, "%,d / %s", rows, bytes < 0 ? "n/a" : humanBytes(bytes));
        }
    }

    /** Runs {@code action} and sums the output of the statements Trino ran meanwhile for others than the bench. */
    private Fetched fetched(Statement direct, Action action) throws SQLException {
        Set<String> before = queryIds(direct);
        action.run();
        long rows = 0;
        long bytes = 0;
        double remoteMillis = 0;
        List<String> statements = new ArrayList<>();
        for (String id : queryIds(direct)) {
            if (before.contains(id)) {
                continue;
            }
            String info = queryInfo(id);
            if (info == null) {
                return Fetched.NONE;
            }
            Matcher positions =
                    Pattern.compile("\"outputPositions\"\\s*:\\s*(\\d+)").matcher(info);
            Matcher size = Pattern.compile("\"outputDataSize\"\\s*:\\s*\"([0-9.]+)([kMGT]?B)\"")
                    .matcher(info);
            if (positions.find()) {
                rows += Long.parseLong(positions.group(1));
            }
            Matcher elapsed = Pattern.compile("\"elapsedTime\"\\s*:\\s*\"([0-9.]+)(ns|us|ms|s|m|h)\"")
                    .matcher(info);
            remoteMillis = remoteMillis >= 0 && elapsed.find()
                    ? remoteMillis + millis(elapsed.group(1), elapsed.group(2))
                    : -1;
            if (size.find()) {
                bytes += bytes(size.group(1), size.group(2));
            } else {
                bytes = -1;
            }
            try (ResultSet rs =
                    direct.executeQuery("SELECT query FROM system.runtime.queries WHERE query_id = '" + id + "'")) {
                // Veil's SET SESSION and RESET SESSION around a DP statement are not printed.
                if (rs.next() && !rs.getString(1).matches("(?is)\\s*(SET|RESET) SESSION .*")) {
                    statements.add(rs.getString(1));
                }
            }
        }
        return new Fetched(rows, bytes, statements, remoteMillis);
    }

    /** Milliseconds of one of Trino's durations ({@code 1.52s}, {@code 830.00ms}). */
    private static double millis(String number, String unit) {
        double value = Double.parseDouble(number);
        return switch (unit) {
            case "ns" -> value / 1e6;
            case "us" -> value / 1e3;
            case "ms" -> value;
            case "s" -> value * 1e3;
            case "m" -> value * 60e3;
            default -> value * 3600e3;
        };
    }

    private static Set<String> queryIds(Statement direct) throws SQLException {
        Set<String> ids = new LinkedHashSet<>();
        try (ResultSet rs = direct.executeQuery("SELECT query_id FROM system.runtime.queries"
                + " WHERE source IS NULL OR source <> 'veil-bench' ORDER BY created")) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }

    /** Trino's JSON information on query {@code id}, or null when its REST API cannot be read. */
    private String queryInfo(String id) {
        if (httpBase == null) {
            return null;
        }
        try {
            HttpURLConnection http = (HttpURLConnection)
                    URI.create(httpBase + "/v1/query/" + id).toURL().openConnection();
            http.setRequestProperty("X-Trino-User", LocalTrino.USER);
            http.setConnectTimeout(2000);
            http.setReadTimeout(10000);
            try (InputStream in = http.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } finally {
                http.disconnect();
            }
        } catch (IOException e) {
            return null;
        }
    }

    private static long bytes(String number, String unit) {
        double value = Double.parseDouble(number);
        double factor = switch (unit) {
            case "kB" -> 1024;
            case "MB" -> 1024.0 * 1024;
            case "GB" -> 1024.0 * 1024 * 1024;
            case "TB" -> 1024.0 * 1024 * 1024 * 1024;
            default -> 1;
        };
        return Math.round(value * factor);
    }

    private static String humanBytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", bytes / (1024.0 * 1024));
    }

    private static Connection connect(String url, String user) throws SQLException {
        Properties info = new Properties();
        if (user != null) {
            info.setProperty("user", user);
        }
        return DriverManager.getConnection(url, info);
    }

    private interface Measurement {
        double millis() throws SQLException;
    }

    /** The milliseconds {@code m} measures, or why it did not finish. */
    private String measure(Measurement m) {
        try {
            return format(m.millis());
        } catch (SQLException e) {
            log("  " + firstLine(e.getMessage()));
            return e instanceof java.sql.SQLTimeoutException
                            || String.valueOf(e.getMessage()).contains("cancel")
                            || String.valueOf(e.getMessage()).contains("timeout")
                    ? "> " + timeoutSeconds + " s"
                    : "failed";
        }
    }

    private static String ratio(String a, String b) {
        try {
            return String.format(Locale.ROOT, "%.2fx", Double.parseDouble(a) / Double.parseDouble(b));
        } catch (NumberFormatException e) {
            return "";
        }
    }

    private static String format(double millis) {
        return String.format(Locale.ROOT, "%.1f", millis);
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "";
        }
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }

    private static void log(String message) {
        System.err.println(message);
    }
}
