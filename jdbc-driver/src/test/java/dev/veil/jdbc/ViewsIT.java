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
 * Views through the thin driver: {@code getTables} lists them with type VIEW (and only them when
 * asked for VIEW), an analyst's query of an admin's view gets the analyst's own rows of the base
 * table (its row filter applies to the querying user), and another user's view is absent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ViewsIT {
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
            s.execute("CREATE VIEW hr.big AS SELECT id, holder, amount FROM hr.acct WHERE amount >= 20");
            s.execute("CREATE USER bea PASSWORD '" + BEA_PASSWORD + "'");
        }
        try (Connection c = connect(url, "ana", ANA_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE VIEW public.ana_view AS SELECT id FROM hr.acct");
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static List<String> tables(Connection c, String[] types) throws SQLException {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getTables(null, null, "%", types)) {
            while (rs.next()) {
                names.add(rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME") + ":"
                        + rs.getString("TABLE_TYPE"));
            }
        }
        return names;
    }

    @Test
    void getTablesListsViewsWithTypeView() throws SQLException {
        try (Connection ana = connect(url, "ana", ANA_PASSWORD);
                Connection bea = connect(url, "bea", BEA_PASSWORD)) {
            List<String> views = tables(ana, new String[] {"VIEW"});
            assertEquals(List.of("hr.big:VIEW", "public.ana_view:VIEW"), views);
            List<String> all = tables(ana, null);
            assertTrue(all.contains("hr.acct:TABLE"), all.toString());
            assertTrue(all.contains("hr.big:VIEW"), all.toString());
            assertFalse(tables(ana, new String[] {"TABLE"}).contains("hr.big:VIEW"));
            assertEquals(List.of("hr.big:VIEW"), tables(bea, new String[] {"VIEW"}), "ana's view is hers");
            List<String> types = new ArrayList<>();
            try (ResultSet rs = ana.getMetaData().getTableTypes()) {
                while (rs.next()) {
                    types.add(rs.getString(1));
                }
            }
            assertTrue(types.contains("VIEW"), types.toString());
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = ana.getMetaData().getColumns(null, "hr", "big", "%")) {
                while (rs.next()) {
                    columns.add(rs.getString("COLUMN_NAME") + ":" + rs.getString("TYPE_NAME"));
                }
            }
            assertEquals(List.of("id:BIGINT", "holder:VARCHAR", "amount:INTEGER"), columns);
        }
    }

    @Test
    void anAnalystReadsTheirOwnRowsThroughAView() throws SQLException {
        try (Connection ana = connect(url, "ana", ANA_PASSWORD);
                Connection bea = connect(url, "bea", BEA_PASSWORD);
                Connection admin = connect(url, "admin", ADMIN_PASSWORD)) {
            assertEquals(30, sum(ana, "SELECT SUM(amount) FROM hr.big"));
            assertEquals(20, sum(bea, "SELECT SUM(amount) FROM hr.big"));
            assertEquals(50, sum(admin, "SELECT SUM(amount) FROM hr.big"));
            try (Statement s = bea.createStatement()) {
                SQLException e =
                        assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM public.ana_view"));
                assertTrue(e.getMessage().contains("UNKNOWN_TABLE"), e.getMessage());
            }
        }
    }

    private static long sum(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }
}
