package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.ANA_PASSWORD;
import static dev.veil.jdbc.TestServer.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
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
 * Time limits, cancellation, running statements and their audit, through the thin driver against
 * a running server. The heavy queries run for minutes unless stopped; the time bounds asserted
 * are generous (a loaded CI machine is slow), the goals (about 1 s) are measured and printed.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StatementControlIT {
    /** Rows through nested loop joins, row at a time. */
    private static final String ROW_QUERY = TestServer.ENDLESS_QUERY;
    /** Hash joins whose output is 2e9 rows. */
    private static final String JOIN_QUERY =
            "SELECT COUNT(*) FROM shop.big a JOIN shop.big b ON MOD(a.x, 2) = MOD(b.x, 2) "
                    + "JOIN shop.big c ON MOD(b.x, 2) = MOD(c.x, 2) WHERE a.x + b.x + c.x = -1";
    /** A sort over 8e9 rows. */
    private static final String SORT_QUERY =
            "SELECT a.x + b.x + c.x AS s FROM shop.big a, shop.big b, shop.big c " + "ORDER BY s DESC LIMIT 3";
    /** A differentially private count over 3.2e9 rows (charged before it runs). */
    private static final String DP_QUERY =
            "SELECT COUNT(*) FROM dp.people p, shop.big a, shop.big b " + "WHERE a.x + b.x >= 0";
    /** How long a cancel may take to land, asserted; the goal is 1 s. */
    private static final Duration CANCEL_BOUND = Duration.ofSeconds(8);

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
            s.execute("CREATE ROLE hasty");
            s.execute("CREATE USER tim PASSWORD 'tim-pw-8e1-long-enough' ROLE hasty");
            s.execute("ALTER ROLE hasty SET STATEMENT_TIMEOUT = '2s'");
            s.execute("CREATE SCHEMA dp");
            s.execute("CREATE TABLE dp.people (id BIGINT NOT NULL, grp VARCHAR NOT NULL, v INTEGER NOT NULL)");
            StringBuilder rows = new StringBuilder();
            for (int i = 0; i < 800; i++) {
                rows.append(i == 0 ? "" : ", ")
                        .append("(")
                        .append(i)
                        .append(", 'g")
                        .append(i % 4)
                        .append("', 5)");
            }
            s.execute("INSERT INTO dp.people VALUES " + rows);
            s.execute("ALTER TABLE dp.people SET PRIVACY UNIT (id)");
            s.execute("ALTER TABLE dp.people ALTER COLUMN v SET POLICY AGGREGATE ONLY BOUNDS (0, 10)");
            s.execute("ALTER TABLE dp.people SET DIFFERENTIAL PRIVACY (EPSILON 1.0, DELTA 1e-6, "
                    + "MAX GROUPS PER UNIT 1, MAX ROWS PER UNIT PER GROUP 1)");
            s.execute("CREATE PRIVACY BUDGET roomy LIMIT (EPSILON 1e9, DELTA 0.5) WINDOW NEVER");
            s.execute("ALTER USER ana SET PRIVACY BUDGET roomy");
            s.execute("ALTER USER tim SET PRIVACY BUDGET roomy");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Connection admin() throws SQLException {
        return connect(url, "admin", ADMIN_PASSWORD);
    }

    private static Connection ana() throws SQLException {
        return connect(url, "ana", ANA_PASSWORD);
    }

    private static Connection bea() throws SQLException {
        return connect(url, "bea", "bea-pw-4d2-long-enough");
    }

    /** A query running on another thread; its outcome is the exception it ended with, or null. */
    private record Running(ExecutorService pool, Future<SQLException> outcome) implements AutoCloseable {
        static Running start(Statement s, String sql) {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            return new Running(pool, pool.submit(() -> {
                try (ResultSet rs = s.executeQuery(sql)) {
                    while (rs.next()) {
                        // read it all
                    }
                    return null;
                } catch (SQLException e) {
                    return e;
                }
            }));
        }

        SQLException failure(Duration within) throws Exception {
            SQLException e = outcome.get(within.toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(e, "the query was not stopped");
            return e;
        }

        @Override
        public void close() {
            pool.shutdownNow();
        }
    }

    /** The id of the running statement of {@code user} whose text contains {@code text}, waiting for it to start. */
    private static long runningId(String user, String text) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = s.executeQuery(
                        "SELECT id, statement FROM veil.running_statements " + "WHERE user_name = '" + user + "'")) {
                    while (rs.next()) {
                        if (rs.getString(2).contains(text)) {
                            return rs.getLong(1);
                        }
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new AssertionError("no running statement of " + user + " with " + text);
    }

    private static boolean isRunning(long id) throws SQLException {
        try (Connection c = admin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM veil.running_statements WHERE id = " + id)) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private void cancelLandsQuickly(String what, String sql) throws Exception {
        cancelLandsQuickly(what, sql, () -> true);
    }

    /** As above, cancelling once {@code ready} holds (the statement has reached the part to cancel). */
    private void cancelLandsQuickly(String what, String sql, Callable<Boolean> ready) throws Exception {
        try (Connection c = ana();
                Statement s = c.createStatement();
                Running running = Running.start(s, sql)) {
            long id = runningId("ana", sql.substring(0, 40));
            // Well into its work, and before the hash join's build side reaches the statement memory limit.
            Thread.sleep(200);
            long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (!ready.call()) {
                assertTrue(System.nanoTime() < readyBy, what + ": never got ready to be cancelled");
                Thread.sleep(50);
            }
            assertFalse(running.outcome().isDone(), what + ": the query should still be running");
            long start = System.nanoTime();
            s.cancel();
            SQLException e = running.failure(CANCEL_BOUND);
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("cancel of the %s query landed after %d ms%n", what, millis);
            assertEquals(20, e.getErrorCode(), e.getMessage());
            assertEquals("57014", e.getSQLState());
            assertFalse(isRunning(id), what + ": still listed as running");
        }
    }

    @Test
    void cancelLandsInTheRowPath() throws Exception {
        cancelLandsQuickly("row", ROW_QUERY);
    }

    @Test
    void cancelLandsInHashJoins() throws Exception {
        cancelLandsQuickly("join", JOIN_QUERY);
    }

    @Test
    void cancelLandsInASort() throws Exception {
        cancelLandsQuickly("sort", SORT_QUERY);
    }

    @Test
    void cancelLandsInDpAggregationAndTheAuditAgreesWithTheLedger() throws Exception {
        // Cancelled once charged (on a loaded machine a cancel after 200 ms could land before the charge).
        long charged = ledgerRows("ana");
        cancelLandsQuickly("DP aggregate", DP_QUERY, () -> ledgerRows("ana") > charged);
        assertAuditMatchesLedger("ana", DP_QUERY, "FAILED");
    }

    @Test
    void queryTimeoutEndsTheStatementWithStatementTimeout() throws Exception {
        try (Connection c = ana();
                Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            long start = System.nanoTime();
            SQLTimeoutException e = assertThrows(SQLTimeoutException.class, () -> s.executeQuery(ROW_QUERY));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("setQueryTimeout(1) ended the query after %d ms%n", millis);
            assertTrue(millis < 1000 + CANCEL_BOUND.toMillis(), "timed out after " + millis + " ms");
            assertEquals(27, e.getErrorCode(), e.getMessage());
            assertEquals("57014", e.getSQLState());
            assertTrue(e.getMessage().contains("STATEMENT_TIMEOUT"), e.getMessage());
        }
    }

    @Test
    void aTimeLimitLandsWhileAStatementIsBeingPlanned() throws Exception {
        // Planning a 100-way join takes far longer than tim's 2 s on any machine (a 50-way join took
        // 3.5 s here and under 2 s on CI's machine; 150 ways take 44 s here): every planning phase,
        // heuristic or cost-based, stops at the statement's cancel flag.
        StringBuilder q = new StringBuilder("SELECT COUNT(*) FROM shop.orders t0");
        for (int i = 1; i <= 100; i++) {
            q.append(" JOIN shop.orders t")
                    .append(i)
                    .append(" ON t")
                    .append(i - 1)
                    .append(".id + t")
                    .append(i)
                    .append(".id = ")
                    .append(i);
        }
        try (Connection c = connect(url, "tim", "tim-pw-8e1-long-enough");
                Statement s = c.createStatement()) {
            long start = System.nanoTime();
            SQLTimeoutException e =
                    assertThrows(SQLTimeoutException.class, () -> s.executeQuery("EXPLAIN PLAN FOR " + q));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("the role's limit of 2 s ended the planning after %d ms%n", millis);
            assertTrue(millis < 2000 + CANCEL_BOUND.toMillis(), "timed out after " + millis + " ms");
            assertEquals(27, e.getErrorCode(), e.getMessage());
        }
    }

    @Test
    void aRoleTimeLimitStopsTheStatementOnTheServer() throws Exception {
        try (Connection c = connect(url, "tim", "tim-pw-8e1-long-enough");
                Statement s = c.createStatement()) {
            // The client asks for more time than the role has: the smaller limit wins.
            s.setQueryTimeout(60);
            long start = System.nanoTime();
            SQLTimeoutException e = assertThrows(SQLTimeoutException.class, () -> s.executeQuery(ROW_QUERY));
            long millis = (System.nanoTime() - start) / 1_000_000;
            System.out.printf("the role's limit of 2 s ended the query after %d ms%n", millis);
            assertTrue(millis >= 1900 && millis < 2000 + CANCEL_BOUND.toMillis(), "timed out after " + millis + " ms");
            assertEquals(27, e.getErrorCode(), e.getMessage());
            assertEquals("57014", e.getSQLState());
            assertTrue(e.getMessage().contains("time limit of 2 s"), e.getMessage());
            // The server and the session go on.
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM shop.orders")) {
                assertTrue(rs.next());
                assertEquals(3, rs.getLong(1));
            }
            try (ResultSet rs = s.executeQuery("SELECT decision, reason FROM veil.my_queries " + "WHERE statement = '"
                    + ROW_QUERY.replace("'", "''") + "'")) {
                assertTrue(rs.next());
                assertEquals("FAILED", rs.getString(1));
                assertTrue(rs.getString(2).startsWith("VEIL-0027 STATEMENT_TIMEOUT"), rs.getString(2));
            }
        }
    }

    @Test
    void anotherAnalystIsAnsweredWhileAHeavyQueryRuns() throws Exception {
        try (Connection c = ana();
                Statement s = c.createStatement();
                Running running = Running.start(s, ROW_QUERY)) {
            runningId("ana", "shop.big a, shop.big b");
            try (Connection other = bea();
                    Statement t = other.createStatement()) {
                long start = System.nanoTime();
                try (ResultSet rs = t.executeQuery("SELECT COUNT(*) FROM shop.orders")) {
                    assertTrue(rs.next());
                    assertEquals(3, rs.getLong(1));
                }
                long millis = (System.nanoTime() - start) / 1_000_000;
                System.out.printf("a simple query answered in %d ms while a heavy one ran%n", millis);
                assertTrue(millis < 5000, "took " + millis + " ms");
            }
            assertFalse(running.outcome().isDone());
            s.cancel();
            running.failure(CANCEL_BOUND);
        }
    }

    @Test
    void runningStatementsAreListedAndCancelStatementStopsThem() throws Exception {
        try (Connection c = ana();
                Statement s = c.createStatement();
                Running running = Running.start(s, ROW_QUERY)) {
            long id = runningId("ana", "shop.big a, shop.big b");
            // Ana sees her own running statement; Bea sees none of Ana's, and may not cancel it.
            try (Connection own = ana();
                    Statement t = own.createStatement();
                    ResultSet rs = t.executeQuery("SELECT user_name, state, statement, elapsed_ms, time_limit_ms "
                            + "FROM veil.running_statements WHERE id = " + id)) {
                assertTrue(rs.next());
                assertEquals("ana", rs.getString(1));
                assertEquals("RUNNING", rs.getString(2));
                assertEquals(ROW_QUERY, rs.getString(3));
                assertTrue(rs.getLong(4) >= 0);
                assertEquals(ServerConfig.DEFAULT_STATEMENT_TIMEOUT.toMillis(), rs.getLong(5));
            }
            try (Connection other = bea();
                    Statement t = other.createStatement()) {
                try (ResultSet rs = t.executeQuery("SELECT COUNT(*) FROM veil.running_statements WHERE id = " + id)) {
                    assertTrue(rs.next());
                    assertEquals(0, rs.getLong(1));
                }
                SQLException refused = assertThrows(SQLException.class, () -> t.execute("CANCEL STATEMENT " + id));
                assertEquals(16, refused.getErrorCode(), refused.getMessage());
                assertEquals("42501", refused.getSQLState());
            }
            assertFalse(running.outcome().isDone(), "a refused cancel leaves the statement running");
            long start = System.nanoTime();
            try (Connection a = admin();
                    Statement t = a.createStatement()) {
                t.execute("CANCEL STATEMENT " + id);
            }
            SQLException e = running.failure(CANCEL_BOUND);
            System.out.printf("CANCEL STATEMENT landed after %d ms%n", (System.nanoTime() - start) / 1_000_000);
            assertEquals(20, e.getErrorCode(), e.getMessage());
            assertTrue(e.getMessage().contains("CANCEL STATEMENT"), e.getMessage());
            assertFalse(isRunning(id));
        }
        // The owner may cancel her own statement too.
        try (Connection c = ana();
                Statement s = c.createStatement();
                Running running = Running.start(s, ROW_QUERY)) {
            long id = runningId("ana", "shop.big a, shop.big b");
            try (Connection own = ana();
                    Statement t = own.createStatement()) {
                t.execute("CANCEL STATEMENT " + id);
                SQLException missing = assertThrows(SQLException.class, () -> t.execute("CANCEL STATEMENT 999999"));
                assertEquals(15, missing.getErrorCode(), missing.getMessage());
            }
            assertEquals(20, running.failure(CANCEL_BOUND).getErrorCode());
        }
    }

    @Test
    void theStatementOfAKilledClientStops() throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(
                        java.toString(),
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        HeavyClientChild.class.getName(),
                        url,
                        "bea",
                        "bea-pw-4d2-long-enough")
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            assertEquals("connected", out.readLine());
            long id = runningId("bea", "shop.big a, shop.big b");
            child.destroyForcibly();
            assertTrue(child.waitFor(20, TimeUnit.SECONDS));
            long start = System.nanoTime();
            long deadline = start + Duration.ofSeconds(20).toNanos();
            while (isRunning(id) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            System.out.printf(
                    "the statement of a killed client stopped %d ms after the client died%n",
                    (System.nanoTime() - start) / 1_000_000);
            assertFalse(isRunning(id), "the killed client's statement still runs");
            try (Connection c = admin();
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT decision, reason FROM veil.audit WHERE id = " + id)) {
                assertTrue(rs.next());
                assertEquals("FAILED", rs.getString(1));
                assertTrue(rs.getString(2).contains("client disconnected"), rs.getString(2));
            }
        } finally {
            child.destroyForcibly();
        }
    }

    @Test
    void createTableAsSelectOverDpTablesIsAuditedWithItsCharge() throws Exception {
        String ctas = "CREATE TABLE public.counts AS SELECT grp, COUNT(*) AS n FROM dp.people GROUP BY grp";
        try (Connection c = ana();
                Statement s = c.createStatement()) {
            s.execute(ctas);
        }
        assertAuditMatchesLedger("ana", ctas, "ALLOWED");
    }

    @Test
    void aDpStatementThatTimesOutAfterItsChargeIsAuditedWithIt() throws Exception {
        try (Connection c = connect(url, "tim", "tim-pw-8e1-long-enough");
                Statement s = c.createStatement()) {
            SQLException e = assertThrows(
                    SQLException.class, () -> s.executeQuery(DP_QUERY).next());
            assertEquals(27, e.getErrorCode(), e.getMessage());
        }
        assertAuditMatchesLedger("tim", DP_QUERY, "FAILED");
    }

    /** The audit entry of {@code user}'s last {@code statement} has the decision and exactly the ledger's charge. */
    private static long ledgerRows(String user) throws SQLException {
        try (Connection c = admin();
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT COUNT(*) FROM veil.budget_ledger WHERE user_name = '" + user + "'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void assertAuditMatchesLedger(String user, String statement, String decision) throws SQLException {
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            List<Double> ledger = new ArrayList<>();
            try (ResultSet rs = s.executeQuery("SELECT epsilon FROM veil.budget_ledger WHERE user_name = '" + user
                    + "' ORDER BY id DESC LIMIT 1")) {
                assertTrue(rs.next(), "nothing charged");
                ledger.add(rs.getDouble(1));
            }
            try (ResultSet rs =
                    s.executeQuery("SELECT epsilon, decision, finished_at FROM veil.audit WHERE user_name = '" + user
                            + "' AND statement = '" + statement.replace("'", "''") + "' ORDER BY id DESC LIMIT 1")) {
                assertTrue(rs.next(), "no audit entry");
                assertTrue(ledger.get(0) > 0);
                assertEquals(ledger.get(0), rs.getDouble(1), 0.0, "the audit's epsilon is the ledger's");
                assertEquals(decision, rs.getString(2));
                assertNotNull(rs.getTimestamp(3), "the entry is completed");
            }
        }
    }
}
