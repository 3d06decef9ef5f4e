package dev.veil.exec.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.veil.storage.Warehouse;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The attacks of the {@code attacks/} SQL scripts, over foreign tables in PostgreSQL: the scripts'
 * small shop (13 customers, Graz's only customer the target) is created in PostgreSQL, imported as
 * schema {@code pg} and copied into Veil as schema {@code home}, with the scripts' policies on both
 * (plus two floating-point columns: {@code score}, plain, with values at the edge of PostgreSQL's
 * double range for the target and a neighbour; {@code rating}, aggregate-only with bounds, NaN and
 * infinities for three customers). Each attack, run by the analyst, has the same outcome over the
 * foreign tables as over the local copy (the same rows, or the same error code): what the remote
 * evaluates cannot fail where Veil would not, and what comes back is bounded, suppressed and
 * ordered by Veil as for a local table.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForeignTableAttacksTest {
    @TempDir
    static Path dir;

    private PostgresServer postgres;
    private Path wh;

    @BeforeAll
    void setUp() throws Exception {
        postgres = PostgresServer.startOrSkip();
        postgres.execute(
                "CREATE SCHEMA shop",
                "CREATE TABLE shop.customers (customer_id BIGINT NOT NULL, name VARCHAR NOT NULL, city VARCHAR NOT"
                        + " NULL, segment VARCHAR NOT NULL, income INTEGER, score DOUBLE PRECISION,"
                        + " rating DOUBLE PRECISION)",
                "INSERT INTO shop.customers VALUES"
                        + " (1, 'Ada Costa', 'Lyon', 'gold', 52000, 1.5, 10),"
                        + " (2, 'Ben Berg', 'Lyon', 'silver', 41000, 3, 20),"
                        + " (3, 'Chloe Dubois', 'Lyon', 'gold', 38000, 4.5, 30),"
                        + " (4, 'Dev Eriksen', 'Lyon', 'silver', 61000, 6, 40),"
                        + " (5, 'Elif Fischer', 'Lyon', 'bronze', 29000, 7.5, 50),"
                        + " (6, 'Farid Garcia', 'Lyon', 'gold', 75000, 9, 60),"
                        + " (7, 'Greta Horvat', 'Porto', 'gold', 33000, 10.5, 70),"
                        + " (8, 'Hugo Ivanova', 'Porto', 'silver', 47000, 12, 80),"
                        + " (9, 'Ines Jansen', 'Porto', 'bronze', 22000, 13.5, 90),"
                        + " (10, 'Jonas Kowalski', 'Porto', 'silver', 36000, 15, 100),"
                        + " (11, 'Kaia Lind', 'Ghent', 'gold', 58000, 1e308, '-Infinity'),"
                        + " (12, 'Liam Moreau', 'Ghent', 'bronze', 44000, 1e-300, 'Infinity'),"
                        + " (13, 'Maya Novak', 'Graz', 'gold', 990000, 1e308, 'NaN')",
                "CREATE TABLE shop.orders (order_id BIGINT NOT NULL, customer_id BIGINT NOT NULL, status VARCHAR NOT"
                        + " NULL, amount NUMERIC(10,2) NOT NULL)",
                "INSERT INTO shop.orders SELECT 100 + i, CASE WHEN i <= 2 THEN 1 WHEN i = 3 THEN 2 WHEN i <= 5 THEN 3"
                        + " WHEN i = 6 THEN 4 WHEN i = 7 THEN 5 WHEN i <= 10 THEN 6 WHEN i <= 14 THEN i - 4"
                        + " WHEN i <= 16 THEN i - 4 ELSE 13 END, CASE WHEN i IN (2, 12) THEN 'returned'"
                        + " WHEN i = 6 THEN 'cancelled' ELSE 'delivered' END, i * 10 FROM generate_series(1, 20) AS i");
        wh = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(wh)) {
            w.catalog().createSchema("home", true);
            w.catalog().createSchema("pg", true);
        }
        Path passwordFile = postgres.passwordFile(dir);
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
            s.execute("CREATE USER analyst PASSWORD 'analyst-pw-long-secret' ROLE analyst");
            s.execute("CREATE CONNECTION lake TYPE POSTGRESQL URL '" + postgres.url() + "' USER '" + PostgresServer.USER
                    + "' PASSWORD FILE '" + passwordFile + "'");
            s.execute("IMPORT FOREIGN SCHEMA shop FROM CONNECTION lake INTO pg");
            s.execute("CREATE TABLE home.customers AS SELECT * FROM pg.customers");
            s.execute("CREATE TABLE home.orders AS SELECT * FROM pg.orders");
            for (String schema : List.of("home", "pg")) {
                s.execute("ALTER TABLE " + schema + ".customers SET PRIVACY UNIT (customer_id)");
                s.execute("ALTER TABLE " + schema + ".orders SET PRIVACY UNIT VIA (customer_id) REFERENCES " + schema
                        + ".customers (customer_id)");
                s.execute("ALTER TABLE " + schema + ".customers ALTER COLUMN name SET POLICY MASKED USING REDACT");
                s.execute("ALTER TABLE " + schema
                        + ".customers ALTER COLUMN income SET POLICY AGGREGATE ONLY BOUNDS (0, 100000)");
                s.execute("ALTER TABLE " + schema
                        + ".customers ALTER COLUMN rating SET POLICY AGGREGATE ONLY BOUNDS (0, 100)");
                s.execute("ALTER TABLE " + schema + ".customers SET MIN GROUP SIZE 3");
                s.execute("ALTER TABLE " + schema + ".orders SET MIN GROUP SIZE 3");
            }
        }
    }

    @AfterAll
    void tearDown() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private Connection connect(String user) throws SQLException {
        return ForeignTests.connect(wh, user);
    }

    static Stream<Arguments> attacks() {
        return Stream.of(
                // Errors that depend on one row (data_dependent_errors.test): NULL for the target.
                Arguments.of(
                        "negative SUBSTRING length for the target",
                        "SELECT city, COUNT(*) FROM $.customers WHERE SUBSTRING(segment, 1, CASE WHEN city = 'Graz'"
                                + " THEN -1 ELSE 1 END) <> 'x' GROUP BY city ORDER BY city"),
                Arguments.of(
                        "division by zero for the target",
                        "SELECT SUM(10 / CASE WHEN city = 'Graz' THEN 0 ELSE 1 END),"
                                + " SUM(10.5 / CASE WHEN city = 'Graz' THEN 0.0 ELSE 1.0 END) FROM $.customers"),
                Arguments.of(
                        "bad cast for the target",
                        "SELECT SUM(CAST(CASE WHEN city = 'Graz' THEN 'abc' ELSE '1' END AS INTEGER)) FROM $.customers"),
                // PostgreSQL's double precision fails on overflow and underflow where Veil's does not.
                Arguments.of(
                        "double overflow on the target's value",
                        "SELECT city, COUNT(*) FROM $.customers WHERE score * 1e300 > 0 GROUP BY city ORDER BY city"),
                Arguments.of(
                        "double overflow of a sum of the target's value",
                        "SELECT COUNT(*) FROM $.customers WHERE score + score > 1"),
                Arguments.of(
                        "double underflow on a neighbour's value",
                        "SELECT COUNT(*) FROM $.customers WHERE score * 1e-300 >= 0"),
                Arguments.of("a double sum past PostgreSQL's range", "SELECT COUNT(*), SUM(score) FROM $.customers"),
                Arguments.of("double division by zero", "SELECT COUNT(*) FROM $.customers WHERE 1 / (score - 3) > 0"),
                Arguments.of(
                        "decimal arithmetic past any declared precision",
                        "SELECT SUM(amount * amount * amount * amount * amount) FROM $.orders"),
                // NaN and infinities past an aggregate-only column's bounds (nan_bounds.test).
                Arguments.of(
                        "NaN and infinities are clamped, NaN dropped",
                        "SELECT COUNT(*), SUM(rating), MIN(rating), MAX(rating) FROM $.customers"),
                Arguments.of(
                        "a condition on a clamped value",
                        "SELECT COUNT(*) FROM $.customers WHERE rating >= 100 OR rating <= 0"),
                // Small groups and disguised units (small_groups.test, unit_lineage.test).
                Arguments.of(
                        "the unit disguised as a group key",
                        "SELECT customer_id + 0 AS g, COUNT(*) FROM $.customers GROUP BY customer_id + 0"),
                Arguments.of(
                        "a group of one customer with many orders",
                        "SELECT c.city, COUNT(*) FROM $.orders o JOIN $.customers c ON o.customer_id = c.customer_id"
                                + " GROUP BY c.city ORDER BY c.city"),
                // Differencing: the total and the total without the target are each released alone.
                Arguments.of(
                        "differencing by excluding the target",
                        "SELECT (SELECT COUNT(*) FROM $.customers), (SELECT COUNT(*) FROM $.customers"
                                + " WHERE city <> 'Graz')"),
                // The order of released rows (output_order.test): fixed by Veil, not by the remote.
                Arguments.of(
                        "release order by a protected value",
                        "SELECT segment, COUNT(*) FROM $.customers GROUP BY segment ORDER BY MAX(income)"),
                // A window over released groups (single_value_aggregates.test): runs in Veil.
                Arguments.of(
                        "a window over released groups",
                        "SELECT city, MAX(n) OVER () FROM (SELECT city, COUNT(*) AS n FROM $.customers GROUP BY city)"
                                + " ORDER BY city"),
                // Row-level reads and masks (raw_reads.test).
                Arguments.of("a row-level read", "SELECT name, city FROM $.customers"),
                Arguments.of("a mask in a group key", "SELECT name, COUNT(*) FROM $.customers GROUP BY name"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void attackHasTheSameOutcomeOverForeignTablesAsOverLocalOnes(String attack, String query) throws SQLException {
        try (Connection c = connect("analyst")) {
            String local = outcome(c, query.replace("$.", "home."));
            String foreign = outcome(c, query.replace("$.", "pg."));
            assertEquals(local, foreign, attack);
        }
    }

    /** The rows of a query, or its error code. */
    private static String outcome(Connection c, String sql) {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData meta = rs.getMetaData();
            List<List<Object>> rows = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= meta.getColumnCount(); i++) {
                    Object v = rs.getObject(i);
                    row.add(v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : v);
                }
                rows.add(row);
            }
            return rows.toString();
        } catch (SQLException e) {
            return "error " + e.getErrorCode();
        }
    }
}
