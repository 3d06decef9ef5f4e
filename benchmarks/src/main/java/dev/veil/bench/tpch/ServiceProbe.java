package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The JDBC service as a BI tool sees it: Veil's server on a loopback port over the benchmark's
 * warehouse, and clients in this JVM on the thin driver. It measures the latency (p50, p99) of one
 * small aggregate over a protected table (a DP aggregate run by the analyst, or, without DP, the
 * same aggregate run raw by the administrator) and the queries per second that 1, 4 and 16
 * concurrent clients get with it. Clients and server share the machine's cores.
 */
final class ServiceProbe {
    /** The small aggregate: a DP count per market segment over the 150,000 customers per unit of scale factor. */
    static final String QUERY = "SELECT c_mktsegment, COUNT(*) AS customers FROM tpch.customer GROUP BY c_mktsegment";
    /** The numbers of concurrent clients measured. */
    static final List<Integer> CLIENTS = List.of(1, 4, 16);

    private static final int LATENCY_RUNS = 200;
    private static final int WARM_UP_RUNS = 20;

    private final Path warehouse;
    private final double seconds;
    private final WorkerReport report;

    /**
     * @param warehouse the warehouse folder, already open in this JVM
     * @param seconds how long each concurrency level and the latency series run at most
     */
    ServiceProbe(Path warehouse, double seconds, WorkerReport report) {
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
        if (!(seconds > 0)) {
            throw new IllegalArgumentException("seconds must be positive: " + seconds);
        }
        this.seconds = seconds;
        this.report = requireNonNull(report, "report is null");
    }

    /**
     * Serves the warehouse and measures; {@code admin} is an administrator's connection to it, used to
     * give the administrator a password, and {@code dp} says whether the analyst's DP policies are set.
     */
    void measure(Connection admin, boolean dp) throws Exception {
        report.step("service/start");
        try (Statement statement = admin.createStatement()) {
            statement.execute("CREATE USER IF NOT EXISTS " + Principals.ADMIN + " PASSWORD '"
                    + CopyLoadedEngine.ADMIN_PASSWORD + "' ROLE " + Principals.ADMIN);
        }
        Properties login = new Properties();
        login.setProperty("user", dp ? DpPolicies.ANALYST : Principals.ADMIN);
        login.setProperty("password", dp ? DpPolicies.ANALYST_PASSWORD : CopyLoadedEngine.ADMIN_PASSWORD);
        report.note(
                "service/mode",
                dp ? "analyst " + DpPolicies.ANALYST + ", DP on" : "administrator, raw (DP not available)");
        report.note("service/query", QUERY);
        try (VeilServer server =
                VeilServer.start(ServerConfig.of(warehouse.toAbsolutePath()).withPort(0))) {
            String url = server.jdbcUrl();
            report.step("service/latency");
            try (Connection connection = DriverManager.getConnection(url, login)) {
                latency(connection);
            }
            for (int clients : CLIENTS) {
                report.step("service/clients=" + clients);
                report.metric("service/qps/clients=" + clients, throughput(url, login, clients));
            }
        }
    }

    private void latency(Connection connection) throws SQLException {
        for (int i = 0; i < WARM_UP_RUNS; i++) {
            drain(connection);
        }
        long[] nanos = new long[LATENCY_RUNS];
        int done = 0;
        long start = System.nanoTime();
        while (done < LATENCY_RUNS && (done < WARM_UP_RUNS || System.nanoTime() - start < seconds * 1e9)) {
            long runStart = System.nanoTime();
            drain(connection);
            nanos[done++] = System.nanoTime() - runStart;
        }
        long[] sorted = Arrays.copyOf(nanos, done);
        Arrays.sort(sorted);
        report.metric("service/latency/runs", done);
        report.metric("service/latency/p50_ms", percentile(sorted, 0.50) / 1e6);
        report.metric("service/latency/p99_ms", percentile(sorted, 0.99) / 1e6);
    }

    /** The nearest-rank percentile of sorted values. */
    static double percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(fraction * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    private double throughput(String url, Properties login, int clients) throws Exception {
        AtomicBoolean measuring = new AtomicBoolean();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<Void>> futures = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                futures.add(pool.submit(() -> {
                    try (Connection connection = DriverManager.getConnection(url, login)) {
                        drain(connection);
                        while (!stop.get()) {
                            drain(connection);
                            if (measuring.get()) {
                                done.incrementAndGet();
                            }
                        }
                    }
                    return null;
                }));
            }
            // Let every client connect and warm up before counting.
            Thread.sleep(Math.min(1000, (long) (seconds * 500)));
            measuring.set(true);
            long start = System.nanoTime();
            Thread.sleep((long) (seconds * 1000));
            long count = done.get();
            double elapsed = (System.nanoTime() - start) / 1e9;
            stop.set(true);
            for (Future<Void> future : futures) {
                future.get();
            }
            return count / elapsed;
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    private static void drain(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery(QUERY)) {
            while (result.next()) {
                result.getObject(1);
                result.getObject(2);
            }
        }
    }
}
