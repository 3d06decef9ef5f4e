package dev.veil.dpsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Privacy units looked up along two foreign keys (line -> order -> customer) through the embedded
 * driver: an order key held by two orders belongs to the smaller customer id, a line whose order
 * is NULL, missing, or has no customer belongs to no unit, and rows committed after a query are
 * seen by the next one. Line tags: 'a' reaches customer 5 twice (order 2 is both customer 20's and
 * customer 5's), 'b' customers 5 and 20, 'c' only customer 10 (its other lines reach no unit),
 * 'd' customers 10 and 30, 'e' customer 10 and order 50, which does not exist at first.
 */
class UnitLookupSqlTest {
    @TempDir
    Path dir;

    private Connection admin;
    private Connection ana;

    @BeforeEach
    void create() throws SQLException {
        Path warehouse = dir.resolve("wh");
        admin = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";create=true");
        exec(admin, "CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
        exec(admin, "CREATE USER ana PASSWORD 'ana-pw-long-secret'");
        exec(admin, "CREATE SCHEMA s");
        exec(admin, "CREATE TABLE s.customer (c_id BIGINT NOT NULL)");
        exec(admin, "CREATE TABLE s.orders (o_id INTEGER NOT NULL, o_cust BIGINT)");
        exec(admin, "CREATE TABLE s.lines (l_id BIGINT NOT NULL, l_order BIGINT, tag VARCHAR NOT NULL)");
        exec(admin, "INSERT INTO s.customer VALUES (5), (10), (20), (30)");
        exec(admin, "INSERT INTO s.orders VALUES (1, 10), (2, 20), (2, 5), (3, NULL), (4, 30), (7, 5), (8, 20)");
        exec(
                admin,
                "INSERT INTO s.lines VALUES (1, 2, 'a'), (2, 7, 'a'), (3, 2, 'b'), (4, 8, 'b'), (5, 3, 'c'), "
                        + "(6, 99, 'c'), (7, NULL, 'c'), (8, 1, 'c'), (9, 1, 'd'), (10, 4, 'd'), (11, 50, 'e'), (12, 1, 'e')");
        exec(admin, "ALTER TABLE s.customer SET PRIVACY UNIT (c_id)");
        exec(admin, "ALTER TABLE s.orders SET PRIVACY UNIT VIA (o_cust) REFERENCES s.customer (c_id)");
        exec(admin, "ALTER TABLE s.lines SET PRIVACY UNIT VIA (l_order) REFERENCES s.orders (o_id)");
        exec(admin, "ALTER TABLE s.lines SET MIN GROUP SIZE 2");
        ana = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";user=ana");
    }

    @AfterEach
    void close() throws SQLException {
        if (ana != null) {
            ana.close();
        }
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

    private static final String BY_TAG = "SELECT tag, COUNT(*) FROM s.lines GROUP BY tag ORDER BY tag";

    @Test
    void eachLineReachesAtMostOneUnitTheSmallest() throws SQLException {
        assertEquals(List.of("b|2", "d|2"), rows(ana, BY_TAG));
    }

    @Test
    void rowsCommittedAfterAQueryAreLookedUpByTheNext() throws SQLException {
        assertEquals(List.of("b|2", "d|2"), rows(ana, BY_TAG));
        exec(admin, "INSERT INTO s.orders VALUES (50, 30)");
        assertEquals(List.of("b|2", "d|2", "e|2"), rows(ana, BY_TAG));
        // Order 7 now also belongs to customer 1 (smaller than 5): tag 'a' reaches customers 5 and 1.
        exec(admin, "INSERT INTO s.customer VALUES (1)");
        exec(admin, "INSERT INTO s.orders VALUES (7, 1)");
        assertEquals(List.of("a|2", "b|2", "d|2", "e|2"), rows(ana, BY_TAG));
    }

    @Test
    void differentialPrivacyCountsEachLookedUpUnitOnce() throws SQLException {
        for (String t : new String[] {"s.customer", "s.orders", "s.lines"}) {
            exec(
                    admin,
                    "ALTER TABLE " + t + " SET DIFFERENTIAL PRIVACY (EPSILON 1e20, DELTA 1e-9, "
                            + "MAX GROUPS PER UNIT 1, MAX ROWS PER UNIT PER GROUP 1)");
        }
        exec(admin, "CREATE PRIVACY BUDGET roomy LIMIT (EPSILON 1e30, DELTA 0.5) WINDOW NEVER");
        exec(admin, "ALTER USER ana SET PRIVACY BUDGET roomy");
        // One row per unit: the lines reach customers 5, 20, 10 and 30; the rest reach none.
        assertEquals(List.of("4"), rows(ana, "SELECT COUNT(*) FROM s.lines"));
    }

    @Test
    void explainPrivacyShowsTheLookupStep() throws SQLException {
        String text = String.join("\n", rows(ana, "EXPLAIN PRIVACY " + BY_TAG));
        assertTrue(text.contains("looked up along the declared foreign keys"), text);
        assertTrue(
                text.contains("UnitLookup(")
                        && text.contains("table=[[s, orders]]")
                        && text.contains("= o_id")
                        && text.contains("lookup=[MIN(o_cust)]"),
                text);
        assertTrue(!text.contains("LogicalJoin"), text);
    }
}
