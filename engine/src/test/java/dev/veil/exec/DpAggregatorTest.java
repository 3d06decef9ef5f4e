package dev.veil.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.linq4j.Linq4j;
import org.junit.jupiter.api.Test;

/** {@link DpAggregator} on rows in memory, with noise that vanishes (epsilon 1e20). */
class DpAggregatorTest {
    private static List<Object[]> rows() {
        List<Object[]> rows = new ArrayList<>();
        // unit u in group g with value v: units 1..4 in group "a" with 3 rows each, unit 5 in "b" with 1 row.
        for (long u = 1; u <= 4; u++) {
            for (int r = 0; r < 3; r++) {
                rows.add(new Object[] {"a", u, 10.0});
            }
        }
        rows.add(new Object[] {"b", 5L, 10.0});
        return rows;
    }

    @Test
    void countsAreCappedPerUnitAndGroup() {
        DpSpec spec = new DpSpec(List.of(), 1, List.of(DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)"),
                new DpCall(DpCall.Kind.SUM, 2, -1, 0, 100, 0, false, "SUM(v)")), 1, 2, false, 1, 1e20, 0, "t");
        List<Object[]> out = DpAggregator.run(Linq4j.asEnumerable(rows()), spec);
        assertEquals(1, out.size());
        assertEquals(9L, out.get(0)[0]);
        assertEquals(90.0, (Double) out.get(0)[1], 1e-6);
    }

    @Test
    void aUnitsRowsUpToTheCapAllCount() {
        // Units 1..4 have 3 rows each in group a, unit 5 one row in b: with a cap of 5 rows, all 13 count.
        DpSpec spec = new DpSpec(List.of(0), 1, List.of(DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)"),
                new DpCall(DpCall.Kind.SUM, 2, -1, 0, 100, 0, false, "SUM(v)")), 1, 5, false, 1, 1e20, 0, "t");
        List<Object[]> out = DpAggregator.run(Linq4j.asEnumerable(rows()), spec);
        assertEquals(2, out.size());
        for (Object[] row : out) {
            boolean a = row[0].equals("a");
            assertEquals(a ? 12L : 1L, row[1]);
            assertEquals(a ? 120.0 : 10.0, (Double) row[2], 1e-6);
        }
    }
}
