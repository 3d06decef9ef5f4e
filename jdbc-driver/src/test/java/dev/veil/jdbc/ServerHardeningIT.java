package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.ANA_PASSWORD;
import static dev.veil.jdbc.TestServer.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.SQLInvalidAuthorizationSpecException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A server that stays up and fair, through the thin driver: out-of-range privacy parameters,
 * constant expressions that fail, pathological metadata patterns and password guessing each end
 * quickly with a clean, audited Veil error, and the server keeps answering.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ServerHardeningIT {
    @TempDir
    static Path dir;

    private static VeilServer server;
    private static String url;

    @BeforeAll
    static void start() throws SQLException {
        server = VeilServer.start(
                ServerConfig.of(TestServer.createWarehouse(dir)).withPort(0));
        url = server.jdbcUrl();
        TestServer.loadData(server, TestServer.credentials("admin", ADMIN_PASSWORD), false);
        try (Connection c = connect(url, "admin", ADMIN_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE shop.visits (customer BIGINT NOT NULL, pages BIGINT)");
            s.execute("INSERT INTO shop.visits VALUES (1, 3), (2, 5), (3, 1), (4, 2)");
            s.execute("ALTER TABLE shop.visits SET PRIVACY UNIT (customer)");
            s.execute("ALTER TABLE shop.visits SET DIFFERENTIAL PRIVACY (EPSILON 1, DELTA 1e-6)");
            s.execute("CREATE PRIVACY BUDGET roomy LIMIT (EPSILON 100, DELTA 0.01) WINDOW NEVER");
            s.execute("ALTER USER ana SET PRIVACY BUDGET roomy");
            s.execute("CREATE USER tom PASSWORD 'tom-is-a-long-password'");
            s.execute("CREATE USER una PASSWORD 'una-is-a-long-password'");
            s.execute("CREATE USER vic PASSWORD 'vic-is-a-long-password'");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<List<String>> adminQuery(String sql) throws SQLException {
        try (Connection c = connect(url, "admin", ADMIN_PASSWORD);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<List<String>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<String> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getString(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    @Test
    void constantDivisionByZeroIsDivisionByZeroOnTheWire() throws SQLException {
        try (Connection c = connect(url, "ana", ANA_PASSWORD);
                Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT 1/0"));
            assertInstanceOf(SQLDataException.class, e);
            assertEquals("22012", e.getSQLState());
            assertEquals(13, e.getErrorCode());
            assertTrue(e.getMessage().startsWith("VEIL-0013 DIVISION_BY_ZERO"), e.getMessage());
            SQLException column =
                    assertThrows(SQLException.class, () -> s.executeQuery("SELECT SUM(amount / 0) FROM shop.orders"));
            assertEquals(13, column.getErrorCode());
            try (ResultSet rs = s.executeQuery("SELECT 1 + 1")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
            }
        }
        assertEquals(
                List.of(List.of("FAILED", "VEIL-0013 DIVISION_BY_ZERO: Division by zero")),
                adminQuery("SELECT decision, reason FROM veil.audit WHERE statement = 'SELECT 1/0'"));
    }

    @Test
    void outOfRangeEpsilonIsRefusedAndTheSmallestAllowedOneExplainsQuickly() throws SQLException {
        try (Connection c = connect(url, "ana", ANA_PASSWORD);
                Statement s = c.createStatement()) {
            for (String tiny : List.of("1e-300", "1e-320", "0", "1e31")) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute("SET EPSILON = " + tiny));
                assertEquals(15, e.getErrorCode());
                assertEquals("22023", e.getSQLState());
                assertTrue(e.getMessage().contains("EPSILON must be at least 1e-6 and at most 1e30"), e.getMessage());
            }
            long started = System.nanoTime();
            s.execute("SET EPSILON = 1e-6");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs = s.executeQuery("EXPLAIN PRIVACY SELECT COUNT(*) FROM shop.visits")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            assertTrue(plan.toString().contains("COUNT(*): epsilon 1.000e-06"), plan.toString());
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(20), "EXPLAIN is as cheap as planning");
        }
        assertEquals(
                List.of(List.of("4")),
                adminQuery(
                        "SELECT COUNT(*) FROM veil.audit WHERE statement LIKE 'SET EPSILON%' AND decision = 'FAILED'"));
    }

    @Test
    void policyParametersOutOfRangeAreInvalidPolicies() throws SQLException {
        try (Connection c = connect(url, "admin", ADMIN_PASSWORD);
                Statement s = c.createStatement()) {
            SQLException e = assertThrows(
                    SQLException.class,
                    () -> s.execute("ALTER TABLE shop.visits SET DIFFERENTIAL PRIVACY (EPSILON 1e-9)"));
            assertEquals(25, e.getErrorCode());
            assertTrue(e.getMessage().contains("EPSILON must be at least 1e-6"), e.getMessage());
            SQLException groups = assertThrows(
                    SQLException.class,
                    () -> s.execute(
                            "ALTER TABLE shop.visits SET DIFFERENTIAL PRIVACY (EPSILON 1, MAX GROUPS PER UNIT 2000000)"));
            assertTrue(
                    groups.getMessage().contains("MAX GROUPS PER UNIT must be from 1 to 1000000"), groups.getMessage());
        }
    }

    @Test
    void pathologicalMetadataPatternsCostMilliseconds() throws SQLException {
        try (Connection c = connect(url, "ana", ANA_PASSWORD)) {
            long started = System.nanoTime();
            try (ResultSet rs = c.getMetaData().getColumns(null, null, "%".repeat(90) + "#", null)) {
                assertFalse(rs.next());
            }
            try (ResultSet rs =
                    c.getMetaData().getColumns(null, "%".repeat(60), "%".repeat(60) + "#", "%".repeat(90))) {
                assertFalse(rs.next());
            }
            try (ResultSet rs = c.getMetaData().getColumns(null, "sh_p", "ord%", "c%")) {
                assertTrue(rs.next());
                assertEquals("city", rs.getString("COLUMN_NAME"));
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertTrue(millis < 5_000, "took " + millis + " ms");
        }
    }

    @Test
    void repeatedWrongPasswordsThrottleThatNameOnlyAndAreAudited() throws Exception {
        for (int i = 0; i < 5; i++) {
            SQLException e = assertThrows(SQLException.class, () -> connect(url, "tom", "guess-number-one"));
            assertInstanceOf(SQLInvalidAuthorizationSpecException.class, e);
        }
        long started = System.nanoTime();
        SQLException locked = assertThrows(SQLException.class, () -> connect(url, "tom", "tom-is-a-long-password"));
        assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(5), "refused at once, not slept on");
        assertEquals(17, locked.getErrorCode());
        assertEquals("28P01", locked.getSQLState());
        assertTrue(locked.getMessage().contains("Too many failed logins for user 'tom'"), locked.getMessage());
        java.util.regex.Matcher retry =
                java.util.regex.Pattern.compile("retry after ([12]) s").matcher(locked.getMessage());
        assertTrue(retry.find(), locked.getMessage());
        // Another user from the same address logs in meanwhile.
        try (Connection una = connect(url, "una", "una-is-a-long-password");
                Statement s = una.createStatement();
                ResultSet rs = s.executeQuery("SELECT 1")) {
            assertTrue(rs.next());
        }
        Thread.sleep(Integer.parseInt(retry.group(1)) * 1_000L + 200);
        try (Connection tom = connect(url, "tom", "tom-is-a-long-password")) {
            assertFalse(tom.isClosed());
        }
        List<List<String>> audit = adminQuery("SELECT statement, decision, reason FROM veil.audit "
                + "WHERE kind = 'LOGIN' AND user_name = 'tom' ORDER BY id");
        assertEquals(6, audit.size(), audit.toString());
        for (List<String> row : audit) {
            assertTrue(row.get(0).startsWith("LOGIN FROM "), row.toString());
            assertEquals("REJECTED", row.get(1));
            assertFalse(row.toString().contains("guess-number-one"), row.toString());
        }
        assertEquals("Wrong password or unknown user", audit.get(0).get(2));
        assertTrue(
                audit.get(4).get(2).endsWith("further logins delayed 2 s"),
                audit.get(4).toString());
        assertTrue(
                audit.get(5).get(2).startsWith("Too many failed logins for user 'tom'"),
                audit.get(5).toString());
    }

    @Test
    void everyUserChangesTheirOwnPasswordWithTheMinimumLength() throws SQLException {
        try (Connection c = connect(url, "vic", "vic-is-a-long-password");
                Statement s = c.createStatement()) {
            SQLException shortOne =
                    assertThrows(SQLException.class, () -> s.execute("ALTER USER CURRENT_USER PASSWORD 'short-pw'"));
            assertEquals(15, shortOne.getErrorCode());
            assertTrue(shortOne.getMessage().contains("must have at least 12 characters"), shortOne.getMessage());
            assertFalse(shortOne.getMessage().contains("short-pw"));
            SQLException other =
                    assertThrows(SQLException.class, () -> s.execute("ALTER USER tom PASSWORD 'vic-takes-over-tom'"));
            assertEquals(16, other.getErrorCode());
            s.execute("ALTER USER CURRENT_USER PASSWORD 'vic-has-a-new-password'");
            // The connection that changed the password goes on; a new login needs the new password.
            try (ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
            }
            assertThrows(
                    SQLInvalidAuthorizationSpecException.class, () -> connect(url, "vic", "vic-is-a-long-password"));
        }
        try (Connection c = connect(url, "vic", "vic-has-a-new-password")) {
            assertFalse(c.isClosed());
        }
        assertEquals(
                List.of(List.of("ALTER USER CURRENT_USER PASSWORD '***'", "ALLOWED")),
                adminQuery(
                        "SELECT statement, decision FROM veil.audit WHERE user_name = 'vic' AND decision = 'ALLOWED' "
                                + "AND kind = 'PRINCIPAL_CHANGE'"));
    }
}
