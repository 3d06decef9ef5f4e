package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Closing a statement whose result was read to the end goes along with the connection's next
 * request (header {@code Veil-Close}) instead of a request of its own; a statement whose result is
 * still open on the server is closed at once, which ends its query there.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class StatementCloseIT {
    @TempDir
    static Path dir;

    private static VeilServer server;

    @BeforeAll
    static void start() throws SQLException {
        server = VeilServer.start(
                ServerConfig.of(TestServer.createWarehouse(dir)).withPort(0));
        TestServer.loadData(server, TestServer.credentials("admin", ADMIN_PASSWORD), true);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void closesOfReadResultsGoWithTheNextRequest() throws SQLException {
        try (Connection c = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD)) {
            // The first answer tells the driver that the server takes closes along.
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1")) {
                assertTrue(rs.next());
            }
            for (int i = 0; i < 50; i++) {
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM shop.orders WHERE id > " + i)) {
                    assertTrue(rs.next());
                }
                // The last statement's close waits for the next request, which closes it: one open.
                assertEquals(1, server.openStatements());
            }
            // A statement that was never executed is closed along too.
            c.createStatement().close();
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 2")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getInt(1));
            }
            assertEquals(1, server.openStatements());
        }
        assertEquals(0, server.openStatements(), "closing the connection closes what waited");
    }

    @Test
    void aStatementWithAnOpenResultClosesAtOnce() throws SQLException {
        try (Connection c = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD);
                Connection watcher = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD)) {
            Statement s = c.createStatement();
            // Frames of 100 rows: the first one leaves the 2,000-row result open on the server.
            s.setFetchSize(100);
            ResultSet rs = s.executeQuery("SELECT x FROM shop.big");
            assertTrue(rs.next());
            assertEquals(1, running(watcher, "SELECT x FROM shop.big"), "half read, it runs on the server");
            s.close();
            // No further request on c: the close itself reached the server.
            assertEquals(0, running(watcher, "SELECT x FROM shop.big"));
        }
    }

    @Test
    void aResultWithinTheFetchSizeComesInTheExecutionsAnswer() throws SQLException {
        try (Connection c = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD);
                Connection watcher = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD);
                Statement s = c.createStatement()) {
            // 2,000 rows, within the default fetch size: the first frame holds them all.
            try (ResultSet rs = s.executeQuery("SELECT x FROM shop.big WHERE x >= 0")) {
                assertEquals(0, running(watcher, "SELECT x FROM shop.big WHERE x >= 0"), "nothing left to fetch");
                int rows = 0;
                while (rs.next()) {
                    rows++;
                }
                assertEquals(2000, rows);
            }
        }
    }

    private static int running(Connection c, String text) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT statement FROM veil.running_statements")) {
            int n = 0;
            while (rs.next()) {
                n += rs.getString(1).equals(text) ? 1 : 0;
            }
            return n;
        }
    }
}
