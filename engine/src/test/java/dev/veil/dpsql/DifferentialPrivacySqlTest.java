package dev.veil.dpsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.session.EmbeddedDriver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differentially private SQL end to end through the embedded JDBC driver, with the policies set by
 * SQL. Twelve customers (Lyon 5, Porto 4, Oslo 2, Rome 1), each with one 'open' order of 10c and
 * one 'done' order of 10c + 5. The exact-answer policy uses epsilon 1e20 (noise vanishes).
 */
class DifferentialPrivacySqlTest {
    @TempDir
    static Path dir;

    private static Connection admin;
    private static Connection ana;

    @BeforeAll
    static void create() throws SQLException {
        Path warehouse = dir.resolve("wh");
        admin = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";create=true");
        exec(admin, "CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
        exec(admin, "CREATE USER ana PASSWORD 'ana-pw-long-secret'");
        exec(admin, "CREATE SCHEMA s");
        exec(admin, "CREATE TABLE s.customer (c_id BIGINT NOT NULL, city VARCHAR NOT NULL)");
        exec(
                admin,
                "CREATE TABLE s.orders (o_id BIGINT NOT NULL, o_cust BIGINT NOT NULL, amount INTEGER, "
                        + "status VARCHAR)");
        StringBuilder customers = new StringBuilder();
        StringBuilder orders = new StringBuilder();
        for (int c = 1; c <= 12; c++) {
            String city = c <= 5 ? "Lyon" : c <= 9 ? "Porto" : c <= 11 ? "Oslo" : "Rome";
            customers
                    .append(c == 1 ? "" : ", ")
                    .append("(")
                    .append(c)
                    .append(", '")
                    .append(city)
                    .append("')");
            orders.append(c == 1 ? "" : ", ")
                    .append("(")
                    .append(10 * c)
                    .append(", ")
                    .append(c)
                    .append(", ")
                    .append(10 * c)
                    .append(", 'open'), (")
                    .append(10 * c + 1)
                    .append(", ")
                    .append(c)
                    .append(", ")
                    .append(10 * c + 5)
                    .append(", 'done')");
        }
        exec(admin, "INSERT INTO s.customer VALUES " + customers);
        exec(admin, "INSERT INTO s.orders VALUES " + orders);
        exec(admin, "ALTER TABLE s.customer SET PRIVACY UNIT (c_id)");
        exec(admin, "ALTER TABLE s.orders SET PRIVACY UNIT VIA (o_cust) REFERENCES s.customer (c_id)");
        exec(admin, "ALTER TABLE s.orders ALTER COLUMN amount SET POLICY AGGREGATE ONLY BOUNDS (0, 200)");
        exec(
                admin,
                "ALTER TABLE s.customer ALTER COLUMN city SET DOMAIN IN ('Lyon', 'Porto', 'Oslo', 'Rome', "
                        + "'Paris')");
        exactPolicy(1, 5);
        exec(admin, "CREATE PRIVACY BUDGET roomy LIMIT (EPSILON 1e30, DELTA 0.5) WINDOW NEVER");
        exec(admin, "ALTER USER ana SET PRIVACY BUDGET roomy");
        ana = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";user=ana");
    }

    private static void exactPolicy(int l0, int m) throws SQLException {
        for (String t : new String[] {"s.customer", "s.orders"}) {
            exec(
                    admin,
                    "ALTER TABLE " + t + " SET DIFFERENTIAL PRIVACY (EPSILON 1e20, DELTA 1e-9, "
                            + "MAX GROUPS PER UNIT " + l0 + ", MAX ROWS PER UNIT PER GROUP " + m + ")");
        }
    }

    @AfterAll
    static void close() throws SQLException {
        ana.close();
        admin.close();
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<String> rows(Connection c, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i == 1 ? "" : "|").append(rs.getString(i));
                }
                rows.add(row.toString());
            }
        }
        return rows;
    }

    private static SQLException error(Connection c, String sql) {
        return assertThrows(SQLException.class, () -> rows(c, sql), sql);
    }

    @Test
    void publicDomainReleasesEveryGroupEvenEmptyOnesAndNoOther() throws SQLException {
        // Rome has one customer and Paris none: both released, since the city list is public.
        assertEquals(
                List.of("Lyon|5", "Oslo|2", "Paris|0", "Porto|4", "Rome|1"),
                rows(ana, "SELECT city, COUNT(*) FROM s.customer GROUP BY city ORDER BY city"));
    }

    @Test
    void withoutAPublicDomainGroupsPassPartitionSelection() throws SQLException {
        // status has no domain: groups pass DP partition selection (both have 12 customers here).
        exactPolicy(2, 5);
        try {
            assertEquals(
                    List.of("done|12|840", "open|12|780"),
                    rows(ana, "SELECT status, COUNT(*), SUM(amount) FROM s.orders GROUP BY status ORDER BY status"));
        } finally {
            exactPolicy(1, 5);
        }
    }

    @Test
    void minimumGroupSizeAppliesToTheGlobalRowToo() throws SQLException {
        exec(admin, "ALTER TABLE s.customer SET MIN GROUP SIZE 3");
        try {
            assertEquals(List.of(), rows(ana, "SELECT COUNT(*) FROM s.customer WHERE city = 'Oslo'"));
            assertEquals(List.of("5"), rows(ana, "SELECT COUNT(*) FROM s.customer WHERE city = 'Lyon'"));
        } finally {
            exec(admin, "ALTER TABLE s.customer SET MIN GROUP SIZE 2");
        }
    }

    @Test
    void eachUnitContributesToAtMostMaxGroups() throws SQLException {
        exactPolicy(1, 5);
        // Each customer has an open and a done order; with one group per customer, 12 orders in all count.
        List<String> r = rows(ana, "SELECT SUM(n) FROM (SELECT status, COUNT(*) AS n FROM s.orders GROUP BY status)");
        assertEquals(List.of("12"), r);
    }

    @Test
    void intervalsInHavingAndSubqueries() throws SQLException {
        assertEquals(
                List.of("Lyon|5.0|5.0"),
                rows(
                        ana,
                        "SELECT city, DP_INTERVAL_LOW(n), DP_INTERVAL_HIGH(n) "
                                + "FROM (SELECT city, COUNT(*) AS n FROM s.customer GROUP BY city) WHERE n > 4"));
        assertEquals(
                List.of("Lyon"),
                rows(ana, "SELECT city FROM s.customer GROUP BY city " + "HAVING DP_INTERVAL_LOW(COUNT(*)) > 4"));
        // An exact answer is its own interval.
        assertEquals(List.of("12|12.0"), rows(admin, "SELECT COUNT(*), DP_INTERVAL_HIGH(COUNT(*)) FROM s.customer"));
    }

    @Test
    void sumWithoutBoundsNamesTheColumnToBound() {
        SQLException f = error(ana, "SELECT SUM(o_id) FROM s.orders");
        assertEquals(18, f.getErrorCode(), f.getMessage());
        assertTrue(
                f.getMessage().contains("s.orders.o_id") && f.getMessage().contains("AGGREGATE ONLY BOUNDS"),
                f.getMessage());
    }

    @Test
    void valueReleasingAggregatesAreRefused() {
        SQLException e = error(ana, "SELECT MAX(amount) FROM s.orders");
        assertEquals(18, e.getErrorCode());
        assertTrue(e.getMessage().contains("PERCENTILE_CONT"), e.getMessage());
    }

    @Test
    void epsilonAboveTheTablesCapIsRefused() throws SQLException {
        try (Connection c =
                DriverManager.getConnection(admin.getMetaData().getURL().replace(";create=true", "") + ";user=ana")) {
            // Refused when it is set, not at the next query.
            SQLException e = assertThrows(SQLException.class, () -> exec(c, "SET EPSILON = 1e21"));
            assertEquals(15, e.getErrorCode(), e.getMessage());
            assertTrue(e.getMessage().contains("at most"), e.getMessage());
        }
    }

    @Test
    void budgetIsChargedPerRunAndExplainIsFree() throws SQLException {
        exec(admin, "CREATE USER bea PASSWORD 'bea-pw-long-secret'");
        exec(admin, "CREATE PRIVACY BUDGET tiny LIMIT (EPSILON 3e20, DELTA 1e-6) WINDOW DAILY");
        exec(admin, "ALTER USER bea SET PRIVACY BUDGET tiny");
        try (Connection bea =
                DriverManager.getConnection(admin.getMetaData().getURL().replace(";create=true", "") + ";user=bea")) {
            String plan = String.join("\n", rows(bea, "EXPLAIN PRIVACY SELECT COUNT(*) FROM s.customer"));
            assertTrue(plan.contains("COUNT(*): epsilon 1.000e+20"), plan);
            // Each new question is charged; asked again on the same data, it replays for free.
            assertEquals(List.of("12"), rows(bea, "SELECT COUNT(*) FROM s.customer"));
            assertEquals(List.of("12"), rows(bea, "SELECT COUNT(*) FROM s.customer"));
            assertEquals(List.of("tiny|2.0E20"), rows(bea, "SELECT budget, epsilon_remaining FROM veil.my_budget"));
            assertEquals(List.of("12"), rows(bea, "SELECT COUNT(*) FROM s.customer WHERE city <> 'x0'"));
            assertEquals(List.of("tiny|1.0E20"), rows(bea, "SELECT budget, epsilon_remaining FROM veil.my_budget"));
            assertEquals(List.of("12"), rows(bea, "SELECT COUNT(*) FROM s.customer WHERE city <> 'x1'"));
            SQLException e = error(bea, "SELECT COUNT(*) FROM s.customer WHERE city <> 'x2'");
            assertEquals(19, e.getErrorCode(), e.getMessage());
            assertTrue(e.getMessage().contains("tiny") && e.getMessage().contains("T00:00:00Z"), e.getMessage());
            // Queries on tables without DP still run.
            assertEquals(List.of("1"), rows(bea, "SELECT 1"));
        }
    }
}
