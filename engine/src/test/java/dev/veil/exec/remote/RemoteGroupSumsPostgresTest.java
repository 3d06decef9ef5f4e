package dev.veil.exec.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.veil.catalog.RemoteKind;
import dev.veil.dp.StepGrid;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * {@link RemoteGroupSums} in a real PostgreSQL: a unit's steps equal Java's ({@link
 * StepGrid#unitSteps}) on the edge values (NaN, infinities, halves, values past the bounds), and the
 * per-group statement over per-(group, unit) rows sums the units' rows and steps exactly, past
 * what a BIGINT holds.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RemoteGroupSumsPostgresTest {
    private PostgresServer postgres;

    @BeforeAll
    void setUp() throws Exception {
        postgres = PostgresServer.startOrSkip();
    }

    @AfterAll
    void tearDown() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void unitStepsEqualJavasOnEdgeValues() throws SQLException {
        StepGrid grid = new StepGrid(0.25, -8, 80);
        String[] sums = {
            "0",
            "0.125",
            "0.375",
            "0.625",
            "-0.125",
            "-0.375",
            "1.1",
            "3.0625",
            "19.875",
            "20.125",
            "-1.875",
            "-2.125",
            "1e300",
            "-1e300",
            "NaN",
            "Infinity",
            "-Infinity",
            "4.999999999999999"
        };
        StringBuilder values = new StringBuilder();
        List<Long> expected = new ArrayList<>();
        for (long rows : new long[] {0, 1, 3, 7}) {
            for (String s : sums) {
                values.append(values.length() == 0 ? "" : ", ")
                        .append("(")
                        .append(expected.size())
                        .append(", CAST(")
                        .append(rows)
                        .append(" AS BIGINT), CAST('")
                        .append(s)
                        .append("' AS DOUBLE PRECISION))");
                expected.add(grid.unitSteps(rows, Double.parseDouble(s)));
            }
        }
        String sql = "SELECT " + RemoteGroupSums.steps(RemoteKind.POSTGRESQL, grid, "\"r\"", "\"s\"") + " FROM (VALUES "
                + values + ") AS t (\"i\", \"r\", \"s\") ORDER BY \"i\"";
        List<Long> actual = new ArrayList<>();
        for (Object[] row : rows(sql)) {
            actual.add(((Number) row[0]).longValue());
        }
        assertEquals(expected, actual);
    }

    @Test
    void perGroupStatementSumsUnitsExactlyPastBigint() throws SQLException {
        // Group 'a': 3,000 units of 2 rows (one claims 9, capped at Linf 2), each adding 4e12 * 1024 steps
        // (grid 1/1024), 1.2288e19 in all, past a BIGINT; group 'b': one unit of 0.5, 512 steps.
        DpSpec spec = new DpSpec(
                List.of(0),
                1,
                List.of(
                        new DpCall(DpCall.Kind.COUNT_ROWS, -1, -1, 0, 0, 0, true, "n", false, Double.NaN, Double.NaN),
                        new DpCall(DpCall.Kind.SUM, 5, -1, 0, 1e13, 0, false, "s", false, Double.NaN, Double.NaN)),
                3,
                2,
                true,
                1,
                1.0,
                1e-5,
                "t",
                -1,
                -1);
        StepGrid grid = new StepGrid(0x1p-10, 0, (long) (1e13 * 1024));
        String perUnit = "SELECT 'a', g, CASE WHEN g = 7 THEN 9 ELSE 2 END, CAST(NULL AS DOUBLE PRECISION),"
                + " CAST(NULL AS DOUBLE PRECISION), 2, CAST(4e12 AS DOUBLE PRECISION), CAST(NULL AS DOUBLE PRECISION)"
                + " FROM generate_series(1, 3000) AS g"
                + " UNION ALL SELECT 'b', 1, 1, NULL, NULL, 1, 0.5, NULL";
        String sql =
                RemoteGroupSums.sql(RemoteKind.POSTGRESQL, perUnit, spec, Arrays.asList(null, grid)) + " ORDER BY 1";
        List<Object[]> rows = rows(sql);
        assertEquals(2, rows.size());
        assertEquals("a", rows.get(0)[0]);
        assertEquals(3000L, ((Number) rows.get(0)[1]).longValue());
        assertEquals(6000L, ((Number) rows.get(0)[2]).longValue());
        assertEquals(0, new BigDecimal("12288000000000000000").compareTo((BigDecimal) rows.get(0)[6]));
        assertEquals(3000L, ((Number) rows.get(0)[7]).longValue());
        assertEquals(0, new BigDecimal("512").compareTo((BigDecimal) rows.get(1)[6]));
    }

    private List<Object[]> rows(String sql) throws SQLException {
        List<Object[]> rows = new ArrayList<>();
        try (Connection c = postgres.connect();
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] row = new Object[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                rows.add(row);
            }
        }
        return rows;
    }
}
