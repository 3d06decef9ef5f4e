package dev.veil.exec.aggregate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.control.StatementMemory;
import dev.veil.exec.runtime.ExecutionOptions;
import dev.veil.session.EmbeddedWarehouse;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The vectorized aggregation ({@link ArrowAggregateScan}) against the row-by-row plan it
 * replaces: for every query the plan must use it, and its rows must equal, value and Java type,
 * the rows of the same query with the fusion switched off.
 */
class VectorAggregateTest {
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
        statement.execute("CREATE SCHEMA s");
        statement.execute("CREATE TABLE s.t (k VARCHAR, g INTEGER, b BIGINT, d DECIMAL(15,2), "
                + "e DECIMAL(4,2) NOT NULL, f DOUBLE, dt DATE, z BOOLEAN)");
        // Three loads: three segments, so the two-thread split has something to split.
        for (int part = 0; part < 3; part++) {
            int base = part * 1000;
            load("t", 1000, i -> row(base + i));
        }
        statement.execute("CREATE TABLE s.o (x DECIMAL(18,2), y DECIMAL(18,2), n INTEGER, m BIGINT, k VARCHAR)");
        for (int part = 0; part < 2; part++) {
            load(
                    "o",
                    5,
                    i -> "9999999999999999.9" + i + ",-999999999999999.99," + (2_000_000_000 - i) + ","
                            + (9_000_000_000_000_000_000L + i) + ",k" + (i % 2));
        }
    }

    private static String row(int i) {
        String k = i % 7 == 0 ? "" : i % 31 == 0 ? "é" + (i % 3) : "k" + (i % 5);
        String g = i % 11 == 0 ? "" : String.valueOf(i % 13 - 6);
        String b = i % 17 == 0 ? "" : String.valueOf(i * 1_000_003L);
        String d = i % 19 == 0 ? "" : (i % 1000) + "." + String.format("%02d", i % 100);
        String e = "0.0" + (i % 10);
        String f = i % 23 == 0 ? "" : String.valueOf(i / 7.0);
        String dt = i % 29 == 0 ? "" : "2024-01-" + String.format("%02d", 1 + i % 28);
        String z = i % 3 == 0 ? "" : String.valueOf(i % 2 == 0);
        return String.join(",", k, g, b, d, e, f, dt, z);
    }

    private void load(String table, int rows, IntFunction<String> line) throws IOException, SQLException {
        warehouse.load("s", table, EmbeddedWarehouse.lines(rows, line), "HEADER = FALSE");
    }

    @AfterEach
    void close() throws Exception {
        ExecutionOptions.set(ExecutionOptions.current().withColumnar(true));
        ExecutionOptions.set(ExecutionOptions.DEFAULT);
        warehouse.close();
    }

    private String plan(String sql) throws SQLException {
        StringBuilder text = new StringBuilder();
        try (ResultSet rs = statement.executeQuery("EXPLAIN PLAN FOR " + sql)) {
            while (rs.next()) {
                text.append(rs.getString(1)).append('\n');
            }
        }
        return text.toString();
    }

    /** The rows as lists of values, sorted by their text so the two paths' group orders do not matter. */
    private List<List<Object>> rows(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int c = 1; c <= columns; c++) {
                    row.add(rs.getObject(c));
                }
                rows.add(row);
            }
        }
        rows.sort(Comparator.comparing(Object::toString));
        return rows;
    }

    /** Runs {@code sql} both ways; asserts the fused plan and equal rows, and returns the rows. */
    private List<List<Object>> assertSameAsRowPath(String sql) throws SQLException {
        String plan = plan(sql);
        assertTrue(plan.contains("ArrowAggregateScan"), plan);
        assertFalse(plan.contains("ArrowTableScan"), plan);
        List<List<Object>> vectorized = rows(sql);
        ExecutionOptions.set(ExecutionOptions.current().withColumnar(false));
        try {
            assertFalse(plan(sql).contains("ArrowAggregateScan"));
            List<List<Object>> rowPath = rows(sql);
            assertEquals(rowPath.size(), vectorized.size(), sql);
            for (int i = 0; i < rowPath.size(); i++) {
                List<Object> expected = rowPath.get(i);
                List<Object> actual = vectorized.get(i);
                assertEquals(expected, actual, sql);
                for (int c = 0; c < expected.size(); c++) {
                    Object e = expected.get(c);
                    Object a = actual.get(c);
                    assertEquals(
                            e == null ? null : e.getClass(), a == null ? null : a.getClass(), sql + " column " + c);
                    if (e instanceof BigDecimal bd) {
                        assertEquals(bd.scale(), ((BigDecimal) a).scale(), sql + " column " + c);
                    }
                }
            }
        } finally {
            ExecutionOptions.set(ExecutionOptions.current().withColumnar(true));
        }
        return vectorized;
    }

    private static final String ALL_CALLS = "COUNT(*), COUNT(g), COUNT(k), SUM(g), SUM(b), SUM(d), SUM(d * (1 - e)), "
            + "SUM(d * (1 - e) * (1 + e)), AVG(d), AVG(g), MIN(d), MAX(d), MIN(dt), MAX(dt), MIN(g), MAX(b), SUM(f)";

    @Test
    void groupedAggregatesEqualTheRowPath() throws SQLException {
        List<List<Object>> rows = assertSameAsRowPath("SELECT k, z, " + ALL_CALLS + " FROM s.t GROUP BY k, z");
        assertTrue(rows.size() > 10, rows.toString());
    }

    @Test
    void globalAggregatesEqualTheRowPath() throws SQLException {
        List<List<Object>> rows = assertSameAsRowPath("SELECT " + ALL_CALLS + " FROM s.t");
        assertEquals(1, rows.size());
        assertEquals(3000L, rows.get(0).get(0));
        assertSameAsRowPath("SELECT SUM(d) FROM s.t");
        assertSameAsRowPath("SELECT COUNT(*) FROM s.t");
    }

    @Test
    void pushedFilterSelectsTheRows() throws SQLException {
        assertSameAsRowPath("SELECT dt, e, " + ALL_CALLS + " FROM s.t "
                + "WHERE dt <= DATE '2024-01-20' AND e BETWEEN 0.02 AND 0.06 GROUP BY dt, e");
        assertSameAsRowPath("SELECT SUM(d * e), COUNT(*) FROM s.t WHERE e BETWEEN 0.05 AND 0.07 AND g < 3");
        assertSameAsRowPath("SELECT k, COUNT(*), SUM(d) FROM s.t WHERE g IN (1, 3, -5) AND d > 100.5 AND b <> 7 "
                + "AND dt < DATE '2024-01-09' GROUP BY k");
        assertSameAsRowPath("SELECT k, COUNT(*), SUM(d) FROM s.t WHERE g = 1 OR k = 'k1' GROUP BY k");
        assertSameAsRowPath("SELECT COUNT(*), SUM(g) FROM s.t WHERE g >= 2 AND d <= 7.5 AND k IS NOT NULL");
    }

    @Test
    void everyStoredTypeGroups() throws SQLException {
        assertSameAsRowPath("SELECT f, d, g, b, COUNT(*), SUM(e) FROM s.t GROUP BY f, d, g, b");
        assertSameAsRowPath("SELECT z, dt, e, COUNT(*) FROM s.t GROUP BY z, dt, e");
    }

    @Test
    void emptyInputGivesOneGlobalRowAndNoGroups() throws SQLException {
        List<List<Object>> global = assertSameAsRowPath("SELECT " + ALL_CALLS + " FROM s.t WHERE g > 1000");
        assertEquals(1, global.size());
        assertEquals(0L, global.get(0).get(0));
        assertEquals(null, global.get(0).get(3));
        assertEquals(
                0,
                assertSameAsRowPath("SELECT k, " + ALL_CALLS + " FROM s.t WHERE g > 1000 GROUP BY k")
                        .size());
    }

    @Test
    void allNullColumnsAggregateLikeTheRowPath() throws SQLException, IOException {
        statement.execute("CREATE TABLE s.n (a INTEGER, d DECIMAL(10,2), k VARCHAR, f DOUBLE, x INTEGER NOT NULL)");
        load("n", 100, i -> ",,,," + i);
        List<List<Object>> rows = assertSameAsRowPath("SELECT k, COUNT(*), COUNT(a), SUM(a), SUM(d * 2), MIN(d), "
                + "SUM(f), AVG(a) FROM s.n WHERE x < 50 GROUP BY k");
        assertEquals(1, rows.size());
        assertEquals(50L, rows.get(0).get(1));
        assertSameAsRowPath("SELECT a, d, f, COUNT(*), SUM(x) FROM s.n GROUP BY a, d, f");
    }

    @Test
    void castsAndIntegerArithmeticEqualTheRowPath() throws SQLException {
        assertSameAsRowPath("SELECT k, SUM(g * 3 + 1), SUM(CAST(g AS BIGINT) * b), SUM(CAST(g AS DOUBLE) * f), "
                + "SUM(CAST(d AS DECIMAL(20,4))), SUM(g * d - 2.5), COUNT(d * e), SUM(b - g) FROM s.t GROUP BY k");
    }

    @Test
    void clampCasesEqualTheRowPath() throws SQLException {
        // The privacy rewrite's clamp of a column with bounds, on DECIMAL, INTEGER, BIGINT and DOUBLE
        // columns with NULLs, as one pass over the operand; and CASEs of the same shape whose
        // conditions overlap, where the first true condition must win.
        assertSameAsRowPath("SELECT k, SUM(CASE WHEN d < 10.00 THEN 10.00 WHEN d > 500.00 THEN 500.00 ELSE d END), "
                + "SUM(CASE WHEN g < -2 THEN -2 WHEN g > 3 THEN 3 ELSE g END), "
                + "SUM(CASE WHEN b <= 5000000 THEN 5000000 ELSE b END), "
                + "SUM(CASE WHEN f < 1.5e0 THEN 1.5e0 WHEN f >= 3.0e2 THEN 3.0e2 ELSE f END), "
                + "SUM(CASE WHEN f < 1.5e0 THEN 1.5e0 WHEN f > 3.0e2 THEN 3.0e2 ELSE f END), "
                + "SUM(CASE WHEN d < 500.00 THEN 500.00 WHEN d > 10.00 THEN 10.00 ELSE d END), "
                + "SUM(CASE WHEN g > 0 THEN 0 WHEN g < 2 THEN 2 ELSE g END), "
                + "SUM(CASE WHEN d < 10.00 THEN 10.00 WHEN d > 500.00 THEN 500.00 ELSE d END * (1 - e)) "
                + "FROM s.t GROUP BY k");
    }

    @Test
    void decimalOverflowOfALongStaysExactAndIntegerSumsFailLikeTheRowPath() throws SQLException {
        List<List<Object>> rows =
                assertSameAsRowPath("SELECT SUM(x), SUM(x * y), SUM(x + y), SUM(n), " + "MIN(x), MAX(m) FROM s.o");
        // Ten values of about 10^16 do not fit a long scaled by 100.
        assertTrue(
                ((BigDecimal) rows.get(0).get(0)).compareTo(new BigDecimal("99999999999999999")) > 0, rows.toString());
        assertSameAsRowPath("SELECT k, SUM(x), SUM(x * y), AVG(x) FROM s.o GROUP BY k");
        // Ten BIGINTs of about 9 * 10^18 (or 4 * 10^18) sum beyond a long: an error on both paths,
        // never a wrapped sum.
        for (String sql : List.of(
                "SELECT SUM(m) FROM s.o",
                "SELECT k, SUM(m) FROM s.o GROUP BY k",
                "SELECT AVG(m) FROM s.o",
                "SELECT SUM(CAST(n AS BIGINT) * n) FROM s.o")) {
            assertFailsOnBothPaths(sql);
        }
    }

    private void assertFailsOnBothPaths(String sql) throws SQLException {
        assertTrue(plan(sql).contains("ArrowAggregateScan"), sql);
        SQLException vectorized = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> rows(sql));
        assertTrue(vectorized.getMessage().contains("NUMERIC_OUT_OF_RANGE"), vectorized.getMessage());
        ExecutionOptions.set(ExecutionOptions.current().withColumnar(false));
        try {
            SQLException rowPath = org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> rows(sql));
            assertTrue(rowPath.getMessage().contains("NUMERIC_OUT_OF_RANGE"), rowPath.getMessage());
        } finally {
            ExecutionOptions.set(ExecutionOptions.current().withColumnar(true));
        }
    }

    @Test
    void integerSumsThatOverflowOnTheWayButFitAtTheEndAreExactOnBothPathsAndThreads() throws Exception {
        // Five values of about 9 * 10^18, then five of about -9 * 10^18: every order of adding
        // them passes the end of a long on the way, and the total fits.
        statement.execute("CREATE TABLE s.w (m BIGINT, n INTEGER, k VARCHAR)");
        load("w", 5, i -> (9_000_000_000_000_000_000L + i) + ",2147483647,k" + (i % 2));
        load("w", 5, i -> (-9_000_000_000_000_000_000L + 2 * i) + ",2147483647,k" + (i % 2));
        String sql = "SELECT k, SUM(m), AVG(m), SUM(n), COUNT(m) FROM s.w GROUP BY k";
        List<List<Object>> rows = assertSameAsRowPath(sql);
        assertEquals(
                List.of(List.of("k0", 18L, 3.0, 12884901882L, 6L), List.of("k1", 12L, 3.0, 8589934588L, 4L)), rows);
        assertEquals(List.of(List.of(30L)), assertSameAsRowPath("SELECT SUM(m) FROM s.w"));
        ExecutionOptions.set(ExecutionOptions.current().withThreads(2));
        assertEquals(List.of(List.of(30L)), assertSameAsRowPath("SELECT SUM(m) FROM s.w"));
    }

    @Test
    void integerArithmeticThatOverflowsFailsOnBothPaths() throws SQLException {
        for (String sql : List.of(
                "SELECT SUM(n * n) FROM s.o",
                "SELECT k, SUM(m + m) FROM s.o GROUP BY k",
                "SELECT SUM(m * 2 - m) FROM s.o")) {
            assertTrue(plan(sql).contains("ArrowAggregateScan"), sql);
            SQLException vectorized =
                    org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> rows(sql));
            assertTrue(vectorized.getMessage().contains("NUMERIC_OUT_OF_RANGE"), vectorized.getMessage());
            ExecutionOptions.set(ExecutionOptions.current().withColumnar(false));
            try {
                SQLException rowPath =
                        org.junit.jupiter.api.Assertions.assertThrows(SQLException.class, () -> rows(sql));
                assertTrue(rowPath.getMessage().contains("NUMERIC_OUT_OF_RANGE"), rowPath.getMessage());
            } finally {
                ExecutionOptions.set(ExecutionOptions.current().withColumnar(true));
            }
        }
    }

    @Test
    void twoThreadsMergeToTheSameRows() throws SQLException {
        ExecutionOptions.set(ExecutionOptions.current().withThreads(2));
        // No DOUBLE sum: those stay on one thread, whose order of additions the row path shares.
        String calls = "COUNT(*), COUNT(g), SUM(g), SUM(b), SUM(d), SUM(d * (1 - e)), AVG(d), MIN(d), MAX(dt)";
        assertSameAsRowPath("SELECT k, z, " + calls + " FROM s.t GROUP BY k, z");
        assertSameAsRowPath("SELECT " + calls + " FROM s.t WHERE e < 0.05");
        assertSameAsRowPath("SELECT k, SUM(x), SUM(x * y), MAX(m) FROM s.o GROUP BY k");
    }

    @Test
    void aThreadWhoseRowsTheFilterDropsMergesNothing() throws SQLException {
        ExecutionOptions.set(ExecutionOptions.current().withThreads(2));
        // Only rows of the first segment pass: the other thread's partial has its global group but
        // never saw a row.
        String calls = "COUNT(*), COUNT(g), SUM(g), SUM(b), SUM(d), SUM(d * (1 - e)), AVG(d), MIN(d), MAX(dt), SUM(f)";
        List<List<Object>> rows = assertSameAsRowPath("SELECT " + calls + " FROM s.t WHERE b < 500000000");
        assertEquals(1, rows.size());
        assertSameAsRowPath("SELECT " + calls + " FROM s.t WHERE b < 0");
        assertSameAsRowPath("SELECT SUM(d) FROM s.t WHERE b < 100000000");
    }

    @Test
    void anAggregationEnumeratedOncePerOuterRowGivesItsMemoryBackEachTime() throws SQLException {
        // An uncorrelated scalar sub-query compared in a filter is the inner side of a nested-loop
        // join, which Calcite's join enumerates once per outer row (3,000 here); the spool above it
        // (exec.join.NestedLoopSpools) now runs it once per execution, but an aggregation that is
        // enumerated again still gives its memory back when it is closed, so the statement fits in
        // the smallest statement limit on one thread and on two (found by DifferentialFuzzTest:
        // over TPC-H's 60,000 lines the two-thread plan passed 512 MB).
        String sql = "SELECT COUNT(*) FROM s.t a WHERE a.g <= (SELECT COUNT(*) FROM s.t b WHERE b.d > 0)";
        String plan = plan(sql);
        assertTrue(plan.contains("NestedLoopJoin") && plan.contains("ArrowAggregateScan"), plan);
        long limit = StatementMemory.defaultLimit();
        StatementMemory.useDefaultLimit(StatementMemory.MIN_LIMIT);
        try {
            for (int threads = 1; threads <= 2; threads++) {
                ExecutionOptions.set(ExecutionOptions.current().withThreads(threads));
                try (ResultSet rs = statement.executeQuery(sql)) {
                    assertTrue(rs.next());
                    // Every non-NULL g (i % 11 != 0 for i < 3000) is at most 6.
                    assertEquals(2727, rs.getLong(1), threads + " threads");
                }
            }
        } finally {
            StatementMemory.useDefaultLimit(limit);
        }
    }

    @Test
    void distinctCountAggregatesTheFusedGroups() throws SQLException {
        // COUNT(DISTINCT g) is a COUNT over the groups of g: the inner grouping is fused.
        assertSameAsRowPath("SELECT COUNT(DISTINCT g) FROM s.t");
    }

    @Test
    void unsupportedShapesKeepTheRowPlan() throws SQLException {
        for (String sql : List.of(
                "SELECT MIN(k) FROM s.t",
                "SELECT SUM(g) FILTER (WHERE b > 0) FROM s.t",
                "SELECT SUM(d / 2) FROM s.t",
                "SELECT g + 1, COUNT(*) FROM s.t GROUP BY g + 1",
                "SELECT SUM(d) FROM s.t WHERE d * 2 > 100")) {
            String plan = plan(sql);
            assertFalse(plan.contains("ArrowAggregateScan"), sql + "\n" + plan);
            rows(sql);
        }
    }

    @Test
    void explainNamesTheGroupsAndCalls() throws SQLException {
        String plan = plan("SELECT k, SUM(d * (1 - e)), COUNT(*) FROM s.t WHERE dt <= DATE '2024-01-20' GROUP BY k");
        assertTrue(plan.contains("ArrowAggregateScan(table=[[s, t]], group=[k], aggs=["), plan);
        assertTrue(plan.contains("filter=[<=($6, 2024-01-20)]"), plan);
    }

    @Test
    void havingOnExactResultsDropsGroupsBeforeTheirRowsWithTheRowPathsResult() throws SQLException {
        for (int threads : new int[] {1, 2}) {
            ExecutionOptions.set(ExecutionOptions.current().withThreads(threads));
            for (String sql : List.of(
                    "SELECT b, SUM(d) FROM s.t GROUP BY b HAVING SUM(d) > 500",
                    "SELECT g, COUNT(*), SUM(b) FROM s.t GROUP BY g HAVING COUNT(*) >= 200 AND SUM(g) < 0",
                    "SELECT k, COUNT(b) FROM s.t GROUP BY k HAVING 400 < COUNT(b)",
                    "SELECT dt, SUM(d) FROM s.t GROUP BY dt HAVING SUM(d) > 1000.5 AND SUM(d) <> 0",
                    "SELECT k, z, SUM(g) FROM s.t GROUP BY k, z HAVING SUM(g) = -6 OR COUNT(*) > 100",
                    "SELECT k, SUM(d) FROM s.t GROUP BY k HAVING MAX(dt) > DATE '2024-01-03' AND SUM(d) > 1000")) {
                List<List<Object>> rows = assertSameAsRowPath(sql);
                assertTrue(plan(sql).contains("ArrowAggregateScan"), sql);
                assertFalse(rows.isEmpty(), sql);
            }
        }
        String plan = plan("SELECT b, SUM(d) FROM s.t GROUP BY b HAVING SUM(d) > 500");
        assertTrue(plan.contains("groupFilter=[call0 > 500.00]"), plan);
        // A disjunction is not split: no group filter, the plain filter above.
        String or = plan("SELECT k, z, SUM(g) FROM s.t GROUP BY k, z HAVING SUM(g) = -6 OR COUNT(*) > 100");
        assertFalse(or.contains("groupFilter"), or);
        // MAX and DOUBLE sums are not tested early; the COUNT that SUM(f) > 1 implies is.
        String max = plan("SELECT k, MAX(b) FROM s.t GROUP BY k HAVING MAX(b) > 5 AND SUM(f) > 1");
        assertTrue(max.contains("aggs=[MAX($2), $SUM0($5), COUNT($5)], groupFilter=[call2 <> 0]"), max);
        assertSameAsRowPath("SELECT k, MAX(b) FROM s.t GROUP BY k HAVING MAX(b) > 5 AND SUM(f) > 1");
    }

    @Test
    void havingOnNullSumsDropsTheGroupLikeTheRowPath() throws SQLException, IOException {
        statement.execute("CREATE TABLE s.n (a INTEGER, d DECIMAL(10,2), x INTEGER NOT NULL)");
        // d is NULL where a is NULL (even i) and where i is a multiple of 3.
        load(
                "n",
                100,
                i -> (i % 2 == 0 ? "" : String.valueOf(i)) + "," + (i % 2 == 0 || i % 3 == 0 ? "" : "1.25") + ","
                        + (i % 5));
        List<List<Object>> rows = assertSameAsRowPath(
                "SELECT a, SUM(d), COUNT(*) FROM s.n WHERE x <> 1 GROUP BY a HAVING SUM(d) >= 0 AND COUNT(*) > 0");
        assertTrue(rows.size() > 10, rows.toString());
        for (List<Object> row : rows) {
            assertTrue(row.get(0) != null && (Integer) row.get(0) % 3 != 0, rows.toString());
        }
        assertEquals(
                0,
                assertSameAsRowPath("SELECT x, SUM(d) FROM s.n WHERE x > 10 GROUP BY x HAVING SUM(d) < 1")
                        .size());
    }

    @Test
    void manyDistinctKeysGroupLikeTheRowPathOnBothThreadCounts() throws SQLException, IOException {
        statement.execute("CREATE TABLE s.m (a BIGINT, b INTEGER, d DECIMAL(12,2))");
        for (int part = 0; part < 2; part++) {
            int base = part * 40_000;
            // Keys spaced like TPC-H order keys (8 of every 32), every second one twice.
            load(
                    "m",
                    40_000,
                    i -> ((base + i) / 8 * 32 + (base + i) % 8) / 2 * 2 + "," + (i % 3 == 0 ? "" : i % 97) + ","
                            + (i % 1000) + ".5");
        }
        for (int threads : new int[] {1, 2}) {
            ExecutionOptions.set(ExecutionOptions.current().withThreads(threads));
            assertEquals(
                    40_000,
                    assertSameAsRowPath("SELECT a, SUM(d), COUNT(*) FROM s.m GROUP BY a")
                            .size());
            assertSameAsRowPath("SELECT a, b, SUM(d) FROM s.m GROUP BY a, b HAVING SUM(d) > 900");
        }
    }
}
