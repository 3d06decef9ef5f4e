package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Creating a statement costs no request: the driver names it itself and the server opens it with
 * its first execution. A connection holds at most 1,000 open statements; one more fails with
 * TOO_MANY_STATEMENTS until it closes some.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class NamedStatementsIT {
    private static final int MAX_OPEN_STATEMENTS = 1000;

    @TempDir
    static Path dir;

    private static VeilServer server;

    @BeforeAll
    static void start() throws SQLException {
        server = VeilServer.start(
                ServerConfig.of(TestServer.createWarehouse(dir)).withPort(0));
        TestServer.loadData(server, TestServer.credentials("admin", ADMIN_PASSWORD), false);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aNewStatementIsOpenedOnTheServerByItsFirstExecution() throws SQLException {
        try (Connection c = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD)) {
            int before = server.openStatements();
            Statement s = c.createStatement();
            assertEquals(before, server.openStatements(), "creating it sent nothing");
            try (ResultSet rs = s.executeQuery("SELECT city FROM shop.orders ORDER BY id")) {
                assertTrue(rs.next());
                assertEquals("Lyon", rs.getString(1));
            }
            assertEquals(before + 1, server.openStatements(), "its first execution opened it");
            // The same statement runs again, and runs an update.
            try (ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM shop.orders")) {
                assertTrue(rs.next());
                assertEquals(3, rs.getLong(1));
            }
            s.execute("CREATE TABLE shop.scratch (x BIGINT)");
            assertEquals(2, s.executeUpdate("INSERT INTO shop.scratch VALUES (1), (2)"));
            s.execute("DROP TABLE shop.scratch");
            assertEquals(before + 1, server.openStatements());
            s.close();
        }
    }

    @Test
    void aStatementWhoseFirstExecutionFailsGoesOn() throws SQLException {
        try (Connection c = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD);
                Statement s = c.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM shop.nope"));
            assertEquals(3, e.getErrorCode(), e.getMessage());
            try (ResultSet rs = s.executeQuery("SELECT 7")) {
                assertTrue(rs.next());
                assertEquals(7, rs.getInt(1));
            }
        }
    }

    @Test
    void aBatchCanBeAStatementsFirstExecution() throws SQLException {
        try (Connection c = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE shop.batch (x BIGINT)");
            try (Statement batch = c.createStatement()) {
                batch.addBatch("INSERT INTO shop.batch VALUES (1)");
                batch.addBatch("INSERT INTO shop.batch VALUES (2), (3)");
                assertArrayEquals(new int[] {1, 2}, batch.executeBatch());
            }
            try (ResultSet rs = s.executeQuery("SELECT SUM(x) FROM shop.batch")) {
                assertTrue(rs.next());
                assertEquals(6, rs.getLong(1));
            }
            s.execute("DROP TABLE shop.batch");
        }
    }

    @Test
    void statementsOfTwoConnectionsDoNotMeet() throws SQLException {
        // Both connections name their first statements alike; each runs its own.
        try (Connection first = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD);
                Connection second = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD);
                Statement a = first.createStatement();
                Statement b = second.createStatement()) {
            ResultSet ra = a.executeQuery("SELECT 'first'");
            ResultSet rb = b.executeQuery("SELECT 'second'");
            assertTrue(ra.next());
            assertTrue(rb.next());
            assertEquals("first", ra.getString(1));
            assertEquals("second", rb.getString(1));
            b.close();
            try (ResultSet again = a.executeQuery("SELECT 'first again'")) {
                assertTrue(again.next());
                assertEquals("first again", again.getString(1));
            }
        }
    }

    @Test
    void aConnectionHoldsAtMostAThousandOpenStatements() throws SQLException {
        int before = server.openStatements();
        try (Connection c = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD)) {
            List<Statement> open = new ArrayList<>();
            for (int i = 0; i < MAX_OPEN_STATEMENTS; i++) {
                Statement s = c.createStatement();
                s.execute("SET SCHEMA shop");
                open.add(s);
            }
            Statement oneMore = c.createStatement();
            SQLException tooMany = assertThrows(SQLException.class, () -> oneMore.executeQuery("SELECT 1"));
            assertEquals(29, tooMany.getErrorCode(), tooMany.getMessage());
            assertEquals("53300", tooMany.getSQLState());
            assertTrue(tooMany.getMessage().contains("1000 open statements"), tooMany.getMessage());
            // Prepared statements count too.
            SQLException prepared = assertThrows(SQLException.class, () -> c.prepareStatement("SELECT 1"));
            assertEquals(29, prepared.getErrorCode(), prepared.getMessage());
            // Another connection is not affected.
            try (Connection other = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD);
                    Statement s = other.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
            }
            // Closing one frees its place: the close goes with the next request, which then succeeds.
            open.remove(0).close();
            try (ResultSet rs = oneMore.executeQuery("SELECT 2")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
            }
            oneMore.close();
            open.remove(0).close();
            try (PreparedStatement p = c.prepareStatement("SELECT 3");
                    ResultSet rs = p.executeQuery()) {
                assertTrue(rs.next());
                assertEquals(3, rs.getInt(1));
            }
            for (Statement s : open) {
                s.close();
            }
        }
        assertEquals(before, server.openStatements(), "closing the connection frees its statements");
    }
}
