package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.ANA_PASSWORD;
import static dev.veil.jdbc.TestServer.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.control.CpuScheduler;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fair sharing of a server through the thin driver: while one analyst keeps the server's
 * processors busy with heavy statements, a second analyst's small query still answers quickly
 * (the server runs statements in CPU slots and makes long-running ones give way), and a user's
 * statements beyond the cap of the user's role queue. The bounds asserted are generous (a loaded
 * 2-core CI machine); the latencies measured are printed. {@code -Dveil.fairness.compare=true} also
 * measures the second analyst without the scheduler (test-internal, for comparison).
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FairnessIT {
    /** Heavy statements at once, all of one analyst: as many as the default cap allows. */
    private static final int HEAVY = 8;

    private static final int PROBES = 20;
    /** The second analyst's query. */
    private static final String PROBE = "SELECT city, COUNT(*) FROM shop.orders GROUP BY city";

    @TempDir
    static Path dir;

    private static VeilServer server;
    private static String url;

    @BeforeAll
    static void start() throws SQLException {
        Path warehouse = TestServer.createWarehouse(dir);
        server = VeilServer.start(ServerConfig.of(warehouse).withPort(0));
        url = server.jdbcUrl();
        TestServer.loadData(server);
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            s.execute("CREATE USER bea PASSWORD 'bea-pw-4d2-long-enough'");
            s.execute("CREATE ROLE solo");
            s.execute("CREATE USER cal PASSWORD 'cal-pw-5e7-long-enough' ROLE solo");
            s.execute("ALTER ROLE solo SET max_concurrent_statements = '1'");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Connection admin() throws SQLException {
        return connect(url, "admin", ADMIN_PASSWORD);
    }

    /** A query running on another thread; its outcome is the exception it ended with, or null. */
    private static Future<SQLException> runAsync(ExecutorService pool, Statement s, String sql) {
        return pool.submit(() -> {
            try (ResultSet rs = s.executeQuery(sql)) {
                while (rs.next()) {
                    // read it all
                }
                return null;
            } catch (SQLException e) {
                return e;
            }
        });
    }

    private static long running(String user) throws SQLException {
        try (Connection c = admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*) FROM veil.running_statements WHERE user_name = '" + user + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long queuedStatements(String user) throws SQLException {
        try (Connection c = admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM veil.running_statements WHERE user_name = '" + user
                        + "' AND state = 'QUEUED'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void awaitRunning(String user, long n) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (running(user) < n) {
            assertTrue(System.nanoTime() < deadline, "fewer than " + n + " statements of " + user + " started");
            Thread.sleep(100);
        }
    }

    @Test
    void aSecondAnalystsSmallQueryAnswersQuicklyWhileAnotherRunsEightHeavyStatements() throws Exception {
        List<Long> millis = probeUnderLoad(true);
        if (Boolean.getBoolean("veil.fairness.compare")) {
            // Test-internal measurement of what the scheduler does: the same without it (never a user's switch).
            CpuScheduler previous = CpuScheduler.useShared(
                    new CpuScheduler(CpuScheduler.shared().slots(), false));
            try {
                probeUnderLoad(false);
            } finally {
                CpuScheduler.useShared(previous);
            }
        }
        List<Long> sorted = new ArrayList<>(millis);
        sorted.sort(null);
        assertTrue(
                sorted.get((int) Math.ceil(PROBES * 0.95) - 1) < 2_000,
                "the second analyst's query took " + millis + " ms");
    }

    /** The second analyst's latencies (ms) while {@value #HEAVY} heavy statements run; printed. */
    private static List<Long> probeUnderLoad(boolean scheduled) throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        List<Connection> connections = new ArrayList<>();
        List<Statement> statements = new ArrayList<>();
        List<Future<SQLException>> heavy = new ArrayList<>();
        try {
            for (int i = 0; i < HEAVY; i++) {
                Connection c = connect(url, "ana", ANA_PASSWORD);
                connections.add(c);
                Statement s = c.createStatement();
                s.setQueryTimeout(150);
                statements.add(s);
                heavy.add(runAsync(pool, s, TestServer.ENDLESS_QUERY));
            }
            awaitRunning("ana", HEAVY);
            List<Long> millis = new ArrayList<>();
            try (Connection c = connect(url, "bea", "bea-pw-4d2-long-enough");
                    Statement s = c.createStatement()) {
                // Not measured: the login, and the first run of the query (compiled once); meanwhile the
                // heavy statements finish planning and run past their first second of processor time.
                long first = System.nanoTime();
                try (ResultSet rs = s.executeQuery(PROBE)) {
                    while (rs.next()) {
                        // warm up
                    }
                }
                System.out.printf(
                        "second analyst's first query (login, compilation): %d ms%n",
                        (System.nanoTime() - first) / 1_000_000);
                Thread.sleep(1_500);
                for (int i = 0; i < PROBES; i++) {
                    long start = System.nanoTime();
                    try (ResultSet rs = s.executeQuery(PROBE)) {
                        int rows = 0;
                        while (rs.next()) {
                            rows++;
                        }
                        assertEquals(2, rows);
                    }
                    millis.add((System.nanoTime() - start) / 1_000_000);
                    Thread.sleep(100);
                }
            }
            for (Future<SQLException> f : heavy) {
                assertFalse(f.isDone(), "a heavy statement ended early: " + (f.isDone() ? f.get() : null));
            }
            List<Long> sorted = new ArrayList<>(millis);
            sorted.sort(null);
            long p50 = sorted.get(PROBES / 2);
            long p95 = sorted.get((int) Math.ceil(PROBES * 0.95) - 1);
            System.out.printf(
                    "second analyst's query with %d heavy statements running%s: p50 %d ms, p95 %d ms, "
                            + "max %d ms (in order: %s)%n",
                    HEAVY, scheduled ? "" : " WITHOUT the CPU scheduler", p50, p95, sorted.get(PROBES - 1), millis);

            // The heavy statements still stop promptly when cancelled, waiting for a slot or not.
            long cancelled = System.nanoTime();
            for (Statement s : statements) {
                s.cancel();
            }
            for (Future<SQLException> f : heavy) {
                SQLException e = f.get(20, TimeUnit.SECONDS);
                assertNotNull(e, "a heavy statement was not stopped");
                assertEquals(20, e.getErrorCode(), e.getMessage());
            }
            System.out.printf(
                    "%d heavy statements cancelled within %d ms%n", HEAVY, (System.nanoTime() - cancelled) / 1_000_000);
            awaitRunning("ana", 0);
            return millis;
        } finally {
            for (Connection c : connections) {
                c.close();
            }
            pool.shutdownNow();
        }
    }

    @Test
    void aStatementBeyondItsUsersCapQueuesAndItsTimeLimitCountsTheWait() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try (Connection first = connect(url, "cal", "cal-pw-5e7-long-enough");
                Connection second = connect(url, "cal", "cal-pw-5e7-long-enough");
                Statement heavy = first.createStatement();
                Statement queued = second.createStatement()) {
            heavy.setQueryTimeout(120);
            Future<SQLException> running = runAsync(pool, heavy, TestServer.ENDLESS_QUERY);
            awaitRunning("cal", 1);
            queued.setQueryTimeout(2);
            long start = System.nanoTime();
            Future<SQLException> waiting = runAsync(pool, queued, "SELECT COUNT(*) FROM shop.orders");
            // While it waits for the cap, it is listed (and audited) as QUEUED.
            boolean listedQueued = false;
            while (!listedQueued && !waiting.isDone()) {
                listedQueued = queuedStatements("cal") == 1;
                Thread.sleep(50);
            }
            assertTrue(listedQueued, "the statement waiting for the cap was never listed as QUEUED");
            SQLException e = waiting.get(30, TimeUnit.SECONDS);
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertNotNull(e, "the second statement ran beside the first despite a cap of 1");
            assertEquals("57014", e.getSQLState(), e.getMessage()); // its time limit passed in the queue
            assertTrue(millis < 2_000 + 8_000, "the queued statement ended after " + millis + " ms");
            assertFalse(running.isDone(), "the first statement ended early");
            assertEquals(1, running("cal"));
            // Preparing plans the statement, under the same cap: it waits until the first one ends.
            Future<Integer> prepared = pool.submit(() -> {
                try (PreparedStatement p = second.prepareStatement("SELECT COUNT(*) FROM shop.orders")) {
                    return p.getMetaData().getColumnCount();
                }
            });
            Thread.sleep(1_000);
            assertFalse(prepared.isDone(), "a prepare was planned beside the first statement despite a cap of 1");
            heavy.cancel();
            SQLException cancelled = running.get(30, TimeUnit.SECONDS);
            assertNotNull(cancelled);
            assertEquals(20, cancelled.getErrorCode(), cancelled.getMessage());
            assertEquals(1, prepared.get(30, TimeUnit.SECONDS));
            // Both are audited as failed; with the first gone, cal runs again.
            try (Statement again = second.createStatement();
                    ResultSet rs = again.executeQuery("SELECT COUNT(*) FROM shop.orders")) {
                rs.next();
                assertEquals(3, rs.getLong(1));
            }
            try (Connection c = admin();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery(
                            "SELECT COUNT(*) FROM veil.audit WHERE user_name = 'cal' AND decision = 'FAILED'")) {
                rs.next();
                assertEquals(2, rs.getLong(1));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
