package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.ANA_PASSWORD;
import static dev.veil.jdbc.TestServer.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Owned tables through the thin driver: a table an analyst creates is listed by the JDBC
 * metadata for that analyst and for admins only, and does not exist for another analyst.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ObjectOwnersIT {
    private static final String BEA_PASSWORD = "bea-pw-3a9-long-secret";

    @TempDir
    static Path dir;

    private static VeilServer server;
    private static String url;

    @BeforeAll
    static void start() throws SQLException {
        Path warehouse = TestServer.createWarehouse(dir);
        server = VeilServer.start(ServerConfig.of(warehouse).withPort(0));
        url = server.jdbcUrl();
        try (Connection c = connect(url, "admin", ADMIN_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA hr");
            s.execute("CREATE TABLE hr.acct (id BIGINT NOT NULL, holder VARCHAR NOT NULL, amount INTEGER)");
            s.execute("INSERT INTO hr.acct VALUES (1, 'ana', 10), (2, 'bea', 20), (3, 'ana', 30)");
            s.execute("ALTER TABLE hr.acct SET ROW FILTER (holder = CURRENT_USER)");
            s.execute("CREATE USER bea PASSWORD '" + BEA_PASSWORD + "'");
        }
        try (Connection c = connect(url, "ana", ANA_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE public.ana_copy AS SELECT * FROM hr.acct");
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static List<String> tables(Connection c) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, null, "%", null)) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME"));
            }
        }
        return names;
    }

    private static int columns(Connection c, String table) throws SQLException {
        int n = 0;
        try (ResultSet rs = c.getMetaData().getColumns(null, null, table, "%")) {
            while (rs.next()) {
                n++;
            }
        }
        return n;
    }

    @Test
    void anAnalystsTableIsListedForThemAndForAdminsOnly() throws SQLException {
        try (Connection ana = connect(url, "ana", ANA_PASSWORD);
                Connection bea = connect(url, "bea", BEA_PASSWORD);
                Connection admin = connect(url, "admin", ADMIN_PASSWORD)) {
            assertTrue(tables(ana).contains("public.ana_copy"), tables(ana).toString());
            assertTrue(tables(admin).contains("public.ana_copy"), tables(admin).toString());
            assertFalse(tables(bea).contains("public.ana_copy"), tables(bea).toString());
            assertTrue(tables(bea).contains("hr.acct"), tables(bea).toString());
            assertEquals(3, columns(ana, "ana_copy"));
            assertEquals(0, columns(bea, "ana_copy"));
            try (Statement s = bea.createStatement()) {
                SQLException e =
                        assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM public.ana_copy"));
                assertTrue(e.getMessage().contains("UNKNOWN_TABLE"), e.getMessage());
            }
            try (Statement s = ana.createStatement();
                    ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM public.ana_copy")) {
                assertTrue(rs.next());
                assertEquals(2, rs.getLong(1), "ana's copy holds the rows her row filter showed her");
            }
        }
    }
}
