package dev.veil.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SQL through the embedded JDBC driver against a real warehouse on disk. */
class EmbeddedSqlTest {
    @TempDir
    Path dir;

    private EmbeddedWarehouse warehouse;
    private Connection connection;
    private Statement statement;

    @BeforeEach
    void open() throws Exception {
        warehouse = EmbeddedWarehouse.create(dir);
        connection = warehouse.connection();
        statement = warehouse.statement();
        statement.execute("CREATE SCHEMA shop");
        statement.execute("CREATE TABLE shop.orders (id BIGINT NOT NULL, city VARCHAR, amount DECIMAL(12,2), "
                + "qty INTEGER, ratio DOUBLE, order_day DATE, ts TIMESTAMP, paid BOOLEAN)");
        statement.execute("INSERT INTO shop.orders VALUES "
                + "(1, 'Lyon', 10.50, 2, 0.5, DATE '2025-01-02', TIMESTAMP '2025-01-02 10:00:00', TRUE),"
                + "(2, 'Lyon', 20.25, 1, 1.5, DATE '2025-02-03', TIMESTAMP '2025-02-03 11:30:00', FALSE),"
                + "(3, 'Porto', 5.00, 4, NULL, DATE '2025-02-04', NULL, NULL),"
                + "(4, NULL, NULL, NULL, 2.0, NULL, NULL, TRUE)");
    }

    @AfterEach
    void close() throws Exception {
        warehouse.close();
    }

    private List<List<Object>> rows(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Test
    void aggregatesGroupAndOrder() throws SQLException {
        List<List<Object>> rows = rows("SELECT city, COUNT(*) AS n, SUM(amount) AS total, AVG(qty) AS avg_qty "
                + "FROM shop.orders WHERE city IS NOT NULL GROUP BY city ORDER BY city");
        assertEquals(2, rows.size());
        assertEquals("Lyon", rows.get(0).get(0));
        assertEquals(2L, ((Number) rows.get(0).get(1)).longValue());
        assertEquals(
                0, new BigDecimal("30.75").compareTo((BigDecimal) rows.get(0).get(2)));
        assertEquals(1.5, ((Number) rows.get(0).get(3)).doubleValue(), 1e-12);
    }

    @Test
    void everyTypeRoundTripsThroughStorage() throws SQLException {
        try (ResultSet rs = statement.executeQuery("SELECT * FROM shop.orders WHERE id = 1")) {
            assertTrue(rs.next());
            assertEquals(1L, rs.getLong("id"));
            assertEquals("Lyon", rs.getString("city"));
            assertEquals(new BigDecimal("10.50"), rs.getBigDecimal("amount"));
            assertEquals(2, rs.getInt("qty"));
            assertEquals(0.5, rs.getDouble("ratio"), 0);
            assertEquals("2025-01-02", rs.getString("order_day"));
            assertEquals("2025-01-02 10:00:00", rs.getString("ts").substring(0, 19));
            assertTrue(rs.getBoolean("paid"));
            assertFalse(rs.next());
        }
        try (ResultSet rs =
                statement.executeQuery("SELECT city, amount, order_day, ts FROM shop.orders WHERE id = 4")) {
            assertTrue(rs.next());
            for (int i = 1; i <= 4; i++) {
                rs.getObject(i);
                assertTrue(rs.wasNull(), "column " + i);
            }
        }
    }

    @Test
    void filtersPushedIntoTheScanGiveTheSameAnswers() throws SQLException {
        assertEquals(List.of(List.of(2L)), rows("SELECT COUNT(*) FROM shop.orders WHERE amount > 10.25"));
        assertEquals(List.of(List.of(1L)), rows("SELECT COUNT(*) FROM shop.orders WHERE amount >= 10.5 AND qty < 2"));
        assertEquals(List.of(List.of(3L)), rows("SELECT COUNT(*) FROM shop.orders WHERE city IN ('Lyon', 'Porto')"));
        assertEquals(
                List.of(List.of(2L)),
                rows(
                        "SELECT COUNT(*) FROM shop.orders WHERE order_day BETWEEN DATE '2025-02-01' AND DATE '2025-02-28'"));
        assertEquals(List.of(List.of(1L)), rows("SELECT COUNT(*) FROM shop.orders WHERE city IS NULL"));
        assertEquals(List.of(List.of(2L)), rows("SELECT COUNT(*) FROM shop.orders WHERE paid"));
        assertEquals(List.of(List.of(1L)), rows("SELECT COUNT(*) FROM shop.orders WHERE NOT paid"));
        assertEquals(List.of(List.of(2L)), rows("SELECT COUNT(*) FROM shop.orders WHERE city <> 'Porto'"));
        assertEquals(List.of(List.of(1L)), rows("SELECT COUNT(*) FROM shop.orders WHERE ratio > 1 AND ratio < 2"));
        assertEquals(List.of(List.of(2L)), rows("SELECT COUNT(*) FROM shop.orders WHERE qty < 2.5"));
        try (ResultSet rs =
                statement.executeQuery("EXPLAIN PLAN FOR SELECT id FROM shop.orders WHERE amount > 10.25")) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
            assertTrue(plan.toString().contains("ArrowTableScan"), plan.toString());
            assertTrue(plan.toString().contains("filter="), plan.toString());
        }
    }

    @Test
    void likeRunsInTheScanAndNullIsNeitherLikeNorNotLike() throws SQLException {
        assertEquals(List.of(List.of(2L)), rows("SELECT COUNT(*) FROM shop.orders WHERE city LIKE 'Ly%'"));
        assertEquals(List.of(List.of(1L)), rows("SELECT COUNT(*) FROM shop.orders WHERE city NOT LIKE 'Ly%'"));
        assertEquals(List.of(List.of(3L)), rows("SELECT COUNT(*) FROM shop.orders WHERE city LIKE '%o%'"));
        assertEquals(List.of(List.of(0L)), rows("SELECT COUNT(*) FROM shop.orders WHERE city LIKE 'ly%'"));
        try (ResultSet rs =
                statement.executeQuery("EXPLAIN PLAN FOR SELECT id FROM shop.orders WHERE city NOT LIKE '%y%o%'")) {
            StringBuilder plan = new StringBuilder();
            while (rs.next()) {
                plan.append(rs.getString(1)).append('\n');
            }
            assertTrue(plan.toString().contains("filter=[NOT(LIKE("), plan.toString());
            assertFalse(plan.toString().contains("EnumerableFilter"), plan.toString());
        }
    }

    @Test
    void joinsSubqueriesWindowsAndSetOperations() throws SQLException {
        statement.execute("CREATE TABLE shop.cities (name VARCHAR NOT NULL, country VARCHAR)");
        statement.execute("INSERT INTO shop.cities VALUES ('Lyon', 'FR'), ('Porto', 'PT')");
        assertEquals(
                List.of(List.of("FR", 2L), List.of("PT", 1L)),
                rows("SELECT c.country, COUNT(*) FROM shop.orders o JOIN shop.cities c ON o.city = c.name "
                        + "GROUP BY c.country ORDER BY c.country"));
        assertEquals(
                List.of(List.of(2L)),
                rows("SELECT id FROM shop.orders WHERE amount = (SELECT MAX(amount) FROM shop.orders)"));
        assertEquals(
                List.of(List.of(1L, 1L), List.of(2L, 2L)),
                rows("SELECT id, ROW_NUMBER() OVER (PARTITION BY city ORDER BY id) FROM shop.orders "
                        + "WHERE city = 'Lyon' ORDER BY id"));
        assertEquals(
                3,
                rows("SELECT city FROM shop.orders UNION SELECT name FROM shop.cities")
                        .size());
        assertEquals(
                List.of(List.of(2L)),
                rows("WITH lyon AS (SELECT * FROM shop.orders WHERE city = 'Lyon') SELECT COUNT(*) FROM lyon"));
        assertEquals(
                List.of(List.of(4L)),
                rows(
                        "SELECT COUNT(*) FROM shop.orders o WHERE EXISTS (SELECT 1 FROM shop.cities c WHERE c.name = o.city) "
                                + "OR o.city IS NULL"));
    }

    @Test
    void insertSelectAndCreateTableAs() throws SQLException {
        assertEquals(
                2,
                statement.executeUpdate("INSERT INTO shop.orders (id, city) SELECT id + 100, city "
                        + "FROM shop.orders WHERE city = 'Lyon'"));
        assertEquals(List.of(List.of(6L)), rows("SELECT COUNT(*) FROM shop.orders"));
        statement.execute(
                "CREATE TABLE shop.by_city AS SELECT city, SUM(amount) AS total FROM shop.orders GROUP BY city");
        assertEquals(3, rows("SELECT * FROM shop.by_city").size());
    }

    @Test
    void unknownTableNamesTheNearestOne() {
        SQLException e = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT * FROM shop.ordrs"));
        assertEquals("42P01", e.getSQLState());
        assertEquals(3, e.getErrorCode());
        assertTrue(e.getMessage().contains("did you mean 'shop.orders'"), e.getMessage());
    }

    @Test
    void unknownColumnNamesTheNearestOne() {
        SQLException e =
                assertThrows(SQLException.class, () -> statement.executeQuery("SELECT amout FROM shop.orders"));
        assertEquals("42703", e.getSQLState());
        assertTrue(e.getMessage().contains("did you mean 'amount'"), e.getMessage());
    }

    @Test
    void syntaxErrorShowsLineAndColumn() {
        SQLException e = assertThrows(SQLException.class, () -> statement.executeQuery("SELECT id\nFORM shop.orders"));
        assertEquals("42601", e.getSQLState());
        assertTrue(e.getMessage().contains("line 2"), e.getMessage());
    }

    @Test
    void notNullViolationLeavesTheTableAsItWas() throws SQLException {
        SQLException e = assertThrows(
                SQLException.class,
                () -> statement.execute("INSERT INTO shop.orders (id, city) VALUES (10, 'x'), (NULL, 'y')"));
        assertEquals("23502", e.getSQLState());
        assertEquals(List.of(List.of(4L)), rows("SELECT COUNT(*) FROM shop.orders"));
    }

    @Test
    void divisionByZeroIsADataError() {
        SQLException e = assertThrows(
                SQLException.class, () -> rows("SELECT qty / (qty - qty) FROM shop.orders WHERE qty IS NOT NULL"));
        assertEquals("22012", e.getSQLState());
    }

    @Test
    void metadataListsSchemasTablesAndColumns() throws SQLException {
        DatabaseMetaData md = connection.getMetaData();
        List<String> tables = new ArrayList<>();
        try (ResultSet rs = md.getTables(null, "shop", "%", null)) {
            while (rs.next()) {
                tables.add(rs.getString("TABLE_NAME"));
            }
        }
        assertEquals(List.of("orders"), tables);
        try (ResultSet rs = md.getColumns(null, "shop", "orders", "amount")) {
            assertTrue(rs.next());
            assertEquals("DECIMAL", rs.getString("TYPE_NAME"));
            assertEquals(12, rs.getInt("COLUMN_SIZE"));
            assertEquals(2, rs.getInt("DECIMAL_DIGITS"));
        }
    }

    @Test
    void dropTableRemovesItsFiles() throws Exception {
        statement.execute("DROP TABLE shop.orders");
        assertThrows(SQLException.class, () -> rows("SELECT * FROM shop.orders"));
        try (var files = Files.walk(dir.resolve("wh").resolve("data"))) {
            assertEquals(0, files.filter(p -> p.toString().endsWith(".arrow")).count());
        }
    }
}
