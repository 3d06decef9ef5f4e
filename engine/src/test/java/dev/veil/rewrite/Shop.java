package dev.veil.rewrite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.veil.session.EmbeddedDriver;
import dev.veil.session.Engine;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A small shop warehouse on disk for the policy tests, reached through the embedded JDBC driver:
 * twelve customers in four cities (Lyon 5, Porto 4, Oslo 2, Rome 1), two orders per customer
 * ({@code amount} 10c and 10c+5 for customer c), two line items per order, and a public city
 * table. Users: {@code admin} (admin), {@code alice} (analyst), {@code bob} (analyst and eu).
 * Policies are installed from Java with {@link #install}.
 */
final class Shop implements AutoCloseable {
    final Path directory;
    final Connection admin;
    private final List<Connection> open = new ArrayList<>();

    private Shop(Path directory) throws SQLException {
        this.directory = directory;
        this.admin = DriverManager.getConnection(EmbeddedDriver.PREFIX + directory + ";create=true");
    }

    static Shop create(Path dir) throws SQLException {
        Shop shop = new Shop(dir.resolve("wh"));
        try (Statement s = shop.admin.createStatement()) {
            s.execute("CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
            s.execute("CREATE ROLE eu");
            s.execute("CREATE USER alice PASSWORD 'alice-pw-long-secret'");
            s.execute("CREATE USER bob PASSWORD 'bob-pw-long-secret'");
            s.execute("GRANT ROLE eu TO USER bob");
            s.execute("CREATE SCHEMA shop");
            s.execute("CREATE TABLE shop.customer (c_id BIGINT NOT NULL, name VARCHAR NOT NULL, email VARCHAR, "
                    + "phone VARCHAR, birth DATE, zip VARCHAR, city VARCHAR, segment VARCHAR, score DOUBLE, "
                    + "joined TIMESTAMP)");
            s.execute("CREATE TABLE shop.orders (o_id BIGINT NOT NULL, o_cust BIGINT NOT NULL, "
                    + "amount DECIMAL(12,2), status VARCHAR, o_date DATE)");
            s.execute("CREATE TABLE shop.lineitem (l_order BIGINT NOT NULL, qty INTEGER, price DECIMAL(12,2))");
            s.execute("CREATE TABLE shop.cities (city VARCHAR, country VARCHAR)");
            s.execute("INSERT INTO shop.cities VALUES ('Lyon', 'FR'), ('Porto', 'PT'), ('Oslo', 'NO'), ('Rome', 'IT')");
            StringBuilder customers = new StringBuilder();
            StringBuilder orders = new StringBuilder();
            StringBuilder lines = new StringBuilder();
            for (int c = 1; c <= 12; c++) {
                String city = c <= 5 ? "Lyon" : c <= 9 ? "Porto" : c <= 11 ? "Oslo" : "Rome";
                customers
                        .append(c == 1 ? "" : ", ")
                        .append(String.format(
                                "(%d, 'cust%d', 'c%d@mail.test', '+336123456%02d', DATE '19%02d-%02d-%02d', '69%03d', "
                                        + "'%s', '%s', %d.75, TIMESTAMP '2020-%02d-15 10:30:00')",
                                c, c, c, c, 70 + c, c, 10 + c, c * 7, city, c % 2 == 1 ? "A" : "B", c, c));
                for (int j = 1; j <= 2; j++) {
                    int order = c * 10 + j;
                    orders.append(orders.length() == 0 ? "" : ", ")
                            .append(String.format(
                                    "(%d, %d, %d.00, '%s', DATE '2024-%02d-%02d')",
                                    order, c, 10 * c + (j - 1) * 5, j == 1 ? "open" : "done", j, c));
                    for (int q = 1; q <= 2; q++) {
                        lines.append(lines.length() == 0 ? "" : ", ")
                                .append(String.format("(%d, %d, %d.50)", order, q, q));
                    }
                }
            }
            s.execute("INSERT INTO shop.customer VALUES " + customers);
            s.execute("INSERT INTO shop.orders VALUES " + orders);
            s.execute("INSERT INTO shop.lineitem VALUES " + lines);
        }
        return shop;
    }

    /** The usual protection: customer is the unit, orders and line items reach it by foreign keys. */
    static TestPolicies customerUnit(int k) {
        return new TestPolicies()
                .unit("shop.customer", "c_id")
                .unitVia("shop.orders", "o_cust", "shop.customer", "c_id")
                .unitVia("shop.lineitem", "l_order", "shop.orders", "o_id")
                .minGroupSize("shop.customer", k)
                .minGroupSize("shop.orders", k)
                .minGroupSize("shop.lineitem", k);
    }

    /** Makes the engine of this warehouse obey {@code policies} (Java only: no SQL reaches this). */
    void install(TestPolicies policies) {
        Engine engine = Engine.acquire(directory);
        try {
            engine.usePolicies(policies);
        } finally {
            engine.release();
        }
    }

    Connection connect(String user) throws SQLException {
        Connection c = DriverManager.getConnection(EmbeddedDriver.PREFIX + directory + ";user=" + user);
        open.add(c);
        return c;
    }

    /** The rows of a query, numbers normalized ({@code BigDecimal} without trailing zeros, integers as Long). */
    static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(normalize(rs.getObject(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static Object normalize(Object value) {
        if (value instanceof BigDecimal d) {
            BigDecimal stripped = d.stripTrailingZeros();
            return stripped.scale() <= 0 ? (Object) stripped.longValueExact() : stripped;
        }
        if (value instanceof Integer i) {
            return i.longValue();
        }
        if (value instanceof Short s) {
            return s.longValue();
        }
        return value;
    }

    /** A row of expected values, numbers written as in {@link #normalize}. */
    static List<Object> row(Object... values) {
        List<Object> row = new ArrayList<>();
        for (Object v : values) {
            row.add(v instanceof Integer i ? (Object) i.longValue() : v);
        }
        return row;
    }

    /** An expected exact number with a fraction, e.g. {@code dec("12.5")}. */
    static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }

    static List<List<Object>> table(List<?>... rows) {
        List<List<Object>> all = new ArrayList<>();
        for (List<?> r : rows) {
            all.add(new ArrayList<>(r));
        }
        return all;
    }

    static void assertRows(Connection c, String sql, List<List<Object>> expected) throws SQLException {
        assertEquals(expected, rows(c, sql), sql);
    }

    /** The message of the error {@code sql} fails with. */
    static String error(Connection c, String sql) {
        SQLException e = assertThrows(SQLException.class, () -> rows(c, sql), sql);
        return e.getMessage();
    }

    @Override
    public void close() throws SQLException {
        for (Connection c : open) {
            c.close();
        }
        admin.close();
    }
}
