package dev.veil.bench.tpch;

import dev.veil.session.EmbeddedDriver;
import java.io.IOException;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil bench consent}: the cost of consent enforced at the scan (issue 19). TPC-H Q1, Q3
 * and Q10 run in-process on one warehouse, under the purpose {@code analytics}, first with no
 * consent rule, then with {@code CONSENT REQUIRED} on orders and lineitem, whose privacy unit is
 * the customer (lineitem reaches it through orders), with a consent for the purpose for 90% of the
 * customers (every custkey not divisible by 10) in the category the queries read. Both runs are an
 * admin's under {@code analytics} (not exempt), so only the consent filter differs: the other
 * policies (masks, minimum group sizes, DP) are not set. Reports the median of {@code --runs}
 * timed runs after {@code --warmup} untimed ones (3: the switch between the settings changes the
 * plan and the scan's filter, and the JIT takes a few runs to settle again), and the ratio; and the same for the CPU time the whole process
 * spent in each run (every thread: the query's, the garbage collector's, the compiler's), which a
 * loaded machine disturbs less than the wall-clock time. With {@code --rounds} above 1 the two
 * settings take turns (consent dropped and set again), so that neither is always timed first.
 *
 * <p>Consent filters read the statement time when they run, so both plans come from the plan cache
 * after the warm-up.
 */
@Command(
        name = "consent",
        mixinStandardHelpOptions = true,
        description = "TPC-H Q1, Q3, Q10 with consent required on orders and lineitem (90%% of customers consent) "
                + "against the same without; target: at most 1.3x.")
public final class ConsentBenchmark implements Callable<Integer> {
    private static final List<String> QUERIES = List.of("q01", "q03", "q10");

    @Option(names = "--sf", defaultValue = "0.1", description = "TPC-H scale factor (default: ${DEFAULT-VALUE}).")
    double scaleFactor;

    @Option(
            names = "--runs",
            defaultValue = "5",
            description = "Timed runs per query and setting (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(
            names = "--warmup",
            defaultValue = "3",
            description = "Untimed runs per query before its timed runs, in every round (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(
            names = "--rounds",
            defaultValue = "1",
            description = "Rounds of both settings, one after the other, so that neither is always timed first"
                    + " (default: ${DEFAULT-VALUE}); the medians are over the runs of every round.")
    int rounds;

    @Option(
            names = "--work",
            defaultValue = "target/bench-work",
            description = "Directory for the generated data and the warehouse (default: ${DEFAULT-VALUE}).")
    Path work;

    @Option(names = "--out", description = "Also write the table (Markdown) to this file.")
    Path out;

    @Override
    public Integer call() throws IOException, SQLException {
        if (runs < 1 || rounds < 1 || warmup < 1) {
            throw new IllegalArgumentException("--runs, --rounds and --warmup must be at least 1");
        }
        Files.createDirectories(work);
        TpchFiles files = TpchFiles.prepare(scaleFactor, work);
        Path warehouse = Files.createTempDirectory(work, "consent-sf" + TpchFiles.format(scaleFactor) + "-");
        Map<String, double[][]> plain = new LinkedHashMap<>();
        Map<String, double[][]> consent = new LinkedHashMap<>();
        long consenting;
        long customers;
        String url = EmbeddedDriver.PREFIX + warehouse.toAbsolutePath() + ";create=true";
        try (Connection admin = DriverManager.getConnection(url);
                Statement s = admin.createStatement()) {
            log("Loading TPC-H SF " + TpchFiles.format(scaleFactor) + " into " + warehouse);
            TpchLoader.load(admin, TpchLoader.Dialect.VEIL, "tpch", files.files());
            for (String sql : setup()) {
                s.execute(sql);
            }
            customers = count(s, "SELECT COUNT(*) FROM tpch.customer");
            consenting = count(s, "SELECT COUNT(DISTINCT unit_id) FROM tpch.consents");
            s.execute("SET PURPOSE analytics");
            for (int round = 0; round < rounds; round++) {
                if (round > 0) {
                    s.execute("ALTER TABLE tpch.orders DROP CONSENT REQUIRED");
                    s.execute("ALTER TABLE tpch.lineitem DROP CONSENT REQUIRED");
                }
                for (String q : QUERIES) {
                    plain.merge(q, time(s, TpchQueries.sql(q)), ConsentBenchmark::concat);
                }
                s.execute("ALTER TABLE tpch.orders SET CONSENT REQUIRED");
                s.execute("ALTER TABLE tpch.lineitem SET CONSENT REQUIRED");
                for (String q : QUERIES) {
                    consent.merge(q, time(s, TpchQueries.sql(q)), ConsentBenchmark::concat);
                }
            }
        }
        StringBuilder table = new StringBuilder();
        table.append(String.format(
                Locale.ROOT,
                "Consent overhead, TPC-H SF %s, %d of %d customers consent, median of %d runs (%d warm-up runs"
                        + " before those of each query and round), load average %s%n%n",
                TpchFiles.format(scaleFactor),
                consenting,
                customers,
                runs * rounds,
                warmup,
                LoadAverage.now()));
        table.append("| query | without consent (ms) | consent required (ms) | ratio"
                + " | CPU without (ms) | CPU required (ms) | CPU ratio |\n");
        table.append("|---|---:|---:|---:|---:|---:|---:|\n");
        for (String q : QUERIES) {
            double a = median(plain.get(q)[0]);
            double b = median(consent.get(q)[0]);
            double ca = median(plain.get(q)[1]);
            double cb = median(consent.get(q)[1]);
            table.append(String.format(
                    Locale.ROOT,
                    "| %s | %.1f | %.1f | %.2fx | %.1f | %.1f | %.2fx |%n",
                    q,
                    a,
                    b,
                    b / a,
                    ca,
                    cb,
                    cb / ca));
        }
        table.append("\nRatio per round (median of that round's runs):");
        for (String q : QUERIES) {
            table.append(' ').append(q).append(':');
            for (int round = 0; round < rounds; round++) {
                double a = median(Arrays.copyOfRange(plain.get(q)[0], round * runs, (round + 1) * runs));
                double b = median(Arrays.copyOfRange(consent.get(q)[0], round * runs, (round + 1) * runs));
                table.append(String.format(Locale.ROOT, " %.2fx", b / a));
            }
        }
        table.append('\n');
        System.out.print(table);
        if (out != null) {
            Files.writeString(out, table.toString(), StandardCharsets.UTF_8);
        }
        return 0;
    }

    /** Units, the consent table (90% of customers), its declaration, the purpose and the categories read. */
    static List<String> setup() {
        List<String> sql = new ArrayList<>();
        sql.add("ALTER TABLE tpch.customer SET PRIVACY UNIT (c_custkey)");
        sql.add("ALTER TABLE tpch.orders SET PRIVACY UNIT VIA (o_custkey) REFERENCES tpch.customer (c_custkey)");
        sql.add("ALTER TABLE tpch.lineitem SET PRIVACY UNIT VIA (l_orderkey) REFERENCES tpch.orders (o_orderkey)");
        sql.add("CREATE TABLE tpch.consents (unit_id BIGINT, purpose VARCHAR, category VARCHAR,"
                + " granted_at TIMESTAMP, expires_at TIMESTAMP)");
        sql.add("INSERT INTO tpch.consents SELECT c_custkey, 'analytics', 'purchases',"
                + " TIMESTAMP '2000-01-01 00:00:00', TIMESTAMP '2999-01-01 00:00:00'"
                + " FROM tpch.customer WHERE MOD(c_custkey, 10) <> 0");
        sql.add("ALTER TABLE tpch.consents SET CONSENT SOURCE (UNIT unit_id REFERENCES tpch.customer (c_custkey),"
                + " PURPOSE purpose, CATEGORY category, GRANTED granted_at, EXPIRES expires_at)");
        sql.add("CREATE PURPOSE analytics");
        for (String column : List.of("l_quantity", "l_extendedprice", "l_discount", "l_tax")) {
            sql.add("ALTER TABLE tpch.lineitem ALTER COLUMN " + column + " SET CATEGORY purchases");
        }
        sql.add("ALTER TABLE tpch.orders ALTER COLUMN o_totalprice SET CATEGORY purchases");
        return sql;
    }

    /** The wall-clock and the process CPU milliseconds of each timed run. */
    private double[][] time(Statement s, String sql) throws SQLException {
        for (int i = 0; i < warmup; i++) {
            run(s, sql);
        }
        double[] millis = new double[runs];
        double[] cpu = new double[runs];
        for (int i = 0; i < runs; i++) {
            long startCpu = processCpuNanos();
            long start = System.nanoTime();
            run(s, sql);
            millis[i] = (System.nanoTime() - start) / 1e6;
            cpu[i] = (processCpuNanos() - startCpu) / 1e6;
        }
        return new double[][] {millis, cpu};
    }

    /** The CPU time of the whole process, or 0 where the JVM does not tell it. */
    private static long processCpuNanos() {
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.max(0, os.getProcessCpuTime());
        }
        return 0;
    }

    private static void run(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rs.getObject(1);
            }
        }
    }

    /** The runs of two rounds, wall-clock times and CPU times each in one array. */
    private static double[][] concat(double[][] a, double[][] b) {
        double[][] all = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            all[i] = Arrays.copyOf(a[i], a[i].length + b[i].length);
            System.arraycopy(b[i], 0, all[i], a[i].length, b[i].length);
        }
        return all;
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static void log(String message) {
        System.err.println(message);
    }
}
