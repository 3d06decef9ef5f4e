package dev.veil.exec.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.RemoteKind;
import dev.veil.dp.StepGrid;
import dev.veil.exec.privacy.GroupSummedDpAggregator;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The remote contribution bounding's statements in a real Trino (one server for both groups of
 * tests), over one table whose units have cells of more rows than Linf, more groups than L0, NULL
 * values, values negative and past the bounds, rows repeated exactly and one row without a unit.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteContributionTrinoTest {
    private static final String KEY = "00112233445566778899aabbccddeeff";
    private static final String OTHER_KEY = "ffeeddccbbaa99887766554433221100";
    private static final int MAX_ROWS = 7;
    private static final int MAX_GROUPS = 3;
    private static final String INNER = "SELECT g, u, v, w, f, d FROM memory.default.contrib";
    private static final List<SqlTypeName> TYPES = List.of(
            SqlTypeName.VARCHAR,
            SqlTypeName.BIGINT,
            SqlTypeName.DOUBLE,
            SqlTypeName.INTEGER,
            SqlTypeName.BOOLEAN,
            SqlTypeName.DECIMAL);

    private TrinoServer trino;

    @BeforeAll
    void setUp() throws Exception {
        trino = TrinoGate.start(0);
        // Unit u is in 1 + u % 10 groups, with up to 25 rows in each; every fourth unit repeats
        // its rows of group g0 exactly three times more; one row has no unit; v is also negative
        // and past the bounds.
        String rows = "SELECT 'g' || CAST(gi AS VARCHAR) AS g, CAST(u AS BIGINT) AS u,"
                + " IF(r % 11 = 0, NULL, CAST((u * 37 + r * 13 + gi) % 101 AS DOUBLE) / 4 - 3) AS v,"
                + " CAST((r * 7 + u) % 5 AS INTEGER) AS w, (r + u) % 3 <> 0 AS f,"
                + " CAST(((u * r) % 997) / 10.0 AS DECIMAL(10, 2)) AS d"
                + " FROM UNNEST(sequence(1, 40)) AS t1 (u) CROSS JOIN UNNEST(sequence(0, 9)) AS t2 (gi)"
                + " CROSS JOIN UNNEST(sequence(1, 25)) AS t3 (r)"
                + " WHERE gi <= u % 10 AND r <= 1 + (u * 7 + gi * 3) % 25";
        trino.execute("CREATE TABLE memory.default.contrib AS " + rows + " UNION ALL SELECT r.* FROM (" + rows
                + ") AS r CROSS JOIN UNNEST(sequence(1, 3)) AS k (n) WHERE r.g = 'g0' AND r.u % 4 = 0"
                + " UNION ALL SELECT 'g0', NULL, 1.0, 1, true, 1.00");
    }

    @AfterAll
    void tearDown() {
        if (trino != null) {
            trino.close();
        }
    }

    @Test
    void theTableHasCellsOverLinfAndUnitsOverL0() throws SQLException {
        List<List<Object>> big = rows(
                "SELECT max(n), count_if(n > " + MAX_ROWS + ") FROM (SELECT count(*) AS n FROM memory.default.contrib"
                        + " WHERE u IS NOT NULL GROUP BY g, u)",
                KEY);
        assertTrue(((Number) big.get(0).get(0)).longValue() > 3 * MAX_ROWS, big.toString());
        assertTrue(((Number) big.get(0).get(1)).longValue() > 20, big.toString());
        List<List<Object>> wide = rows(
                "SELECT count_if(n > " + MAX_GROUPS + ") FROM (SELECT count(DISTINCT g) AS n"
                        + " FROM memory.default.contrib GROUP BY u)",
                KEY);
        assertTrue(((Number) wide.get(0).get(0)).longValue() > 10, wide.toString());
    }

    /**
     * Trino's one-aggregation form of the bounding ({@link RemoteContributionBounds#aggregatedSql})
     * against the reference, the window form ({@code ROW_NUMBER} per (group, unit) and
     * {@code DENSE_RANK} per unit over every row, summed per (group, unit) by
     * {@link RemoteContributionBounds#preSummedSql}), under the same key: both return the same rows
     * and sums, with group keys, with two and without any. Another key chooses other rows (the key
     * decides, not the table's order).
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OneAggregation {
        private static DpSpec spec(List<Integer> groupKeys) {
            List<DpCall> calls = List.of(
                    new DpCall(DpCall.Kind.COUNT_ROWS, -1, -1, 0, 0, 0, true, "n", false, Double.NaN, Double.NaN),
                    new DpCall(DpCall.Kind.COUNT_VALUES, 2, -1, 0, 0, 0, true, "nv", false, Double.NaN, Double.NaN),
                    new DpCall(DpCall.Kind.SUM, 2, 4, 0, 20, 0, false, "s", false, Double.NaN, Double.NaN),
                    new DpCall(DpCall.Kind.VAR_POP, 3, -1, 0, 4, 0, false, "var", false, Double.NaN, Double.NaN),
                    new DpCall(DpCall.Kind.AVG, 5, -1, 0, 50, 0, false, "avg", false, Double.NaN, Double.NaN));
            return new DpSpec(groupKeys, 1, calls, MAX_GROUPS, MAX_ROWS, true, 1, 1.0, 1e-5, "contrib", -1, -1);
        }

        private static String reference(DpSpec spec) {
            String bounded = RemoteContributionBounds.sql(
                    RemoteKind.TRINO, INNER, TYPES, spec.groupKeys(), 1, MAX_ROWS, spec.groupsPerUnit());
            return RemoteContributionBounds.preSummedSql(RemoteKind.TRINO, bounded, spec);
        }

        @Test
        void oneAggregationKeepsTheRowsAndGroupsOfTheWindowForm() throws SQLException {
            for (List<Integer> keys : List.of(List.of(0), List.of(0, 3), List.<Integer>of())) {
                DpSpec spec = spec(keys);
                String fast = RemoteContributionBounds.aggregatedSql(INNER, TYPES, spec);
                assertFalse(fast.contains("ROW_NUMBER"), fast);
                List<List<Object>> expected = rows(reference(spec), KEY);
                List<List<Object>> actual = rows(fast, KEY);
                assertFalse(expected.isEmpty());
                assertSame(expected, actual, "group keys " + keys);
                // Every unit keeps at most L0 cells, each at most Linf rows.
                for (List<Object> row : actual) {
                    assertTrue(((Number) row.get(keys.size() + 1)).longValue() <= MAX_ROWS, row.toString());
                }
                long units =
                        actual.stream().map(r -> r.get(keys.size())).distinct().count();
                assertTrue(actual.size() <= units * spec.groupsPerUnit());
            }
        }

        @Test
        void anotherKeyChoosesOtherRows() throws SQLException {
            DpSpec spec = spec(List.of(0));
            String fast = RemoteContributionBounds.aggregatedSql(INNER, TYPES, spec);
            List<List<Object>> one = rows(fast, KEY);
            List<List<Object>> other = rows(fast, OTHER_KEY);
            assertSame(rows(reference(spec), OTHER_KEY), other, "other key");
            assertNotEquals(one.toString(), other.toString());
        }
    }

    /**
     * The per-group statement of the remote pre-aggregation ({@link RemoteGroupSums}) against the
     * per-(group, unit) path: the per-(group, unit) rows are fetched and turned into each group's
     * pre-noise totals in Java exactly as the pre-summed aggregate reads them (rows capped at Linf,
     * each unit's total in grid steps by {@link StepGrid#unitSteps}), and the per-group statement
     * over the same rows under the same key returns the same integers: units, rows, steps and units
     * with a row per call, with one group key, two, and none. The steps formula itself equals Java's
     * on the edge values (NaN, infinities, halves, values past the bounds).
     */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class GroupSums {
        /** The raw spec: counts, a filtered sum of v in [0, 20], an average of d in [0, 50]; epsilon 1e-8 makes the grids coarse (1/4, 1/16). */
        private static DpSpec spec(List<Integer> groupKeys, double epsilon) {
            List<DpCall> calls = List.of(
                    new DpCall(DpCall.Kind.COUNT_ROWS, -1, -1, 0, 0, 0, true, "n", false, Double.NaN, Double.NaN),
                    new DpCall(DpCall.Kind.COUNT_VALUES, 2, -1, 0, 0, 0, true, "nv", false, Double.NaN, Double.NaN),
                    new DpCall(DpCall.Kind.SUM, 2, 4, 0, 20, 0, false, "s", false, Double.NaN, Double.NaN),
                    new DpCall(DpCall.Kind.AVG, 5, -1, 0, 50, 0, false, "avg", false, Double.NaN, Double.NaN),
                    new DpCall(DpCall.Kind.COUNT_UNITS, 2, -1, 0, 0, 0, true, "units", false, Double.NaN, Double.NaN));
            return new DpSpec(groupKeys, 1, calls, MAX_GROUPS, MAX_ROWS, true, 1, epsilon, 1e-5, "contrib", -1, -1);
        }

        @Test
        void perGroupTotalsEqualThoseOfThePerUnitRows() throws SQLException {
            for (double epsilon : new double[] {1.0, 1e-8}) {
                for (List<Integer> keys : List.of(List.of(0), List.of(0, 3), List.<Integer>of())) {
                    DpSpec summed = RemoteContributionBounds.preSummedSpec(spec(keys, epsilon));
                    List<StepGrid> grids = GroupSummedDpAggregator.grids(summed);
                    assertNotNull(grids);
                    assertTrue(RemoteGroupSums.fits(summed, grids), grids.toString());
                    String perUnit = RemoteContributionBounds.aggregatedSql(INNER, TYPES, spec(keys, epsilon));
                    String perGroup = RemoteGroupSums.sql(RemoteKind.TRINO, perUnit, summed, grids);
                    Map<String, List<Object>> expected = fromUnits(rowsInOrder(perUnit, KEY), summed, grids);
                    Map<String, List<Object>> actual = new TreeMap<>();
                    for (List<Object> row : rowsInOrder(perGroup, KEY)) {
                        List<Object> values = new ArrayList<>();
                        for (Object v : row.subList(keys.size(), row.size())) {
                            values.add(v == null ? BigInteger.ZERO : whole(v));
                        }
                        actual.put(row.subList(0, keys.size()).toString(), values);
                    }
                    assertFalse(expected.isEmpty());
                    assertEquals(expected, actual, "group keys " + keys + ", epsilon " + epsilon);
                }
            }
        }

        @Test
        void unitStepsEqualJavasOnEdgeValues() throws SQLException {
            StepGrid grid = new StepGrid(0.25, -8, 80);
            double[] sums = {
                0,
                0.125,
                0.375,
                0.625,
                -0.125,
                -0.375,
                1.1,
                3.0625,
                19.875,
                20.125,
                -1.875,
                -2.125,
                1e300,
                -1e300,
                Double.NaN,
                Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY,
                4.999999999999999,
                0.12499999999999999
            };
            StringBuilder values = new StringBuilder();
            List<Long> expected = new ArrayList<>();
            for (long rows : new long[] {0, 1, 3, 7}) {
                for (double s : sums) {
                    values.append(values.length() == 0 ? "" : ", ")
                            .append("(")
                            .append(expected.size())
                            .append(", BIGINT '")
                            .append(rows)
                            .append("', ")
                            .append(
                                    Double.isNaN(s)
                                            ? "nan()"
                                            : Double.isInfinite(s)
                                                    ? (s > 0 ? "infinity()" : "-infinity()")
                                                    : "CAST(" + s + " AS DOUBLE)")
                            .append(")");
                    expected.add(grid.unitSteps(rows, s));
                }
            }
            String sql = "SELECT " + RemoteGroupSums.steps(RemoteKind.TRINO, grid, "\"r\"", "\"s\"") + " FROM (VALUES "
                    + values + ") AS t (\"i\", \"r\", \"s\") ORDER BY \"i\"";
            List<Long> actual = new ArrayList<>();
            for (List<Object> row : rowsInOrder(sql, KEY)) {
                actual.add(((Number) row.get(0)).longValue());
            }
            assertEquals(expected, actual);
        }

        /** Each group's totals computed in Java from the per-(group, unit) rows, as the pre-summed aggregate reads them. */
        private static Map<String, List<Object>> fromUnits(
                List<List<Object>> rows, DpSpec summed, List<StepGrid> grids) {
            int keys = summed.groupKeys().size();
            int calls = summed.calls().size();
            Map<String, List<Object>> groups = new TreeMap<>();
            for (List<Object> row : rows) {
                List<Object> totals =
                        groups.computeIfAbsent(row.subList(0, keys).toString(), k -> {
                            List<Object> zero = new ArrayList<>();
                            for (int i = 0; i < 1 + 3 * calls; i++) {
                                zero.add(BigInteger.ZERO);
                            }
                            return zero;
                        });
                totals.set(0, ((BigInteger) totals.get(0)).add(BigInteger.ONE));
                for (int c = 0; c < calls; c++) {
                    int at = keys + 1 + 3 * c;
                    long unitRows = Math.max(0, Math.min(MAX_ROWS, ((Number) row.get(at)).longValue()));
                    double sum = row.get(at + 1) == null ? 0 : ((Number) row.get(at + 1)).doubleValue();
                    totals.set(1 + 3 * c, ((BigInteger) totals.get(1 + 3 * c)).add(BigInteger.valueOf(unitRows)));
                    if (grids.get(c) != null) {
                        long steps = grids.get(c).unitSteps(unitRows, sum);
                        totals.set(2 + 3 * c, ((BigInteger) totals.get(2 + 3 * c)).add(BigInteger.valueOf(steps)));
                    }
                    if (unitRows > 0) {
                        totals.set(3 + 3 * c, ((BigInteger) totals.get(3 + 3 * c)).add(BigInteger.ONE));
                    }
                }
            }
            return groups;
        }

        private static BigInteger whole(Object v) {
            return v instanceof BigDecimal d ? d.toBigIntegerExact() : BigInteger.valueOf(((Number) v).longValue());
        }
    }

    /** The rows of {@code sql} with every {@code ?} bound to {@code key}, sorted. */
    private List<List<Object>> rows(String sql, String key) throws SQLException {
        List<List<Object>> rows = rowsInOrder(sql, key);
        rows.sort(Comparator.comparing(Object::toString));
        return rows;
    }

    /** The rows of {@code sql} with every {@code ?} bound to {@code key}. */
    private List<List<Object>> rowsInOrder(String sql, String key) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Connection c = trino.connect();
                PreparedStatement s = c.prepareStatement(sql)) {
            int params = (int) sql.chars().filter(ch -> ch == '?').count();
            for (int i = 1; i <= params; i++) {
                s.setString(i, key);
            }
            try (ResultSet rs = s.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>();
                    for (int i = 1; i <= columns; i++) {
                        row.add(rs.getObject(i));
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    /** Equal rows; sums of doubles within a relative 1e-9 (Trino adds them in no fixed order). */
    private static void assertSame(List<List<Object>> expected, List<List<Object>> actual, String message) {
        assertEquals(expected.size(), actual.size(), message);
        for (int r = 0; r < expected.size(); r++) {
            List<Object> e = expected.get(r);
            List<Object> a = actual.get(r);
            assertEquals(e.size(), a.size(), message);
            for (int i = 0; i < e.size(); i++) {
                if (e.get(i) instanceof Double x && a.get(i) instanceof Double y) {
                    assertEquals(x, y, 1e-9 * Math.max(1, Math.abs(x)), message + "\n" + e + "\n" + a);
                } else {
                    assertEquals(e.get(i), a.get(i), message + "\n" + e + "\n" + a);
                }
            }
        }
    }
}
