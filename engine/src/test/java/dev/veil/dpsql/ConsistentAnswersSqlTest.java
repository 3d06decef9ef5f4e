package dev.veil.dpsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.session.EmbeddedDriver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consistent answers through the embedded driver: the same question on the same data is answered
 * with the stored release (the same rows), charged nothing, also after a restart; a new table
 * version, another literal or a non-deterministic question is charged afresh; SET EPSILON above
 * what the readable tables allow is refused when set; partition selection shows as a warning.
 */
class ConsistentAnswersSqlTest {
    @TempDir
    Path dir;

    private Path warehouse;
    private Connection admin;
    private Connection eve;

    @BeforeEach
    void create() throws SQLException {
        warehouse = dir.resolve("wh");
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
        exec(admin, "ALTER TABLE people SET PRIVACY UNIT (id)");
        exec(admin, "ALTER TABLE people ALTER COLUMN pay SET POLICY AGGREGATE ONLY BOUNDS (0, 100)");
        exec(
                admin,
                "ALTER TABLE people SET DIFFERENTIAL PRIVACY (EPSILON 1, DELTA 1e-6, "
                        + "MAX GROUPS PER UNIT 1, MAX ROWS PER UNIT PER GROUP 1)");
        exec(admin, "CREATE PRIVACY BUDGET roomy LIMIT (EPSILON 100, DELTA 0.5) WINDOW NEVER");
        exec(admin, "ALTER USER eve SET PRIVACY BUDGET roomy");
        eve = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";user=eve");
    }

    @AfterEach
    void close() throws SQLException {
        if (eve != null) {
            eve.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
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
    }

    private double spent() throws SQLException {
        return ((Number) rows(eve, "SELECT epsilon_spent FROM veil.my_budget")
                        .get(0)
                        .get(0))
                .doubleValue();
    }

    private static final String QUESTION = "SELECT city, COUNT(*) AS n, SUM(pay) AS total,"
            + " DP_INTERVAL_LOW(SUM(pay)) AS low, DP_INTERVAL_HIGH(SUM(pay)) AS high FROM people GROUP BY city";

    @Test
    void theSameQuestionReplaysTheStoredReleaseForFree() throws SQLException {
        List<List<Object>> first = rows(eve, QUESTION);
        assertEquals(1.0, spent(), 1e-9);
        for (int i = 0; i < 5; i++) {
            assertEquals(first, rows(eve, QUESTION), "the same rows, noise and intervals");
        }
        assertEquals(1.0, spent(), 1e-9, "replays are free");
        List<List<Object>> log = rows(
                eve, "SELECT epsilon, replays FROM veil.my_queries WHERE statement = '" + QUESTION + "' ORDER BY id");
        assertEquals(6, log.size());
        assertEquals(
                List.of(1.0, 0L),
                List.of(((Number) log.get(0).get(0)).doubleValue(), log.get(0).get(1)));
        for (List<Object> replay : log.subList(1, 6)) {
            assertEquals(0.0, ((Number) replay.get(0)).doubleValue());
            assertEquals(1L, ((Number) replay.get(1)).longValue());
        }
        // Another user, the same question and policies: the same release, free for them too.
        exec(admin, "CREATE USER flo PASSWORD 'flo-pw-long-enough'");
        exec(admin, "ALTER USER flo SET PRIVACY BUDGET roomy");
        try (Connection flo = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";user=flo")) {
            assertEquals(first, rows(flo, QUESTION));
            assertEquals(
                    0.0,
                    ((Number) rows(flo, "SELECT epsilon_spent FROM veil.my_budget")
                                    .get(0)
                                    .get(0))
                            .doubleValue());
        }
        // The audit agrees with the ledger.
        List<List<Object>> sums = rows(
                admin,
                "SELECT (SELECT SUM(epsilon) FROM veil.audit WHERE user_name = 'eve'),"
                        + " (SELECT SUM(epsilon) FROM veil.budget_ledger WHERE user_name = 'eve')");
        assertEquals(
                ((Number) sums.get(0).get(0)).doubleValue(),
                ((Number) sums.get(0).get(1)).doubleValue(),
                1e-9);
    }

    @Test
    void storedReleasesSurviveARestart() throws SQLException {
        List<List<Object>> first = rows(eve, QUESTION);
        eve.close();
        admin.close();
        eve = null;
        admin = null;
        admin = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";user=admin");
        eve = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";user=eve");
        assertEquals(first, rows(eve, QUESTION));
        assertEquals(1.0, spent(), 1e-9);
    }

    @Test
    void aNewTableVersionAnotherLiteralOrEpsilonIsChargedAfresh() throws SQLException {
        rows(eve, QUESTION);
        exec(admin, "INSERT INTO people VALUES (1000, 'Lyon', 5)");
        rows(eve, QUESTION);
        assertEquals(2.0, spent(), 1e-9, "a new table version is a new question");
        rows(eve, QUESTION);
        assertEquals(2.0, spent(), 1e-9);
        rows(eve, "SELECT COUNT(*) FROM people WHERE city IN ('Lyon', 'Porto')");
        rows(eve, "SELECT COUNT(*) FROM people WHERE city IN ('Lyon'', ''Porto')");
        assertEquals(4.0, spent(), 1e-9, "two literals that print alike are two questions");
        exec(eve, "SET EPSILON = 0.5");
        rows(eve, "SELECT COUNT(*) FROM people WHERE city IN ('Lyon', 'Porto')");
        assertEquals(4.5, spent(), 1e-9, "another epsilon is another question");
    }

    @Test
    void aQuestionThatDependsOnTheClockIsNeverReplayed() throws SQLException {
        String sql = "SELECT COUNT(*) FROM people WHERE CURRENT_DATE > DATE '2000-01-01'";
        rows(eve, sql);
        rows(eve, sql);
        assertEquals(2.0, spent(), 1e-9);
        List<List<Object>> explain = rows(eve, "EXPLAIN PRIVACY " + sql);
        assertTrue(
                explain.stream().anyMatch(r -> String.valueOf(r.get(0)).contains("never replayed")),
                explain.toString());
    }

    @Test
    void setEpsilonAboveEveryReadableTableIsRefusedWhenSet() throws SQLException {
        SQLException e = assertThrows(SQLException.class, () -> exec(eve, "SET EPSILON = 1.5"));
        assertTrue(e.getMessage().contains("INVALID_ARGUMENT"), e.getMessage());
        assertThrows(SQLException.class, () -> exec(eve, "SET EPSILON = 0"));
        exec(eve, "SET EPSILON = 1");
    }

    @Test
    void partitionSelectionIsAWarningThatCountsNothing() throws SQLException {
        try (Statement s = eve.createStatement();
                ResultSet rs = s.executeQuery("SELECT city, COUNT(*) FROM people GROUP BY city")) {
            SQLWarning warning = rs.getWarnings();
            assertNotNull(warning);
            assertTrue(warning.getMessage().contains("partition selection is in force"), warning.getMessage());
            assertTrue(!warning.getMessage().matches(".*\\d.*"), "no count: " + warning.getMessage());
        }
        try (Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery("SELECT city, COUNT(*) FROM people GROUP BY city")) {
            assertNull(rs.getWarnings(), "admins are not governed: no selection, no notice");
        }
    }
}
