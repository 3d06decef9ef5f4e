package dev.veil.exec.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.RemoteKind;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.calcite.sql.type.SqlTypeName;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Trino's one-aggregation form of the remote contribution bounding
 * ({@link RemoteContributionBounds#aggregatedSql}) against the reference, the window form
 * ({@code ROW_NUMBER} per (group, unit) and {@code DENSE_RANK} per unit over every row, summed per
 * (group, unit) by {@link RemoteContributionBounds#preSummedSql}), in a real Trino under the same
 * key: over a table whose units have cells of more rows than Linf, more groups than L0, NULL values
 * and rows repeated exactly, both return the same rows and sums, with group keys, with two and
 * without any. Another key chooses other rows (the key decides, not the table's order).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteContributionBoundsTrinoTest {
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
        // its rows of group g0 exactly three times more; one row has no unit.
        String rows = "SELECT 'g' || CAST(gi AS VARCHAR) AS g, CAST(u AS BIGINT) AS u,"
                + " IF(r % 11 = 0, NULL, CAST((u * 37 + r * 13 + gi) % 101 AS DOUBLE) / 4) AS v,"
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
            long units = actual.stream().map(r -> r.get(keys.size())).distinct().count();
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

    /** The rows of {@code sql} with every {@code ?} bound to {@code key}, sorted. */
    private List<List<Object>> rows(String sql, String key) throws SQLException {
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
        rows.sort(Comparator.comparing(Object::toString));
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
