package dev.veil.exec.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.control.StatementMemory;
import dev.veil.exec.runtime.ExecutionOptions;
import dev.veil.session.EmbeddedWarehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nested-loop joins whose inner input does not depend on the outer row read that input once per
 * execution ({@link NestedLoopSpools}, {@link EnumerableSpool}), not once per outer row: each
 * query here has 3,000 outer rows, and the spool's count of input reads says how often the inner
 * side ran. Rows equal those of the plan without the columnar layer and those the data gives.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NestedLoopSpoolTest {
    private static final int ROWS = 3000;
    /** Makes a note take about 600 bytes of heap. */
    private static final String PADDING = "x".repeat(300);

    private EmbeddedWarehouse warehouse;
    private Statement statement;

    @BeforeAll
    void open(@TempDir Path dir) throws Exception {
        warehouse = EmbeddedWarehouse.create(dir);
        statement = warehouse.statement();
        statement.execute("CREATE SCHEMA s");
        statement.execute("CREATE TABLE s.t (id BIGINT NOT NULL, g INTEGER, d DECIMAL(10,2), note VARCHAR)");
        // Three loads: three segments, so that two threads have something to split.
        for (int part = 0; part < 3; part++) {
            int base = part * (ROWS / 3);
            load("t", ROWS / 3, i -> row(base + i));
        }
        statement.execute("CREATE TABLE s.u (g INTEGER)");
        load("u", 20, i -> i % 7 == 0 ? "" : String.valueOf(i % 5));
    }

    private static String row(int i) {
        String g = i % 11 == 0 ? "" : String.valueOf(i % 13 - 6);
        String d = i % 19 == 0 ? "" : (i % 100) + ".25";
        return i + "," + g + "," + d + "," + (i % 50) + PADDING;
    }

    private void load(String table, int rows, IntFunction<String> line) throws IOException, SQLException {
        warehouse.load("s", table, EmbeddedWarehouse.lines(rows, line), "HEADER = FALSE, NULL = ''");
    }

    @AfterAll
    void close() throws Exception {
        warehouse.close();
    }

    @AfterEach
    void reset() {
        ExecutionOptions.set(ExecutionOptions.current().withColumnar(true).withThreads(1));
    }

    @Test
    void anUncorrelatedScalarSubQueryRunsOncePerExecution() throws SQLException {
        // The vectorized aggregation recomputes its rows at each enumeration: before the spool it
        // ran 3,000 times here.
        String sql = "SELECT COUNT(*) FROM s.t a WHERE a.g <= (SELECT AVG(g) FROM s.t b WHERE b.d > 50)";
        String plan = plan(sql);
        assertTrue(plan.contains("NestedLoopJoin") && plan.contains("EnumerableSpool"), plan);
        // The same count with the sub-query's value written in.
        String average = rows("SELECT AVG(g) FROM s.t b WHERE b.d > 50").get(0);
        List<String> withValue = rows("SELECT COUNT(*) FROM s.t a WHERE a.g <= " + average);
        for (int threads = 1; threads <= 2; threads++) {
            ExecutionOptions.set(ExecutionOptions.current().withThreads(threads));
            assertEquals(withValue, readsOnce(sql, 1), threads + " threads");
        }
        assertEquals(rows(sql), rowPath(sql));
    }

    @Test
    void eachExecutionReadsItsOwnInnerSide() throws SQLException {
        String sql = "SELECT COUNT(*) FROM s.t a WHERE a.d > (SELECT MAX(d) - 10 FROM s.t b)";
        List<String> first = readsOnce(sql, 1);
        // The second execution reads again (a table may have changed between them): once.
        assertEquals(first, readsOnce(sql, 1));
        assertEquals(first, rowPath(sql));
    }

    @Test
    void notInOverANullableColumnCountsItsSubQueryOnce() throws SQLException {
        // NOT IN needs the sub-query's row and non-NULL counts, joined to every outer row.
        String sql = "SELECT COUNT(*) FROM s.t WHERE g NOT IN (SELECT g + 1 FROM s.u WHERE g IS NOT NULL)";
        assertTrue(plan(sql).contains("EnumerableSpool"), plan(sql));
        assertEquals(rowPath(sql), readsOnce(sql, 1));
        // With a NULL in the sub-query no row passes.
        assertEquals(List.of("0"), readsOnce("SELECT COUNT(*) FROM s.t WHERE g NOT IN (SELECT g FROM s.u)", 1));
    }

    @Test
    void allSomeAndCrossJoinsReadTheirInnerSideOnce() throws SQLException {
        for (String sql : List.of(
                "SELECT COUNT(*) FROM s.t WHERE d > ALL (SELECT d FROM s.t WHERE id < 100)",
                "SELECT COUNT(*) FROM s.t WHERE d < SOME (SELECT d FROM s.t WHERE id < 100)",
                "SELECT COUNT(*) FROM s.t a, (SELECT MIN(d) m FROM s.t) x WHERE a.d < x.m + 5",
                "SELECT COUNT(*) FROM s.t a, s.u b WHERE a.g < b.g")) {
            assertEquals(rowPath(sql), readsOnce(sql, 1), sql);
        }
    }

    @Test
    void anOuterSideOfAtMostOneRowNeedsNoSpool() throws SQLException {
        String sql = "SELECT * FROM (SELECT id FROM s.t WHERE id > 5 LIMIT 1) x, s.u WHERE s.u.g < x.id ORDER BY 2";
        assertFalse(plan(sql).contains("EnumerableSpool"), plan(sql));
        assertEquals(rowPath(sql), rows(sql));
    }

    @Test
    void aSpoolPastTheMemoryLimitFailsTheStatement() throws SQLException {
        // 3,000 notes of 300 characters are above the smallest limit once spooled.
        String sql = "SELECT COUNT(*) FROM s.t a, s.t b WHERE a.note < b.note";
        assertTrue(plan(sql).contains("EnumerableSpool"), plan(sql));
        long limit = StatementMemory.defaultLimit();
        StatementMemory.useDefaultLimit(StatementMemory.MIN_LIMIT);
        try {
            SQLException e = assertThrows(SQLException.class, () -> rows(sql));
            assertTrue(e.getMessage().contains("MEMORY_LIMIT_EXCEEDED"), e.getMessage());
            assertTrue(e.getMessage().contains("nested-loop join's inner side"), e.getMessage());
            // The statement gave its memory back: a small one runs.
            assertEquals(List.of("20"), rows("SELECT COUNT(*) FROM s.u"));
        } finally {
            StatementMemory.useDefaultLimit(limit);
        }
    }

    /** The rows of {@code sql}, asserting that its spools read their inputs {@code reads} times in all. */
    private List<String> readsOnce(String sql, int reads) throws SQLException {
        long before = EnumerableSpool.INPUT_READS.get();
        List<String> rows = rows(sql);
        assertEquals(reads, EnumerableSpool.INPUT_READS.get() - before, sql);
        return rows;
    }

    private String plan(String sql) throws SQLException {
        return String.join("\n", rows("EXPLAIN PLAN FOR " + sql));
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    /** The rows of {@code sql} without the columnar layer (Calcite's operators, still spooled). */
    private List<String> rowPath(String sql) throws SQLException {
        ExecutionOptions.set(ExecutionOptions.current().withColumnar(false));
        try {
            return rows(sql);
        } finally {
            ExecutionOptions.set(ExecutionOptions.current().withColumnar(true));
        }
    }
}
