package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.ANA_PASSWORD;
import static dev.veil.jdbc.TestServer.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The thin driver against a real server on an ephemeral port; nothing but JDBC between them. */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ThinDriverIT {
    @TempDir
    static Path dir;

    private static Path warehouse;
    private static VeilServer server;
    private static String url;

    @BeforeAll
    static void start() throws SQLException {
        warehouse = TestServer.createWarehouse(dir);
        server = VeilServer.start(ServerConfig.of(warehouse).withPort(0));
        url = server.jdbcUrl();
        TestServer.loadData(server);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static Connection ana() throws SQLException {
        return connect(url, "ana", ANA_PASSWORD);
    }

    private static Connection admin() throws SQLException {
        return connect(url, "admin", ADMIN_PASSWORD);
    }

    @Test
    void testsRunAgainstTheShadedJar() throws Exception {
        java.sql.Driver driver = DriverManager.getDriver(url);
        assertEquals("dev.veil.jdbc.Driver", driver.getClass().getName());
        String location = driver.getClass()
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .getPath();
        assertTrue(location.matches(".*/veil-jdbc-[^/]*\\.jar"), location);
        Class.forName(
                "dev.veil.jdbc.shaded.org.apache.calcite.avatica.AvaticaConnection",
                false,
                driver.getClass().getClassLoader());
    }

    @Test
    void queryReturnsTypedValues() throws SQLException {
        try (Connection c = ana();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(
                        "SELECT id, city, amount, order_day, ts, paid, ratio FROM shop.orders ORDER BY id")) {
            assertEquals(Types.BIGINT, rs.getMetaData().getColumnType(1));
            assertEquals(Types.DECIMAL, rs.getMetaData().getColumnType(3));
            assertTrue(rs.next());
            assertEquals(1L, rs.getLong("id"));
            assertEquals("Lyon", rs.getString("city"));
            assertEquals(0, new BigDecimal("10.50").compareTo(rs.getBigDecimal("amount")));
            assertEquals(Date.valueOf("2025-01-02"), rs.getDate("order_day"));
            assertEquals(Timestamp.valueOf("2025-01-02 10:00:00"), rs.getTimestamp("ts"));
            assertTrue(rs.getBoolean("paid"));
            assertEquals(0.5, rs.getDouble("ratio"));
            assertTrue(rs.next());
            assertTrue(rs.next());
            assertEquals("Porto", rs.getString("city"));
            assertEquals(null, rs.getObject("ts"));
            assertFalse(rs.next());
        }
    }

    @Test
    void aggregateAndLargeResultFetchedInFrames() throws SQLException {
        try (Connection c = ana();
                Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT city, COUNT(*) AS n, SUM(amount) AS total FROM shop.orders "
                    + "GROUP BY city ORDER BY city")) {
                assertTrue(rs.next());
                assertEquals("Lyon", rs.getString(1));
                assertEquals(2, rs.getLong(2));
                assertEquals(0, new BigDecimal("30.75").compareTo(rs.getBigDecimal(3)));
            }
            s.setFetchSize(300);
            long sum = 0;
            int rows = 0;
            try (ResultSet rs = s.executeQuery("SELECT x FROM shop.big")) {
                while (rs.next()) {
                    sum += rs.getLong(1);
                    rows++;
                }
            }
            assertEquals(2000, rows);
            assertEquals(1999L * 2000 / 2, sum);
        }
    }

    @Test
    void metadataAnswersWhatBiToolsAskOnConnect() throws SQLException {
        try (Connection c = ana()) {
            DatabaseMetaData md = c.getMetaData();
            assertEquals("Veil", md.getDatabaseProductName());
            assertFalse(md.getDatabaseProductVersion().isEmpty());
            assertEquals("Veil JDBC driver", md.getDriverName());
            assertTrue(md.storesLowerCaseIdentifiers());
            assertEquals("\"", md.getIdentifierQuoteString());
            assertEquals(url, md.getURL());
            assertEquals("ana", md.getUserName());
            assertEquals(List.of("veil"), strings(md.getCatalogs(), "TABLE_CAT"));
            assertTrue(strings(md.getSchemas(), "TABLE_SCHEM").containsAll(List.of("public", "shop")));
            assertTrue(strings(md.getTableTypes(), "TABLE_TYPE").contains("TABLE"));
            assertEquals(
                    List.of("big", "orders"),
                    strings(md.getTables("veil", "shop", "%", new String[] {"TABLE"}), "TABLE_NAME"));
            assertEquals(List.of("orders"), strings(md.getTables(null, null, "ord%", null), "TABLE_NAME"));
            try (ResultSet rs = md.getColumns(null, "shop", "orders", "%")) {
                List<String> names = new ArrayList<>();
                while (rs.next()) {
                    names.add(rs.getString("COLUMN_NAME"));
                    if (rs.getString("COLUMN_NAME").equals("amount")) {
                        assertEquals(Types.DECIMAL, rs.getInt("DATA_TYPE"));
                        assertEquals(12, rs.getInt("COLUMN_SIZE"));
                        assertEquals(2, rs.getInt("DECIMAL_DIGITS"));
                        assertEquals(DatabaseMetaData.columnNullable, rs.getInt("NULLABLE"));
                    }
                    if (rs.getString("COLUMN_NAME").equals("id")) {
                        assertEquals(Types.BIGINT, rs.getInt("DATA_TYPE"));
                        assertEquals("NO", rs.getString("IS_NULLABLE"));
                        assertEquals(1, rs.getInt("ORDINAL_POSITION"));
                    }
                }
                assertEquals(List.of("id", "city", "amount", "order_day", "ts", "paid", "ratio"), names);
            }
            Set<String> types = new HashSet<>(strings(md.getTypeInfo(), "TYPE_NAME"));
            assertTrue(
                    types.containsAll(Set.of("BIGINT", "VARCHAR", "DECIMAL", "DATE", "TIMESTAMP", "BOOLEAN")),
                    types.toString());
        }
    }

    private static List<String> strings(ResultSet rs, String column) throws SQLException {
        List<String> list = new ArrayList<>();
        try (rs) {
            while (rs.next()) {
                list.add(rs.getString(column));
            }
        }
        return list;
    }

    @Test
    void preparedStatementWithoutParametersRunsAsBiToolsAndJayDeBeApiUseIt() throws SQLException {
        try (Connection c = ana();
                java.sql.PreparedStatement p = c.prepareStatement(
                        "SELECT city, SUM(amount) AS total FROM shop.orders " + "GROUP BY city ORDER BY city")) {
            for (int run = 0; run < 2; run++) {
                try (ResultSet rs = p.executeQuery()) {
                    assertEquals("total", rs.getMetaData().getColumnLabel(2));
                    assertTrue(rs.next());
                    assertEquals("Lyon", rs.getString(1));
                    assertEquals(0, new BigDecimal("30.75").compareTo(rs.getBigDecimal(2)));
                    assertTrue(rs.next());
                    assertFalse(rs.next());
                }
            }
        }
        try (Connection c = ana();
                java.sql.PreparedStatement p = c.prepareStatement("SELECT * FROM shop.orders WHERE id = ?")) {
            // Parameters are bound as constants (more in BiProbesIT).
            p.setLong(1, 3);
            try (ResultSet rs = p.executeQuery()) {
                assertTrue(rs.next());
                assertEquals("Porto", rs.getString("city"));
                assertFalse(rs.next());
            }
        }
    }

    @Test
    void wrongPasswordIsRejected() {
        SQLException e = assertThrows(SQLException.class, () -> connect(url, "ana", "not-the-password"));
        assertInstanceOf(SQLInvalidAuthorizationSpecException.class, e);
        assertEquals("28P01", e.getSQLState());
        assertEquals(17, e.getErrorCode());
        assertTrue(
                e.getMessage().startsWith("VEIL-0017 AUTHENTICATION_FAILED: Authentication failed for user 'ana'"),
                e.getMessage());
        assertFalse(e.getMessage().contains("not-the-password"));
        assertThrows(SQLInvalidAuthorizationSpecException.class, () -> connect(url, "nobody", ANA_PASSWORD));
    }

    @Test
    void missingPasswordIsRejected() {
        SQLException none = assertThrows(SQLException.class, () -> DriverManager.getConnection(url));
        assertEquals("28P01", none.getSQLState());
        assertTrue(none.getMessage().contains("requires a user name and password"), none.getMessage());
        Properties userOnly = new Properties();
        userOnly.setProperty("user", "ana");
        SQLException noPassword = assertThrows(SQLException.class, () -> DriverManager.getConnection(url, userOnly));
        assertEquals("28P01", noPassword.getSQLState());
    }

    @Test
    void sessionRunsAsTheAuthenticatedUser() throws SQLException {
        try (Connection c = ana();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT CURRENT_USER")) {
            assertTrue(rs.next());
            assertEquals("ana", rs.getString(1));
        }
    }

    @Test
    void errorsCarryVeilCodeAndSqlStateWithoutEchoingTheStatement() throws SQLException {
        try (Connection c = ana();
                Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM shop.nope"));
            assertEquals("42P01", e.getSQLState());
            assertEquals(3, e.getErrorCode());
            assertTrue(e.getMessage().startsWith("VEIL-0003 UNKNOWN_TABLE: "), e.getMessage());
            assertFalse(e.getMessage().contains("SELECT"), e.getMessage());
            SQLException syntax = assertThrows(SQLException.class, () -> s.execute("SELEC 1"));
            assertEquals(1, syntax.getErrorCode());
            assertEquals("42601", syntax.getSQLState());
            // The statement stays usable after errors.
            try (ResultSet rs = s.executeQuery("SELECT 1 + 1")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
            }
        }
    }

    @Test
    void principalStatementsAreAdminOnlyAndNeverEchoPasswords() throws SQLException {
        try (Connection c = ana();
                Statement s = c.createStatement()) {
            SQLException denied =
                    assertThrows(SQLException.class, () -> s.execute("CREATE USER eve PASSWORD 'zz-secret-zz'"));
            assertEquals(16, denied.getErrorCode());
            assertEquals("42501", denied.getSQLState());
            assertEquals(
                    "VEIL-0016 ACCESS_DENIED: CREATE USER requires the admin role; user 'ana' does not have it",
                    denied.getMessage());
        }
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            SQLException unknownRole = assertThrows(
                    SQLException.class, () -> s.execute("CREATE USER bob PASSWORD 'zz-secret-zz' ROLE nosuchrole"));
            assertEquals(24, unknownRole.getErrorCode());
            assertFalse(unknownRole.getMessage().contains("zz-secret-zz"), unknownRole.getMessage());
            s.execute("CREATE ROLE marketing");
            s.execute("CREATE USER bob PASSWORD 'bob-pw-1-long-secret' ROLE marketing");
        }
        try (Connection bob = connect(url, "bob", "bob-pw-1-long-secret");
                Statement s = bob.createStatement()) {
            assertThrows(SQLException.class, () -> s.execute("CREATE ROLE x"));
        }
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            s.execute("ALTER USER bob PASSWORD 'bob-pw-2-long-secret'");
            s.execute("GRANT ROLE admin TO USER bob");
        }
        assertThrows(SQLInvalidAuthorizationSpecException.class, () -> connect(url, "bob", "bob-pw-1-long-secret"));
        try (Connection bob = connect(url, "bob", "bob-pw-2-long-secret");
                Statement s = bob.createStatement()) {
            s.execute("CREATE ROLE bobs_role");
            s.execute("DROP ROLE bobs_role");
        }
        try (Connection c = admin();
                Statement s = c.createStatement()) {
            s.execute("DROP USER bob");
            s.execute("DROP ROLE marketing");
        }
        assertThrows(SQLInvalidAuthorizationSpecException.class, () -> connect(url, "bob", "bob-pw-2-long-secret"));
    }

    @Test
    void cancelStopsTheQueryOnTheServer() throws Exception {
        try (Connection c = ana();
                Statement s = c.createStatement()) {
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                long start = System.nanoTime();
                Future<SQLException> running = pool.submit(() -> {
                    try (ResultSet rs = s.executeQuery(TestServer.ENDLESS_QUERY)) {
                        return null;
                    } catch (SQLException e) {
                        return e;
                    }
                });
                Thread.sleep(1000);
                assertFalse(running.isDone(), "the query should still be running");
                s.cancel();
                SQLException e = running.get(20, TimeUnit.SECONDS);
                assertNotNull(e, "the query was not stopped");
                assertEquals(20, e.getErrorCode());
                assertEquals("57014", e.getSQLState());
                assertTrue(System.nanoTime() - start < Duration.ofSeconds(20).toNanos());
            } finally {
                pool.shutdownNow();
            }
            // The statement can run again after a cancel.
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM shop.orders")) {
                assertTrue(rs.next());
                assertEquals(3, rs.getLong(1));
            }
        }
    }

    @Test
    void queryTimeoutStopsTheQueryOnTheServer() throws SQLException {
        try (Connection c = ana();
                Statement s = c.createStatement()) {
            s.setQueryTimeout(1);
            long start = System.nanoTime();
            SQLTimeoutException e =
                    assertThrows(SQLTimeoutException.class, () -> s.executeQuery(TestServer.ENDLESS_QUERY));
            long seconds = (System.nanoTime() - start) / 1_000_000_000L;
            assertTrue(seconds < 15, "timed out after " + seconds + " s");
            assertEquals("57014", e.getSQLState());
            assertEquals(27, e.getErrorCode());
            assertTrue(e.getMessage().contains("STATEMENT_TIMEOUT"), e.getMessage());
            assertTrue(e.getMessage().contains("timeout of 1 s"), e.getMessage());
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
            }
        }
    }

    @Test
    void thirtyTwoParallelConnectionsWork() throws Exception {
        int clients = 32;
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        CountDownLatch allConnected = new CountDownLatch(clients);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int i = 0; i < clients; i++) {
                int client = i;
                results.add(pool.submit(() -> {
                    try (Connection c = client % 2 == 0 ? ana() : admin();
                            Statement s = c.createStatement()) {
                        allConnected.countDown();
                        assertTrue(allConnected.await(45, TimeUnit.SECONDS), "not every client connected");
                        long total = 0;
                        for (int round = 0; round < 2; round++) {
                            try (ResultSet rs = s.executeQuery("SELECT SUM(x) FROM shop.big WHERE x >= " + client)) {
                                rs.next();
                                total = rs.getLong(1);
                            }
                        }
                        return total;
                    }
                }));
            }
            for (int i = 0; i < clients; i++) {
                long expected = 1999L * 2000 / 2 - (long) i * (i - 1) / 2;
                assertEquals(expected, results.get(i).get(50, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void closedAndAbandonedClientsFreeServerResources() throws Exception {
        try (VeilServer quick =
                VeilServer.start(ServerConfig.of(warehouse).withPort(0).withIdleTimeout(Duration.ofMillis(500)))) {
            Connection closed = connect(quick.jdbcUrl(), "ana", ANA_PASSWORD);
            closed.createStatement().executeQuery("SELECT 1").close();
            closed.close();
            assertEquals(0, quick.openConnections(), "a closed connection is gone at once");

            // A client that opens a result, reads part of it and disappears without closing.
            Properties small = TestServer.credentials("ana", ANA_PASSWORD);
            small.setProperty("fetch_size", "10");
            Connection abandoned = DriverManager.getConnection(quick.jdbcUrl(), small);
            Statement s = abandoned.createStatement();
            ResultSet rs = s.executeQuery("SELECT x FROM shop.big");
            assertTrue(rs.next());
            assertEquals(1, quick.openConnections());
            assertTrue(quick.openStatements() >= 1);
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while ((quick.openConnections() > 0 || quick.openStatements() > 0) && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertEquals(0, quick.openConnections());
            assertEquals(0, quick.openStatements());
        }
    }
}
