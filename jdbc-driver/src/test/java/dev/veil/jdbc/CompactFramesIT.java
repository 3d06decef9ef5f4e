package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.connect;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The thin driver's compact result frames give exactly what Avatica's own encoding gives: the
 * same rows, the same Java classes and values from {@code getObject} and the same text from
 * {@code getString}, compared against Avatica's remote driver (which does not ask for compact
 * frames) on the same server, over results of one frame and of several.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CompactFramesIT {
    @TempDir
    static Path dir;

    private static VeilServer server;

    @BeforeAll
    static void start() throws SQLException {
        server = VeilServer.start(
                ServerConfig.of(TestServer.createWarehouse(dir)).withPort(0));
        TestServer.loadData(server);
        try (Connection c = thin();
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE shop.texts (id BIGINT NOT NULL, t VARCHAR)");
            s.execute("INSERT INTO shop.texts VALUES (1, 'héllo, wörld çàé'), (2, ''), (3, NULL)");
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A connection of Avatica's own remote driver: Avatica's encoding of frames. */
    private static Connection avatica() throws SQLException {
        Properties info = new Properties();
        info.setProperty("authentication", "BASIC");
        info.setProperty("avatica_user", "admin");
        info.setProperty("avatica_password", ADMIN_PASSWORD);
        String url = "jdbc:avatica:remote:url=http://127.0.0.1:" + server.port() + ";serialization=protobuf";
        return new org.apache.calcite.avatica.remote.Driver().connect(url, info);
    }

    private static Connection thin() throws SQLException {
        return connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD);
    }

    private static List<List<Object>> read(ResultSet rs) throws SQLException {
        int columns = rs.getMetaData().getColumnCount();
        List<List<Object>> rows = new ArrayList<>();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= columns; i++) {
                Object value = rs.getObject(i);
                row.add(value == null ? "null" : value.getClass().getName() + ":" + text(value));
                row.add(rs.getString(i));
            }
            rows.add(row);
        }
        return rows;
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? java.util.Arrays.toString(bytes) : value.toString();
    }

    private static void assertSameRows(String sql, int expectedRows) throws SQLException {
        List<List<Object>> expected;
        try (Connection c = avatica();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            expected = read(rs);
        }
        List<List<Object>> actual;
        try (Connection c = thin();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            actual = read(rs);
        }
        assertEquals(expectedRows, expected.size());
        assertEquals(expected, actual);
    }

    @Test
    void everyColumnTypeReadsAsWithAvaticasEncoding() throws SQLException {
        assertSameRows(
                "SELECT id, city, amount, order_day, ts, paid, ratio, CAST(id AS INTEGER) AS i, "
                        + "CAST(id AS SMALLINT) AS s, CAST(id AS TINYINT) AS t, CAST(ratio AS REAL) AS r, "
                        + "CAST(amount AS DECIMAL(38, 4)) * 100000000000000000000 AS huge, -amount AS negative, "
                        + "CAST(NULL AS VARCHAR) AS nothing, TIME '10:11:12' AS clock, '' AS blank "
                        + "FROM shop.orders ORDER BY id",
                3);
        assertSameRows("SELECT id, t, CHAR_LENGTH(t) AS n FROM shop.texts ORDER BY id", 3);
    }

    @Test
    void resultsOfSeveralFramesReadAsWithAvaticasEncoding() throws SQLException {
        assertSameRows(
                "SELECT x, x * 1000000000000 AS big, -x AS negative, CAST(x AS VARCHAR) AS text, "
                        + "CAST(x AS DOUBLE) / 7 AS ratio FROM shop.big ORDER BY x",
                2000);
    }

    @Test
    void preparedStatementsAndMetadataReadAsWithAvaticasEncoding() throws SQLException {
        List<List<Object>> expected;
        List<List<Object>> actual;
        String sql = "SELECT id, amount, city FROM shop.orders WHERE id >= ? ORDER BY id";
        try (Connection c = avatica();
                PreparedStatement p = c.prepareStatement(sql)) {
            p.setLong(1, 2);
            try (ResultSet rs = p.executeQuery()) {
                expected = read(rs);
            }
        }
        try (Connection c = thin();
                PreparedStatement p = c.prepareStatement(sql)) {
            p.setLong(1, 2);
            try (ResultSet rs = p.executeQuery()) {
                actual = read(rs);
            }
        }
        assertEquals(2, expected.size());
        assertEquals(expected, actual);
        try (Connection c = avatica();
                ResultSet rs = c.getMetaData().getColumns(null, "shop", "orders", null)) {
            expected = read(rs);
        }
        try (Connection c = thin();
                ResultSet rs = c.getMetaData().getColumns(null, "shop", "orders", null)) {
            actual = read(rs);
        }
        assertTrue(expected.size() >= 7, expected.toString());
        assertEquals(expected, actual);
    }

    @Test
    void compactRowsDecodeEveryTag() {
        // version 1, two rows: (null, false, true, byte 7, short -3, int 300, long -1) and ("é", [1, 2])
        byte[] bytes = {
            1, 2, 7, 0, 1, 2, 3, 7, 4, 5, 5, (byte) 0xD8, 4, 6, 1, 2, 11, 2, (byte) 0xC3, (byte) 0xA9, 12, 2, 1, 2
        };
        List<Object> rows = CompactFrames.rows(bytes);
        assertEquals(java.util.Arrays.asList(null, false, true, (byte) 7, (short) -3, 300, -1L), rows.get(0));
        assertEquals("é", ((List<?>) rows.get(1)).get(0));
        assertArrayEquals(new byte[] {1, 2}, (byte[]) ((List<?>) rows.get(1)).get(1));
    }

    @Test
    void truncatedOrUnknownRowsFailWithAClearMessage() {
        IllegalStateException truncated = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> CompactFrames.rows(new byte[] {1, 1, 1, 11, 5, 'a'}));
        assertTrue(truncated.getMessage().startsWith("Malformed result rows from the server"), truncated.getMessage());
        IllegalStateException unknown = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> CompactFrames.rows(new byte[] {1, 1, 1, 99}));
        assertTrue(unknown.getMessage().contains("unknown value tag 99"), unknown.getMessage());
        IllegalStateException version = org.junit.jupiter.api.Assertions.assertThrows(
                IllegalStateException.class, () -> CompactFrames.rows(new byte[] {2, 0}));
        assertTrue(version.getMessage().contains("version 2"), version.getMessage());
    }
}
