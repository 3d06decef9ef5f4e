package dev.veil.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.veil.control.MemoryPool;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
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
 * Memory limits through the thin driver: statements of a role limited to 64 MB that would keep
 * too much (huge DISTINCT values, a sorted cross join, millions of groups, a DP aggregation over
 * millions of units) end with MEMORY_LIMIT_EXCEEDED (SQLSTATE 53200) and are audited, while
 * another analyst's query still answers; 16 heavy statements at once under the server's default
 * limits leave the server up (the test shrinks the server's pool to make them compete for it).
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class MemoryLimitIT {
    private static final String BOB_PASSWORD = "bob-pw-4d1-long-enough";
    private static final int MEMORY_LIMIT_EXCEEDED = 28;

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
            s.execute("CREATE USER bob PASSWORD '" + BOB_PASSWORD + "'");
            s.execute("CREATE ROLE limited");
            s.execute("GRANT ROLE limited TO USER ana");
            s.execute("ALTER ROLE limited SET statement_memory = '64MB'");
            // 4,000,000 rows with as many distinct keys (and privacy units), 2,000 groups.
            s.execute("CREATE TABLE shop.many (k BIGINT NOT NULL, g BIGINT NOT NULL)");
            s.execute("INSERT INTO shop.many SELECT a.x * 2000 + b.x, b.x FROM shop.big a, shop.big b");
            s.execute("CREATE SCHEMA dp");
            s.execute("CREATE TABLE dp.events (id BIGINT NOT NULL, g BIGINT NOT NULL)");
            s.execute("INSERT INTO dp.events SELECT k, g FROM shop.many");
            s.execute("ALTER TABLE dp.events SET PRIVACY UNIT (id)");
            s.execute("ALTER TABLE dp.events SET DIFFERENTIAL PRIVACY (EPSILON 1.0, DELTA 1e-6, "
                    + "MAX GROUPS PER UNIT 1, MAX ROWS PER UNIT PER GROUP 1)");
            s.execute("CREATE PRIVACY BUDGET roomy LIMIT (EPSILON 1e9, DELTA 0.5) WINDOW NEVER");
            s.execute("ALTER USER ana SET PRIVACY BUDGET roomy");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Connection admin() throws SQLException {
        return TestServer.connect(url, "admin", TestServer.ADMIN_PASSWORD);
    }

    private static Connection ana() throws SQLException {
        return TestServer.connect(url, "ana", TestServer.ANA_PASSWORD);
    }

    private static Connection bob() throws SQLException {
        return TestServer.connect(url, "bob", BOB_PASSWORD);
    }

    /** Runs {@code sql} as ana (limited to 64 MB), expecting MEMORY_LIMIT_EXCEEDED; then bob's query answers. */
    private static void exceedsAnasLimit(String sql) throws SQLException {
        try (Connection c = ana();
                Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> {
                try (ResultSet rs = s.executeQuery(sql)) {
                    while (rs.next()) {
                        // read it all
                    }
                }
            });
            assertEquals(MEMORY_LIMIT_EXCEEDED, e.getErrorCode(), e.getMessage());
            assertEquals("53200", e.getSQLState());
            assertTrue(e.getMessage().contains("64 MB") && e.getMessage().contains("role limited"), e.getMessage());
            // The connection is still usable, and the failure is in ana's audit trail.
            try (ResultSet rs = s.executeQuery("SELECT decision, reason FROM veil.my_queries "
                    + "WHERE reason LIKE '%MEMORY_LIMIT_EXCEEDED%' ORDER BY id DESC")) {
                assertTrue(rs.next(), "the failed statement is audited");
            }
        }
        assertOthersStillServed();
    }

    private static void assertOthersStillServed() throws SQLException {
        try (Connection c = bob();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(amount) FROM shop.orders")) {
            assertTrue(rs.next());
            assertEquals(3, rs.getLong(1));
        }
    }

    @Test
    void hugeDistinctValuesExceedTheRoleLimit() throws SQLException {
        exceedsAnasLimit(
                "SELECT COUNT(*) FROM (SELECT DISTINCT LPAD('a', CAST(200000000 + x AS INTEGER)) FROM shop.big)");
    }

    @Test
    void aSortedCrossJoinExceedsTheRoleLimit() throws SQLException {
        exceedsAnasLimit("SELECT a.x, b.x FROM shop.big a, shop.big b ORDER BY a.x - b.x, a.x");
    }

    @Test
    void millionsOfGroupsOverAJoinExceedTheRoleLimit() throws SQLException {
        exceedsAnasLimit(
                "SELECT a.x * 2000 + b.x AS k, COUNT(*) FROM shop.big a, shop.big b " + "GROUP BY a.x * 2000 + b.x");
    }

    @Test
    void millionsOfGroupsInAVectorizedAggregationExceedTheRoleLimit() throws SQLException {
        exceedsAnasLimit("SELECT k, COUNT(*) FROM shop.many GROUP BY k");
    }

    @Test
    void aDpAggregationOverMillionsOfUnitsExceedsTheRoleLimit() throws SQLException {
        exceedsAnasLimit("SELECT g, COUNT(*) FROM dp.events GROUP BY g");
    }

    @Test
    void theSameQueriesRunUnderTheDefaultLimit() throws SQLException {
        try (Connection c = bob();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery(
                    "SELECT COUNT(*) FROM (SELECT k, COUNT(*) FROM shop.many " + "WHERE g < 250 GROUP BY k)")) {
                assertTrue(rs.next());
                assertEquals(500_000, rs.getLong(1));
            }
            try (ResultSet rs = s.executeQuery("SELECT a.x, b.x FROM shop.big a, shop.big b WHERE b.x < 100 "
                    + "ORDER BY a.x - b.x, a.x LIMIT 3")) {
                assertTrue(rs.next());
                assertEquals(0, rs.getLong(1));
                assertEquals(99, rs.getLong(2));
            }
        }
    }

    @Test
    void roleSettingsAreForAdminsAndChecked() throws SQLException {
        try (Connection c = bob();
                Statement s = c.createStatement()) {
            SQLException e = assertThrows(
                    SQLException.class, () -> s.execute("ALTER ROLE limited SET statement_memory = '10GB'"));
            assertEquals("42501", e.getSQLState(), e.getMessage());
        }
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            SQLException bad = assertThrows(
                    SQLException.class, () -> s.execute("ALTER ROLE limited SET statement_memory = 'lots'"));
            assertEquals("22023", bad.getSQLState(), bad.getMessage());
            SQLException unknown =
                    assertThrows(SQLException.class, () -> s.execute("ALTER ROLE limited SET work_mem = '1GB'"));
            assertEquals("22023", unknown.getSQLState(), unknown.getMessage());
            SQLException noRole =
                    assertThrows(SQLException.class, () -> s.execute("ALTER ROLE nobody SET statement_memory = '1GB'"));
            assertEquals("42704", noRole.getSQLState(), noRole.getMessage());
            s.execute("CREATE ROLE temporary");
            s.execute("ALTER ROLE temporary SET statement_memory TO '2GB'");
            s.execute("ALTER ROLE temporary RESET statement_memory");
            s.execute("DROP ROLE temporary");
        }
    }

    @Test
    @Timeout(value = 600, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void sixteenHeavyStatementsAtOnceLeaveTheServerUp() throws Exception {
        // Each statement keeps an estimated 60 MB or so; a pool of 256 MB holds a few of them at once.
        String heavy = "SELECT COUNT(*) FROM (SELECT k, COUNT(*) FROM shop.many WHERE g < 250 GROUP BY k)";
        MemoryPool previous = MemoryPool.useShared(new MemoryPool(256L << 20, Duration.ofSeconds(3)));
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try {
            List<Future<String>> results = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                results.add(pool.submit(() -> {
                    try (Connection c = bob();
                            Statement s = c.createStatement();
                            ResultSet rs = s.executeQuery(heavy)) {
                        assertTrue(rs.next());
                        assertEquals(500_000, rs.getLong(1));
                        return "ok";
                    } catch (SQLException e) {
                        if (e.getErrorCode() != MEMORY_LIMIT_EXCEEDED) {
                            fail("a heavy statement failed otherwise: " + e.getMessage(), e);
                        }
                        return "limited";
                    }
                }));
            }
            int ok = 0;
            for (Future<String> f : results) {
                if (f.get().equals("ok")) {
                    ok++;
                }
            }
            System.out.printf("16 heavy statements: %d answered, %d ended with MEMORY_LIMIT_EXCEEDED%n", ok, 16 - ok);
            assertTrue(ok >= 1, "at least one heavy statement ran");
            assertEquals(0, MemoryPool.shared().used(), "every statement gave its memory back");
        } finally {
            pool.shutdownNow();
            MemoryPool.useShared(previous);
        }
        assertOthersStillServed();
    }
}
