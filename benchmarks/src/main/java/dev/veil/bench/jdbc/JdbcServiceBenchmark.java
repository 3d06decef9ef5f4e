package dev.veil.bench.jdbc;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.Principals;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.VeilType;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import dev.veil.storage.TableWriter;
import dev.veil.storage.Warehouse;
import java.math.BigDecimal;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil bench jdbc}: the JDBC service as a BI tool sees it. Starts a Veil server on a
 * loopback port over a fresh warehouse holding one table of {@code --rows} rows, then measures
 * through the thin driver jar: latency of {@code SELECT 1} and of a small aggregate (p50, p99),
 * queries per second with 1, 4 and 16 concurrent clients, and rows per second fetching the whole
 * table. The clients run in this JVM, beside the server, on the same cores.
 */
@Command(
        name = "jdbc",
        mixinStandardHelpOptions = true,
        description = "Measure the JDBC service through the thin driver: latency, concurrency, fetch rate.")
public final class JdbcServiceBenchmark implements Callable<Integer> {
    private static final String PASSWORD = "bench-password";
    private static final String SMALL_AGGREGATE = "SELECT g, COUNT(*), SUM(v) FROM bench.t WHERE id < 1000 GROUP BY g";

    @Option(names = "--rows", defaultValue = "1000000", description = "Rows in the table (default ${DEFAULT-VALUE}).")
    int rows;

    @Option(names = "--driver-jar", description = "The thin driver jar (default: jdbc-driver/target/veil-jdbc-*.jar).")
    Path driverJar;

    @Option(names = "--seconds", defaultValue = "10", description = "Duration of each concurrency run.")
    int seconds;

    @Override
    public Integer call() throws Exception {
        Path jar = driverJar != null ? driverJar : defaultDriverJar();
        if (!Files.isRegularFile(jar)) {
            System.err.println(
                    "No thin driver jar at " + jar + "; build it with: mvn -B -DskipTests -pl jdbc-driver -am package");
            return 1;
        }
        Path dir = Files.createTempDirectory("veil-jdbc-bench");
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            new Principals(wh.sqliteCatalog()).createUser(Principals.ADMIN, PASSWORD, Principals.ADMIN, false);
            fill(wh, rows);
        }
        try (VeilServer server =
                        VeilServer.start(ServerConfig.of(dir.resolve("wh")).withPort(0));
                URLClassLoader loader =
                        new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader())) {
            Driver driver = (Driver) Class.forName("dev.veil.jdbc.Driver", true, loader)
                    .getDeclaredConstructor()
                    .newInstance();
            String url = server.jdbcUrl();
            Properties info = new Properties();
            info.setProperty("user", Principals.ADMIN);
            info.setProperty("password", PASSWORD);
            System.out.println(
                    "Server " + url + ", table bench.t with " + rows + " rows, load average " + loadAverage());
            System.out.println();
            System.out.println("| measure | value |");
            System.out.println("|---|---|");
            try (Connection c = driver.connect(url, info)) {
                latency(c, "SELECT 1", 200, 1000);
                latency(c, SMALL_AGGREGATE, 50, 300);
            }
            for (int clients : new int[] {1, 4, 16}) {
                throughput(driver, url, info, clients);
            }
            try (Connection c = driver.connect(url, info)) {
                fetch(c);
            }
        }
        return 0;
    }

    private static Path defaultDriverJar() {
        String home = System.getProperty("veil.bench.home", "benchmarks");
        return Path.of(home)
                .resolve("../jdbc-driver/target/veil-jdbc-0.1.0-SNAPSHOT.jar")
                .normalize();
    }

    private static void fill(Warehouse wh, int rows) {
        wh.catalog().createSchema("bench", true);
        TableDef t = wh.catalog()
                .createTable(
                        new TableName("bench", "t"),
                        List.of(
                                new Column("id", ColumnType.of(VeilType.BIGINT), false),
                                new Column("g", ColumnType.of(VeilType.INTEGER), false),
                                new Column("v", ColumnType.decimal(10, 2), false)),
                        false);
        try (TableWriter writer = wh.newWriter(t)) {
            for (long i = 0; i < rows; i++) {
                writer.append(new Object[] {i, (int) (i % 10), BigDecimal.valueOf(i % 10_000, 2)});
            }
            writer.commit();
        }
    }

    private static void latency(Connection c, String sql, int warmup, int runs) throws SQLException {
        for (int i = 0; i < warmup; i++) {
            drain(c, sql);
        }
        long[] nanos = new long[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            drain(c, sql);
            nanos[i] = System.nanoTime() - start;
        }
        Arrays.sort(nanos);
        System.out.printf(
                "| latency of `%s` | p50 %.2f ms, p99 %.2f ms (%d runs) |%n",
                sql, nanos[runs / 2] / 1e6, nanos[(int) Math.min(runs - 1, Math.ceil(runs * 0.99) - 1)] / 1e6, runs);
    }

    private void throughput(Driver driver, String url, Properties info, int clients) throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong done = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        List<Future<Void>> futures = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            futures.add(pool.submit(() -> {
                try (Connection c = driver.connect(url, info)) {
                    drain(c, SMALL_AGGREGATE);
                    while (!stop.get()) {
                        drain(c, SMALL_AGGREGATE);
                        done.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        Thread.sleep(1000);
        long before = done.get();
        long start = System.nanoTime();
        Thread.sleep(seconds * 1000L);
        long count = done.get() - before;
        double elapsed = (System.nanoTime() - start) / 1e9;
        stop.set(true);
        for (Future<Void> f : futures) {
            f.get();
        }
        pool.shutdown();
        System.out.printf(
                "| small aggregate, %d concurrent client%s | %.0f queries/s |%n",
                clients, clients == 1 ? "" : "s", count / elapsed);
    }

    private void fetch(Connection c) throws SQLException {
        long start = System.nanoTime();
        long n = 0;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, g, v FROM bench.t")) {
            while (rs.next()) {
                rs.getLong(1);
                rs.getInt(2);
                rs.getBigDecimal(3);
                n++;
            }
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        System.out.printf("| fetch %,d rows (3 columns) | %.1f s, %,.0f rows/s |%n", n, elapsed, n / elapsed);
    }

    private static void drain(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rs.getObject(1);
            }
        }
    }

    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (Exception e) {
            return "unknown";
        }
    }
}
