package dev.veil.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.nio.file.Path;
import java.sql.Connection;
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
 * Differentially private SQL through the thin driver against a running server: the noise has the
 * spread the policy's epsilon promises, and concurrent queries never spend more than the budget.
 *
 * <p>Table {@code dp.people}: 800 people, one row each, 200 in each of four groups, each with
 * {@code v = 5} (bounds 0..10). Policy: EPSILON 1, one group and one row per person. A query
 * {@code SELECT grp, COUNT(*), SUM(v) ... GROUP BY grp} splits epsilon into three (count, sum,
 * partition selection), so the count gets Laplace noise of scale 1 / (1/3) = 3 and the sum of scale
 * 10 / (1/3) = 30: standard deviations 3√2 and 30√2. Each query gives four independent draws of
 * each; 1,000 queries give 4,000. The sample standard deviation of 4,000 Laplace draws is within
 * 10% of the truth except with probability below 1e-6 (its relative standard error is about
 * 1.8%), while a wrong scale (e.g. epsilon not split, or the sensitivity off by the bound) is off
 * by 30% or more. Each repetition asks another question (a different literal): the same question
 * on the same data would replay the stored release, the same values (consistent answers).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class DifferentialPrivacyIT {
    private static final int REPETITIONS = 1000;

    @TempDir
    static Path dir;

    private static VeilServer server;
    private static String url;

    @BeforeAll
    static void start() throws SQLException {
        Path warehouse = TestServer.createWarehouse(dir);
        server = VeilServer.start(ServerConfig.of(warehouse).withPort(0));
        url = server.jdbcUrl();
        try (Connection c = TestServer.connect(url, "admin", TestServer.ADMIN_PASSWORD);
                Statement s = c.createStatement()) {
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
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void noiseHasTheSpreadEpsilonPromises() throws SQLException {
        List<Double> countErrors = new ArrayList<>();
        List<Double> sumErrors = new ArrayList<>();
        try (Connection c = TestServer.connect(url, "ana", TestServer.ANA_PASSWORD);
                Statement s = c.createStatement()) {
            for (int i = 0; i < REPETITIONS; i++) {
                // Each repetition is another question (another literal), so it draws fresh noise
                // rather than replaying the stored release of the one before.
                try (ResultSet rs = s.executeQuery(
                        "SELECT grp, COUNT(*), SUM(v) FROM dp.people WHERE grp <> 'x" + i + "' GROUP BY grp")) {
                    int groups = 0;
                    while (rs.next()) {
                        countErrors.add(rs.getLong(2) - 200.0);
                        sumErrors.add(rs.getLong(3) - 1000.0);
                        groups++;
                    }
                    assertEquals(4, groups, "every group of 200 people is released");
                }
            }
        }
        // Counts are released as non-negative integers: with 200 true, clamping at 0 never matters.
        double countScale = 1 / (1.0 / 3);
        double sumScale = 10 / (1.0 / 3);
        assertSpread(countErrors, Math.sqrt(2) * countScale, "COUNT(*)");
        assertSpread(sumErrors, Math.sqrt(2) * sumScale, "SUM(v)");
    }

    private static void assertSpread(List<Double> errors, double expected, String what) {
        double mean = errors.stream().mapToDouble(Double::doubleValue).average().orElseThrow();
        double variance =
                errors.stream().mapToDouble(e -> (e - mean) * (e - mean)).sum() / (errors.size() - 1);
        double deviation = Math.sqrt(variance);
        System.out.printf(
                "%s: %d draws, mean error %.3f, standard deviation %.3f (theory %.3f)%n",
                what, errors.size(), mean, deviation, expected);
        assertTrue(
                Math.abs(deviation / expected - 1) < 0.10,
                what + ": standard deviation " + deviation + " is not within 10% of " + expected);
        assertTrue(Math.abs(mean) < 6 * expected / Math.sqrt(errors.size()), what + ": biased, mean " + mean);
    }

    @Test
    void concurrentQueriesNeverOverspend() throws Exception {
        try (Connection c = TestServer.connect(url, "admin", TestServer.ADMIN_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE USER racer PASSWORD 'racer-pw-1-long-secret'");
            s.execute("CREATE PRIVACY BUDGET edge LIMIT (EPSILON 1.0, DELTA 0.001) WINDOW NEVER");
            s.execute("ALTER USER racer SET PRIVACY BUDGET edge");
        }
        ExecutorService pool = Executors.newFixedThreadPool(32);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < 32; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                int ok = 0;
                try (Connection c = TestServer.connect(url, "racer", "racer-pw-1-long-secret");
                        Statement s = c.createStatement()) {
                    s.execute("SET EPSILON = 0.1");
                    for (int i = 0; i < 2; i++) {
                        // 64 different questions: none is a replay of another.
                        try (ResultSet rs = s.executeQuery(
                                "SELECT COUNT(*) FROM dp.people WHERE grp <> 'x" + (2 * thread + i) + "'")) {
                            rs.next();
                            ok++;
                        } catch (SQLException e) {
                            assertEquals(19, e.getErrorCode(), e.getMessage());
                        }
                    }
                }
                return ok;
            }));
        }
        int succeeded = 0;
        for (Future<Integer> f : results) {
            succeeded += f.get();
        }
        pool.shutdown();
        assertEquals(10, succeeded, "a budget of 1.0 holds exactly ten queries of 0.1");
        try (Connection c = TestServer.connect(url, "admin", TestServer.ADMIN_PASSWORD);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*), SUM(epsilon) FROM veil.budget_ledger " + "WHERE user_name = 'racer'")) {
            assertTrue(rs.next());
            assertEquals(10, rs.getLong(1));
            assertTrue(rs.getDouble(2) <= 1.0 + 1e-9, "spent " + rs.getDouble(2));
        }
    }

    /**
     * Consistent answers through the thin driver: two connections of one user ask a new question
     * at the same moment; it is charged once, and both get the same noisy rows (the second waits
     * for the first and replays its release). Asked again, on either connection, the same rows, at
     * no charge: averaging gains nothing.
     */
    @Test
    void aConcurrentFirstAskIsChargedOnceAndRepeatsAreIdentical() throws Exception {
        try (Connection c = TestServer.connect(url, "admin", TestServer.ADMIN_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE USER twin PASSWORD 'twin-pw-1-long-secret'");
            s.execute("CREATE PRIVACY BUDGET twins LIMIT (EPSILON 10, DELTA 0.001) WINDOW NEVER");
            s.execute("ALTER USER twin SET PRIVACY BUDGET twins");
        }
        String question = "SELECT grp, COUNT(*), SUM(v) FROM dp.people WHERE v >= 0 GROUP BY grp ORDER BY grp";
        java.util.concurrent.CyclicBarrier together = new java.util.concurrent.CyclicBarrier(2);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<List<String>>> answers = new ArrayList<>();
        for (int t = 0; t < 2; t++) {
            answers.add(pool.submit(() -> {
                try (Connection c = TestServer.connect(url, "twin", "twin-pw-1-long-secret");
                        Statement s = c.createStatement()) {
                    together.await(30, TimeUnit.SECONDS);
                    return rows(s, question);
                }
            }));
        }
        List<String> first = answers.get(0).get();
        List<String> second = answers.get(1).get();
        pool.shutdown();
        assertEquals(4, first.size(), "four groups: " + first);
        assertEquals(first, second, "both connections get the same release");
        try (Connection c = TestServer.connect(url, "twin", "twin-pw-1-long-secret");
                Statement s = c.createStatement()) {
            for (int i = 0; i < 5; i++) {
                assertEquals(first, rows(s, question), "a repeated question gets the same noisy rows");
            }
            try (ResultSet rs = s.executeQuery("SELECT epsilon_spent FROM veil.my_budget")) {
                assertTrue(rs.next());
                assertEquals(1.0, rs.getDouble(1), 1e-9, "charged once for seven asks");
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(replays), SUM(epsilon) FROM veil.my_queries"
                    + " WHERE statement = '" + question.replace("'", "''") + "'")) {
                assertTrue(rs.next());
                assertEquals(7, rs.getLong(1));
                assertEquals(6, rs.getLong(2), "six of the seven asks were replays");
                assertEquals(1.0, rs.getDouble(3), 1e-9);
            }
        }
        try (Connection c = TestServer.connect(url, "admin", TestServer.ADMIN_PASSWORD);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT COUNT(*), SUM(epsilon) FROM veil.budget_ledger WHERE user_name = 'twin'")) {
            assertTrue(rs.next());
            assertEquals(1, rs.getLong(1), "one ledger entry");
            assertEquals(1.0, rs.getDouble(2), 1e-9);
        }
    }

    private static List<String> rows(Statement s, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= columns; i++) {
                    row.append(rs.getString(i)).append('|');
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }
}
