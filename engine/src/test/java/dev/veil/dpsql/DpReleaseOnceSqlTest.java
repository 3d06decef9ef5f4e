package dev.veil.dpsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.session.EmbeddedDriver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each differentially private aggregate releases once per execution, and the execution is charged
 * once for each: a DP value repeated on every row of an outer query is one value, however many
 * rows ask for it; a statement with several DP aggregates (a join of two, a CTE read twice, a
 * UNION ALL of the same query) is charged exactly its epsilon. Through the embedded driver, with a
 * real noise level (EPSILON 1 per query).
 */
class DpReleaseOnceSqlTest {
    private static final double EPSILON = 1;

    @TempDir
    static Path dir;

    private static Connection admin;
    private static Connection eve;

    @BeforeAll
    static void create() throws SQLException {
        Path warehouse = dir.resolve("wh");
        admin = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";create=true");
        exec(admin, "CREATE USER admin PASSWORD 'admin-pw-long-enough' ROLE admin");
        exec(admin, "CREATE USER eve PASSWORD 'eve-pw-long-enough'");
        exec(admin, "CREATE TABLE people (id BIGINT NOT NULL, city VARCHAR NOT NULL, pay INTEGER NOT NULL)");
        StringBuilder rows = new StringBuilder();
        for (int i = 1; i <= 200; i++) {
            rows.append(i == 1 ? "" : ", ")
                    .append("(")
                    .append(i)
                    .append(", '")
                    .append(i % 2 == 0 ? "Lyon" : "Porto")
                    .append("', ")
                    .append(i % 100)
                    .append(")");
        }
        exec(admin, "INSERT INTO people VALUES " + rows);
        exec(admin, "CREATE TABLE digits (d INTEGER NOT NULL)");
        exec(admin, "INSERT INTO digits VALUES (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)");
        exec(admin, "ALTER TABLE people SET PRIVACY UNIT (id)");
        exec(admin, "ALTER TABLE people ALTER COLUMN pay SET POLICY AGGREGATE ONLY BOUNDS (0, 100)");
        exec(
                admin,
                "ALTER TABLE people SET DIFFERENTIAL PRIVACY (EPSILON " + EPSILON + ", DELTA 1e-6, "
                        + "MAX GROUPS PER UNIT 1, MAX ROWS PER UNIT PER GROUP 1)");
        exec(admin, "CREATE PRIVACY BUDGET roomy LIMIT (EPSILON 1e9, DELTA 0.5) WINDOW NEVER");
        exec(admin, "ALTER USER eve SET PRIVACY BUDGET roomy");
        eve = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";user=eve");
    }

    @AfterAll
    static void close() throws SQLException {
        eve.close();
        admin.close();
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            return read(rs);
        }
    }

    private static List<List<Object>> read(ResultSet rs) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        int n = rs.getMetaData().getColumnCount();
        while (rs.next()) {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= n; i++) {
                row.add(rs.getObject(i));
            }
            rows.add(row);
        }
        return rows;
    }

    private static double spent() throws SQLException {
        try (Statement s = eve.createStatement();
                ResultSet rs = s.executeQuery("SELECT epsilon_spent FROM veil.my_budget")) {
            assertTrue(rs.next());
            return rs.getDouble(1);
        }
    }

    private static Set<Object> column(List<List<Object>> rows, int i) {
        Set<Object> values = new HashSet<>();
        for (List<Object> row : rows) {
            values.add(row.get(i));
        }
        return values;
    }

    @Test
    void aScalarSubQueryOnEveryRowIsOneRelease() throws SQLException {
        double before = spent();
        List<List<Object>> r = rows(
                eve,
                "SELECT v.x, (SELECT COUNT(*) FROM people WHERE city <> 'x1') FROM (VALUES (1), (2), (3), (4), "
                        + "(5), (6)) v(x)");
        assertEquals(6, r.size());
        assertEquals(1, column(r, 1).size(), "one noisy count on every row: " + r);
        assertEquals(EPSILON, spent() - before, 1e-9);
    }

    @Test
    void tenThousandRowsAskingGetOneValue() throws SQLException {
        double before = spent();
        List<List<Object>> r = rows(
                eve,
                "SELECT a.d * 1000 + b.d * 100 + c.d * 10 + e.d, "
                        + "(SELECT SUM(pay) FROM people WHERE city <> 'x2') FROM digits a, digits b, digits c, digits e");
        assertEquals(10_000, r.size());
        assertEquals(1, column(r, 1).size());
        assertEquals(EPSILON, spent() - before, 1e-9);
        // The same through an aggregate over the outer rows, as an analyst would count the distinct draws.
        List<List<Object>> distinct = rows(
                eve,
                "SELECT COUNT(DISTINCT s) FROM (SELECT a.d, "
                        + "(SELECT COUNT(*) FROM people) s FROM digits a, digits b, digits c, digits e)");
        assertEquals(List.of(List.of(1L)), distinct);
    }

    @Test
    void aCorrelatedLookupPerOuterRowIsOneReleasePerGroup() throws SQLException {
        // Each outer row looks up its city's noisy count: the DP aggregate is computed once, grouped.
        double before = spent();
        List<List<Object>> r = rows(
                eve,
                "SELECT v.c, (SELECT COUNT(*) FROM people p WHERE p.city = v.c AND p.city <> 'x3') "
                        + "FROM (VALUES ('Lyon'), ('Lyon'), ('Lyon'), ('Porto'), ('Porto'), ('Lyon')) v(c)");
        assertEquals(6, r.size());
        Set<Object> lyon = new HashSet<>();
        for (List<Object> row : r) {
            if (row.get(0).equals("Lyon")) {
                lyon.add(row.get(1));
            }
        }
        assertEquals(1, lyon.size(), "one noisy count for Lyon: " + r);
        assertEquals(EPSILON, spent() - before, 1e-9);
    }

    @Test
    void severalDpAggregatesAreChargedTheStatementsEpsilonOnce() throws SQLException {
        // Each a new question (its own literal), so nothing is a replay of another test's release.
        String[] queries = {
            // a join of two DP aggregates
            "SELECT a.n, b.s FROM (SELECT COUNT(*) n FROM people WHERE city <> 'x4') a, "
                    + "(SELECT SUM(pay) s FROM people WHERE city <> 'x4') b",
            // a grouped DP aggregate joined back to outer rows
            "SELECT v.x, g.city, g.n FROM (VALUES (1), (2), (3)) v(x), "
                    + "(SELECT city, COUNT(*) n FROM people WHERE city <> 'x5' GROUP BY city) g",
            // IN over a DP aggregate's output
            "SELECT d FROM digits WHERE d IN (SELECT COUNT(*) / 1000 FROM people WHERE city <> 'x6')",
        };
        for (String sql : queries) {
            double before = spent();
            rows(eve, sql);
            assertEquals(EPSILON, spent() - before, 1e-9, sql);
        }
        // Two aggregates of one statement that ask the same question (a CTE read twice, a UNION ALL
        // of the same query) are planned at half the epsilon each, and share one release: one value,
        // one charge of half the epsilon.
        String[] twice = {
            "WITH c AS (SELECT COUNT(*) n FROM people WHERE city <> 'x7') SELECT x.n, y.n FROM c x, c y",
            "SELECT COUNT(*) FROM people WHERE city <> 'x8' UNION ALL SELECT COUNT(*) FROM people WHERE city <> 'x8'",
        };
        for (String sql : twice) {
            double before = spent();
            List<List<Object>> r = rows(eve, sql);
            assertEquals(EPSILON / 2, spent() - before, 1e-9, sql);
            Set<Object> values = new HashSet<>();
            r.forEach(values::addAll);
            assertEquals(1, values.size(), sql + ": " + r);
        }
    }

    @Test
    void aPreparedStatementChargesAndReleasesOncePerExecution() throws SQLException {
        // Its first execution is charged; the later ones ask the same question on the same data and
        // replay that release, at no charge (consistent answers).
        double before = spent();
        List<List<Object>> first = null;
        try (PreparedStatement p = eve.prepareStatement("SELECT v.x, (SELECT COUNT(*) FROM people WHERE city <> 'x9') "
                + "FROM (VALUES (1), (2), (3), (4)) v(x)")) {
            for (int run = 1; run <= 3; run++) {
                try (ResultSet rs = p.executeQuery()) {
                    List<List<Object>> r = read(rs);
                    assertEquals(4, r.size());
                    assertEquals(1, column(r, 1).size(), "run " + run + ": " + r);
                    if (first == null) {
                        first = r;
                    }
                    assertEquals(first, r);
                }
                assertEquals(EPSILON, spent() - before, 1e-9);
            }
        }
    }

    @Test
    void aWindowOverDpOutputSeesOneRelease() throws SQLException {
        double before = spent();
        List<List<Object>> r = rows(
                eve,
                "SELECT city, n, SUM(n) OVER () FROM (SELECT city, COUNT(*) n FROM people WHERE city <> 'x10' "
                        + "GROUP BY city)");
        assertEquals(2, r.size());
        long total = ((Number) r.get(0).get(1)).longValue() + ((Number) r.get(1).get(1)).longValue();
        assertEquals(total, ((Number) r.get(0).get(2)).longValue());
        assertEquals(total, ((Number) r.get(1).get(2)).longValue());
        assertEquals(EPSILON, spent() - before, 1e-9);
    }

    @Test
    void groupKeysAloneLeaveSortedAndALimitKeepsTheFirst() throws SQLException {
        // 'Porto' (odd ids) comes first in the data; the groups leave sorted by key.
        assertEquals(List.of(List.of("Lyon"), List.of("Porto")), rows(eve, "SELECT city FROM people GROUP BY city"));
        assertEquals(List.of(List.of("Lyon")), rows(eve, "SELECT city FROM people GROUP BY city LIMIT 1"));
    }
}
