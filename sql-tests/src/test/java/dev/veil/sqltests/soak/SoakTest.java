package dev.veil.sqltests.soak;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.Principals;
import dev.veil.control.CpuScheduler;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import dev.veil.storage.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak and fault test: many analysts at once against one server, each mixing DP queries,
 * minimum-group-size queries, metadata calls, hostile statements (a constant division by zero, an
 * absurd epsilon, hostile metadata patterns, cross joins that must time out, memory hogs), cancels,
 * disconnects and wrong passwords, while a probe analyst runs a simple query twice a second.
 *
 * <p>It asserts that every failure is a clean Veil error with one of the codes the action may end
 * with (never INTERNAL_ERROR, never a response the driver cannot parse), that every statement sent
 * has its audit row, that the budget ledger equals the sum of the audited charges, that the probe
 * kept answering (within a minute: its latency is reported, not asserted), and that the server's heap shows no growth trend. It prints throughput and
 * p50/p99 latency per action, and separately the probe's ("second analyst": its first, cold query
 * apart, then p50/p95/p99 and how many took over 1 s), and writes them to
 * {@code target/soak-report.md}. {@code -Dveil.soak.unscheduled=true} measures the same without the
 * server's CPU scheduler (every statement at once), for comparison.
 *
 * <p>CI runs it for 60 s with 16 clients; {@code mvn -B verify -pl sql-tests -am -Psoak} runs it
 * for 10 minutes ({@code -Dveil.soak.seconds=N -Dveil.soak.clients=N} choose other values).
 */
final class SoakTest {
    private static final String PASSWORD = "soak-password-0123456789";
    private static final int PEOPLE = 4_000;
    private static final int VISITS = 40_000;
    private static final int NUMBERS = 3_000;

    /** What a client does in one step, and the error codes the step may end with. */
    private enum Action {
        // Ordinary queries may fail only cleanly for want of memory, while memory hogs hold the
        // server's pool longer than a statement waits for it (queue, then fail: by design).
        DP_QUERY(30, List.of("MEMORY_LIMIT_EXCEEDED")),
        MIN_GROUP_QUERY(20, List.of("MEMORY_LIMIT_EXCEEDED")),
        METADATA(10, List.of()),
        CONSTANT_DIVISION(6, List.of("DIVISION_BY_ZERO")),
        ABSURD_EPSILON(5, List.of("INVALID_ARGUMENT", "INVALID_STATEMENT", "INVALID_POLICY")),
        TIMEOUT(6, List.of("STATEMENT_TIMEOUT", "QUERY_CANCELLED")),
        CANCEL(6, List.of("QUERY_CANCELLED", "STATEMENT_TIMEOUT")),
        DISCONNECT(5, List.of("*")),
        MEMORY_HOG(5, List.of("MEMORY_LIMIT_EXCEEDED", "STATEMENT_TIMEOUT", "QUERY_CANCELLED")),
        WRONG_PASSWORD(7, List.of("AUTHENTICATION_FAILED", "LOGIN_THROTTLED"));

        final int weight;
        final List<String> allowedCodes;

        Action(int weight, List<String> allowedCodes) {
            this.weight = weight;
            this.allowedCodes = allowedCodes;
        }
    }

    private static final String HEAVY_CROSS_JOIN =
            "SELECT COUNT(*) FROM soak.numbers a, soak.numbers b, soak.numbers c WHERE a.n + b.n + c.n > -1";

    private static final String MEMORY_HOG = "SELECT COUNT(*) FROM (SELECT DISTINCT LPAD('x', 4000 + a.n * " + NUMBERS
            + " + b.n) AS s FROM soak.numbers a, soak.numbers b) t";

    @TempDir
    Path dir;

    private final Map<Action, ConcurrentLinkedQueue<Long>> latencies = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    private final Map<String, AtomicLong> statementsSent = new ConcurrentHashMap<>();
    private final Map<Action, AtomicLong> failures = new ConcurrentHashMap<>();

    @Test
    void manyClientsMixingHostileAndOrdinaryWorkKeepTheServerUpFairAndAudited() throws Exception {
        int seconds = Integer.getInteger("veil.soak.seconds", 60);
        int clients = Integer.getInteger("veil.soak.clients", 16);
        Path warehouse = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(warehouse)) {
            w.catalog().createSchema("public", true);
            Principals principals = new Principals(w.sqliteCatalog());
            principals.createUser(Principals.ADMIN, PASSWORD, Principals.ADMIN, false);
            for (int i = 1; i <= clients; i++) {
                principals.createUser(user(i), PASSWORD, Principals.ANALYST, false);
            }
            principals.createUser("probe", PASSWORD, Principals.ANALYST, false);
            principals.createUser("victim", PASSWORD, Principals.ANALYST, false);
        }
        // For measuring what the CPU scheduler does (test-internal, never a user's switch):
        // -Dveil.soak.unscheduled=true runs every statement at once, as before the scheduler.
        boolean unscheduled = Boolean.getBoolean("veil.soak.unscheduled");
        CpuScheduler previous = CpuScheduler.useShared(new CpuScheduler(CpuScheduler.defaultSlots(), !unscheduled));
        try (VeilServer server = VeilServer.start(ServerConfig.of(warehouse).withPort(0))) {
            String url = server.jdbcUrl();
            setUp(url);
            for (Action a : Action.values()) {
                latencies.put(a, new ConcurrentLinkedQueue<>());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<Long> heap = new ArrayList<>();
            ConcurrentLinkedQueue<Long> probe = new ConcurrentLinkedQueue<>();
            ExecutorService pool = Executors.newCachedThreadPool();
            List<Future<?>> running = new ArrayList<>();
            for (int i = 1; i <= clients; i++) {
                int client = i;
                running.add(pool.submit(() -> runClient(url, client, deadline)));
            }
            running.add(pool.submit(() -> runProbe(url, deadline, probe)));
            long started = System.nanoTime();
            while (System.nanoTime() < deadline) {
                Thread.sleep(Math.min(5_000, Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
                heap.add(usedHeapAfterGc());
            }
            for (Future<?> f : running) {
                f.get(3, TimeUnit.MINUTES);
            }
            pool.shutdownNow();
            double elapsed = (System.nanoTime() - started) / 1e9;

            String report = report(elapsed, clients, probe, heap, unscheduled);
            System.out.println(report);
            Files.writeString(Path.of("target", "soak-report.md"), report, StandardCharsets.UTF_8);

            assertTrue(
                    unexpected.isEmpty(),
                    () -> unexpected.size() + " unexpected outcomes, e.g.:\n"
                            + String.join("\n", unexpected.stream().limit(20).toList()));
            assertTrue(!probe.isEmpty(), "the probe analyst got no answer at all");
            long probeMax = probe.stream().mapToLong(Long::longValue).max().orElseThrow();
            // Liveness, not speed: on a loaded 2-core CI machine the probe's latency is reported
            // (p50/p99 in the table), and only a server that stops answering fails here.
            assertTrue(
                    probeMax < TimeUnit.SECONDS.toNanos(60),
                    "the probe analyst waited " + probeMax / 1_000_000 + " ms for a simple query");
            checkAuditAndLedger(url, clients);
            checkHeap(heap);
        } finally {
            CpuScheduler.useShared(previous);
        }
    }

    private static String user(int i) {
        return String.format("soak%02d", i);
    }

    private static Connection connect(String url, String user, String password) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", user);
        info.setProperty("password", password);
        return DriverManager.getConnection(url, info);
    }

    private void setUp(String url) throws Exception {
        Path people = dir.resolve("people.csv");
        Path visits = dir.resolve("visits.csv");
        Path numbers = dir.resolve("numbers.csv");
        SplittableRandom random = new SplittableRandom(7);
        String[] cities = {"Lyon", "Oslo", "Quito", "Perth", "Accra", "Dhaka", "Lima", "Riga"};
        write(
                people,
                "person_id,city,age\n",
                PEOPLE,
                i -> i + "," + cities[random.nextInt(cities.length)] + "," + (18 + random.nextInt(70)));
        write(
                visits,
                "person_id,region,amount\n",
                VISITS,
                i -> random.nextInt(PEOPLE) + ",r" + random.nextInt(6) + "," + random.nextInt(500));
        write(numbers, "n\n", NUMBERS, i -> Integer.toString(i));
        String[] statements = {
            "CREATE SCHEMA soak",
            "CREATE TABLE soak.people (person_id BIGINT NOT NULL, city VARCHAR NOT NULL, age INTEGER NOT NULL)",
            "CREATE TABLE soak.visits (person_id BIGINT NOT NULL, region VARCHAR NOT NULL, amount INTEGER NOT NULL)",
            "CREATE TABLE soak.numbers (n INTEGER NOT NULL)",
            "COPY soak.people FROM '" + people + "' WITH (HEADER = TRUE)",
            "COPY soak.visits FROM '" + visits + "' WITH (HEADER = TRUE)",
            "COPY soak.numbers FROM '" + numbers + "' WITH (HEADER = TRUE)",
            "ALTER TABLE soak.people SET PRIVACY UNIT (person_id)",
            "ALTER TABLE soak.people SET MIN GROUP SIZE 10",
            "ALTER TABLE soak.visits SET PRIVACY UNIT (person_id)",
            "ALTER TABLE soak.visits ALTER COLUMN amount SET POLICY AGGREGATE ONLY BOUNDS (0, 500)",
            "ALTER TABLE soak.visits SET DIFFERENTIAL PRIVACY (EPSILON 1, DELTA 1e-7, MAX GROUPS PER UNIT 2,"
                    + " MAX ROWS PER UNIT PER GROUP 5)",
            "CREATE PRIVACY BUDGET soak LIMIT (EPSILON 1000000, DELTA 0.5) WINDOW NEVER",
            "ALTER ROLE analyst SET PRIVACY BUDGET soak",
        };
        try (Connection c = connect(url, Principals.ADMIN, PASSWORD);
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static void write(Path file, String header, int rows, java.util.function.IntFunction<String> row) {
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            out.write(header);
            for (int i = 0; i < rows; i++) {
                out.write(row.apply(i));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Void runClient(String url, int client, long deadline) throws Exception {
        SplittableRandom random = new SplittableRandom(1000 + client);
        String user = user(client);
        AtomicLong sent = statementsSent.computeIfAbsent(user, u -> new AtomicLong());
        int total = 0;
        for (Action a : Action.values()) {
            total += a.weight;
        }
        Connection connection = null;
        try {
            while (System.nanoTime() < deadline) {
                if (connection == null || connection.isClosed()) {
                    connection = connect(url, user, PASSWORD);
                }
                int pick = random.nextInt(total);
                Action action = Action.values()[0];
                for (Action a : Action.values()) {
                    if (pick < a.weight) {
                        action = a;
                        break;
                    }
                    pick -= a.weight;
                }
                long start = System.nanoTime();
                try {
                    if (action == Action.DISCONNECT) {
                        // The statement runs on a connection of its own, closed under it.
                        Connection doomed = connect(url, user, PASSWORD);
                        step(action, doomed, sent, random);
                    } else {
                        step(action, connection, sent, random);
                    }
                    if (!action.allowedCodes.isEmpty()
                            && !action.allowedCodes.contains("*")
                            && action != Action.CANCEL
                            && action != Action.MEMORY_HOG
                            && action != Action.DP_QUERY
                            && action != Action.MIN_GROUP_QUERY) {
                        unexpected.add(action + " succeeded but must fail");
                    }
                } catch (SQLException e) {
                    classify(action, e);
                }
                latencies.get(action).add(System.nanoTime() - start);
            }
        } finally {
            if (connection != null) {
                connection.close();
            }
        }
        return null;
    }

    private void step(Action action, Connection connection, AtomicLong sent, SplittableRandom random)
            throws SQLException {
        switch (action) {
            case DP_QUERY ->
                query(
                        connection,
                        sent,
                        "SELECT region, COUNT(*) AS n, SUM(amount) AS total FROM soak.visits GROUP BY region");
            case MIN_GROUP_QUERY ->
                query(
                        connection,
                        sent,
                        "SELECT city, COUNT(*) AS n, AVG(age) AS age FROM soak.people GROUP BY city ORDER BY city");
            case METADATA -> {
                var meta = connection.getMetaData();
                try (ResultSet rs = meta.getTables(null, "soak", "%", null)) {
                    drain(rs);
                }
                try (ResultSet rs = meta.getColumns(null, null, "%".repeat(90) + "#", null)) {
                    drain(rs);
                }
                try (ResultSet rs = meta.getColumns(null, "so_k", "p%le", "%")) {
                    drain(rs);
                }
            }
            case CONSTANT_DIVISION -> query(connection, sent, "SELECT 1/0");
            case ABSURD_EPSILON -> {
                try (Statement s = connection.createStatement()) {
                    sent.incrementAndGet();
                    s.execute("SET EPSILON = 1e-300");
                }
            }
            case TIMEOUT -> {
                try (Statement s = connection.createStatement()) {
                    s.setQueryTimeout(1);
                    sent.incrementAndGet();
                    drain(s.executeQuery(HEAVY_CROSS_JOIN));
                }
            }
            case CANCEL -> {
                try (Statement s = connection.createStatement()) {
                    s.setQueryTimeout(30);
                    Thread canceller = daemon(() -> {
                        try {
                            Thread.sleep(200 + random.nextInt(600));
                            s.cancel();
                        } catch (InterruptedException | SQLException e) {
                            // the statement ended first
                        }
                    });
                    sent.incrementAndGet();
                    try {
                        drain(s.executeQuery(HEAVY_CROSS_JOIN));
                    } finally {
                        joinQuietly(canceller);
                    }
                }
            }
            case DISCONNECT -> {
                Statement s = connection.createStatement();
                s.setQueryTimeout(30);
                Thread closer = daemon(() -> {
                    try {
                        Thread.sleep(200 + random.nextInt(600));
                        connection.close();
                    } catch (InterruptedException | SQLException e) {
                        // closed already
                    }
                });
                sent.incrementAndGet();
                try {
                    drain(s.executeQuery(HEAVY_CROSS_JOIN));
                } finally {
                    joinQuietly(closer);
                    connection.close();
                }
            }
            case MEMORY_HOG -> {
                try (Statement s = connection.createStatement()) {
                    s.setQueryTimeout(20);
                    sent.incrementAndGet();
                    drain(s.executeQuery(MEMORY_HOG));
                }
            }
            case WRONG_PASSWORD -> {
                try (Connection c = connect(connection.getMetaData().getURL(), "victim", "not-the-password")) {
                    unexpected.add("a wrong password logged in");
                }
            }
        }
    }

    private static Thread daemon(Runnable task) {
        Thread t = new Thread(task, "soak-helper");
        t.setDaemon(true);
        t.start();
        return t;
    }

    private static void joinQuietly(Thread t) {
        try {
            t.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void query(Connection connection, AtomicLong sent, String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.setQueryTimeout(60);
            sent.incrementAndGet();
            drain(s.executeQuery(sql));
        }
    }

    private static void drain(ResultSet rs) throws SQLException {
        try (rs) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    rs.getObject(i);
                }
            }
        }
    }

    /** Records an error that is not a clean Veil error with a code the action may end with. */
    private void classify(Action action, SQLException e) {
        failures.computeIfAbsent(action, a -> new AtomicLong()).incrementAndGet();
        String message = String.valueOf(e.getMessage());
        if (action == Action.DISCONNECT) {
            // The client closed the connection itself: whatever its driver says is fine, as long as
            // the server side stays clean (checked through the audit and the other clients).
            if (message.contains("INTERNAL_ERROR")) {
                unexpected.add(action + ": " + message);
            }
            return;
        }
        int at = message.indexOf("VEIL-");
        if (at < 0) {
            unexpected.add(action + ": not a Veil error: " + message);
            return;
        }
        String rest = message.substring(at + "VEIL-0000 ".length());
        String code = rest.contains(":") ? rest.substring(0, rest.indexOf(':')) : rest;
        if (!action.allowedCodes.contains(code)) {
            unexpected.add(action + ": " + message);
        }
    }

    private Void runProbe(String url, long deadline, ConcurrentLinkedQueue<Long> probe) throws Exception {
        try (Connection c = connect(url, "probe", PASSWORD)) {
            while (System.nanoTime() < deadline) {
                long start = System.nanoTime();
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM soak.numbers WHERE n < 100")) {
                    rs.next();
                    if (rs.getLong(1) != 100) {
                        unexpected.add("the probe's count is " + rs.getLong(1));
                    }
                } catch (SQLException e) {
                    unexpected.add("probe: " + e.getMessage());
                }
                probe.add(System.nanoTime() - start);
                Thread.sleep(500);
            }
        }
        return null;
    }

    /** Every statement a soak user sent has a completed audit row; the ledger equals the audited charges. */
    private void checkAuditAndLedger(String url, int clients) throws Exception {
        try (Connection c = connect(url, Principals.ADMIN, PASSWORD);
                Statement s = c.createStatement()) {
            long waitUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (true) {
                try (ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*) FROM veil.audit" + " WHERE user_name LIKE 'soak%' AND finished_at IS NULL")) {
                    rs.next();
                    if (rs.getLong(1) == 0 || System.nanoTime() > waitUntil) {
                        assertEquals(0, rs.getLong(1), "audit rows of soak users still open a minute after the run");
                        break;
                    }
                }
                Thread.sleep(500);
            }
            Map<String, Long> audited = new TreeMap<>();
            try (ResultSet rs = s.executeQuery("SELECT user_name, COUNT(*) FROM veil.audit"
                    + " WHERE user_name LIKE 'soak%' GROUP BY user_name")) {
                while (rs.next()) {
                    audited.put(rs.getString(1), rs.getLong(2));
                }
            }
            Map<String, Long> sent = new TreeMap<>();
            statementsSent.forEach((user, n) -> sent.put(user, n.get()));
            assertEquals(sent, audited, "statements sent per user against audit rows per user");
            double ledger;
            double audit;
            try (ResultSet rs = s.executeQuery(
                    "SELECT COALESCE(SUM(epsilon), 0) FROM veil.budget_ledger WHERE user_name LIKE 'soak%'")) {
                rs.next();
                ledger = rs.getDouble(1);
            }
            try (ResultSet rs =
                    s.executeQuery("SELECT COALESCE(SUM(epsilon), 0) FROM veil.audit WHERE user_name LIKE 'soak%'")) {
                rs.next();
                audit = rs.getDouble(1);
            }
            assertTrue(ledger > 0, "no DP query was charged");
            assertEquals(ledger, audit, 1e-9 * Math.max(1, ledger), "ledger epsilon against audited epsilon");
        }
    }

    /** The heap after the first third of the run does not keep growing (GC'd samples). */
    private static void checkHeap(List<Long> heap) {
        if (heap.size() < 6) {
            return;
        }
        int third = heap.size() / 3;
        long early = heap.subList(third, 2 * third).stream()
                .mapToLong(Long::longValue)
                .max()
                .orElseThrow();
        long late = heap.subList(2 * third, heap.size()).stream()
                .mapToLong(Long::longValue)
                .min()
                .orElseThrow();
        assertTrue(late < early + 256L * 1024 * 1024, "heap grew from " + mb(early) + " to " + mb(late) + " MB");
    }

    private static long usedHeapAfterGc() {
        System.gc();
        Runtime rt = Runtime.getRuntime();
        return rt.totalMemory() - rt.freeMemory();
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }

    private String report(
            double seconds, int clients, ConcurrentLinkedQueue<Long> probe, List<Long> heap, boolean unscheduled) {
        StringBuilder out = new StringBuilder();
        out.append(String.format(
                "## Soak: %d clients for %.0f s, %d CPU slots%s%n%n",
                clients,
                seconds,
                CpuScheduler.defaultSlots(),
                unscheduled ? " (scheduler off: every statement runs at once)" : ""));
        List<Long> second = new ArrayList<>(probe);
        if (!second.isEmpty()) {
            // The first query compiles the probe's plan while the server warms up: shown apart.
            long first = second.remove(0);
            second.sort(null);
            out.append(String.format(
                    "Second analyst (user probe, a small query twice a second, while the %d clients "
                            + "run): first query %.0f ms; then %d queries, p50 %.0f ms, p95 %.0f ms, p99 %.0f ms, "
                            + "max %.0f ms, %d over 1 s%n%n",
                    clients,
                    first / 1e6,
                    second.size(),
                    percentile(second, 0.50) / 1e6,
                    percentile(second, 0.95) / 1e6,
                    percentile(second, 0.99) / 1e6,
                    second.isEmpty() ? 0 : second.get(second.size() - 1) / 1e6,
                    second.stream().filter(x -> x > 1_000_000_000L).count()));
        }
        out.append("| action | count | failed | per s | p50 ms | p99 ms |\n|---|---:|---:|---:|---:|---:|\n");
        long all = 0;
        for (Action a : Action.values()) {
            List<Long> xs = new ArrayList<>(latencies.get(a));
            all += xs.size();
            out.append(row(
                    a.name().toLowerCase(),
                    xs,
                    failures.getOrDefault(a, new AtomicLong()).get(),
                    seconds));
        }
        out.append(row("probe (simple query)", new ArrayList<>(probe), 0, seconds));
        out.append(String.format(
                "%nAll actions: %d (%.1f/s). Heap after GC (MB), every 5 s: %s%n",
                all, all / seconds, heap.stream().map(SoakTest::mb).toList()));
        return out.toString();
    }

    /** The {@code p} percentile of sorted {@code xs} (nearest rank); 0 for none. */
    private static long percentile(List<Long> xs, double p) {
        if (xs.isEmpty()) {
            return 0;
        }
        return xs.get(Math.max(0, Math.min(xs.size() - 1, (int) Math.ceil(xs.size() * p) - 1)));
    }

    private static String row(String name, List<Long> xs, long failed, double seconds) {
        xs.sort(null);
        if (xs.isEmpty()) {
            return String.format("| %s | 0 | 0 | 0 | - | - |%n", name);
        }
        return String.format(
                "| %s | %d | %d | %.1f | %.0f | %.0f |%n",
                name,
                xs.size(),
                failed,
                xs.size() / seconds,
                xs.get(xs.size() / 2) / 1e6,
                xs.get(Math.min(xs.size() - 1, (int) Math.ceil(xs.size() * 0.99) - 1)) / 1e6);
    }
}
