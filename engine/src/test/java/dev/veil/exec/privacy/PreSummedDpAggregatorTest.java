package dev.veil.exec.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.linq4j.Linq4j;
import org.junit.jupiter.api.Test;

/**
 * {@link PreSummedDpAggregator}: over honest pre-summed rows it releases what {@link DpAggregator}
 * releases over the raw rows; over rows that lie (more rows than Linf, sums beyond what the bounds
 * allow, NaN, a (group, unit) twice, a unit in more than L0 groups) every unit's contribution is
 * still clamped in Veil. Noise that vanishes (epsilon 1e20) so the values are exact.
 */
class PreSummedDpAggregatorTest {
    private static final int LINF = 3;

    /** Raw rows: group, unit, value. */
    private static DpSpec rawSpec(int l0) {
        return new DpSpec(
                List.of(0),
                1,
                List.of(
                        DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)"),
                        new DpCall(DpCall.Kind.SUM, 2, -1, 0, 10, 0, false, "SUM(v)"),
                        new DpCall(DpCall.Kind.AVG, 2, -1, 0, 10, 0, false, "AVG(v)"),
                        new DpCall(DpCall.Kind.VAR_POP, 2, -1, 0, 10, 0, false, "VAR_POP(v)")),
                l0,
                LINF,
                false,
                1,
                1e20,
                0,
                "t");
    }

    /** The same aggregate over pre-summed rows: group, unit, then rows/sum/squares per call. */
    private static DpSpec summedSpec(int l0) {
        List<DpCall> calls = new ArrayList<>();
        List<DpCall> raw = rawSpec(l0).calls();
        for (int c = 0; c < raw.size(); c++) {
            DpCall call = raw.get(c);
            calls.add(new DpCall(
                    call.kind(),
                    2 + PreSummedDpAggregator.FIELDS_PER_CALL * c,
                    -1,
                    call.lower(),
                    call.upper(),
                    0,
                    call.integral(),
                    call.label()));
        }
        return new DpSpec(List.of(0), 1, calls, l0, LINF, false, 1, 1e20, 0, "t");
    }

    private static Object[] summed(String group, long unit, long rows, double sum, double squares) {
        Object[] row = new Object[2 + 4 * PreSummedDpAggregator.FIELDS_PER_CALL];
        row[0] = group;
        row[1] = unit;
        for (int c = 0; c < 4; c++) {
            row[2 + 3 * c] = rows;
            row[3 + 3 * c] = sum;
            row[4 + 3 * c] = squares;
        }
        return row;
    }

    private static List<Object[]> run(List<Object[]> rows, DpSpec spec) {
        List<Object[]> out = PreSummedDpAggregator.run(
                Linq4j.asEnumerable(rows),
                spec,
                new AtomicBoolean(),
                ExecutionContext.memory(null).account("test"),
                new SplittableRandom(7));
        out.sort(Comparator.comparing(r -> (String) r[0]));
        return out;
    }

    @Test
    void honestPreSumsReleaseWhatTheRawRowsRelease() {
        List<Object[]> raw = new ArrayList<>();
        List<Object[]> summed = new ArrayList<>();
        // Unit u of group a has u rows (values 2, 4, 6, ...), at most LINF of which count.
        for (long u = 1; u <= 5; u++) {
            double sum = 0;
            double squares = 0;
            for (int r = 0; r < u; r++) {
                double v = 2 * (r + 1);
                raw.add(new Object[] {"a", u, v});
                if (r < LINF) {
                    sum += v;
                    squares += (v - 5) * (v - 5);
                }
            }
            summed.add(summed("a", u, Math.min(u, LINF), sum, squares));
        }
        raw.add(new Object[] {"b", 9L, 6.0});
        summed.add(summed("b", 9L, 1, 6.0, 1.0));
        // The raw aggregator samples rows beyond the cap: keep each unit within it for an exact match.
        raw.removeIf(r -> ((Double) r[2]) > 2 * LINF);
        List<Object[]> expected = DpAggregator.run(Linq4j.asEnumerable(raw), rawSpec(5));
        expected.sort(Comparator.comparing(r -> (String) r[0]));
        List<Object[]> actual = run(summed, summedSpec(5));
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i)[0], actual.get(i)[0]);
            assertEquals(expected.get(i)[1], actual.get(i)[1], "count");
            for (int c = 2; c <= 4; c++) {
                assertEquals((Double) expected.get(i)[c], (Double) actual.get(i)[c], 1e-6, "call " + c);
            }
        }
        // Group a: 1 + 2 + 3 + 3 + 3 rows, sums 2 + 6 + 12 + 12 + 12.
        assertEquals(12L, actual.get(0)[1]);
        assertEquals(44.0, (Double) actual.get(0)[2], 1e-6);
    }

    @Test
    void lyingPreSumsAreClampedInVeil() {
        List<Object[]> rows = new ArrayList<>();
        for (long u = 1; u <= 10; u++) {
            // Far more rows than Linf, sums far beyond LINF * 10, squares far beyond LINF * 25.
            rows.add(summed("a", u, 1_000_000, 1e15, 1e15));
        }
        rows.add(summed("a", 11, -5, -1e15, -1e15)); // negative rows count as none
        rows.add(summed("a", 12, 2, Double.NaN, Double.NaN));
        rows.add(summed("a", 12, 2, Double.POSITIVE_INFINITY, 0)); // (a, 12) again: merged, then clamped
        List<Object[]> out = run(rows, summedSpec(1));
        assertEquals(1, out.size());
        Object[] a = out.get(0);
        // 11 units of at most LINF rows each (unit 11: none).
        assertEquals(11L * LINF, a[1]);
        // A unit's sum is within [rows * 0, rows * 10]: units 1..10 at the top, unit 12's NaN sum as 0.
        assertEquals(10 * LINF * 10, (Double) a[2], 1e-6);
        assertTrue((Double) a[3] >= 0 && (Double) a[3] <= 10, "mean " + a[3]);
        assertTrue((Double) a[4] >= 0 && (Double) a[4] <= 25 + 1e-6, "variance " + a[4]);
    }

    @Test
    void aUnitInMoreThanL0GroupsKeepsOnlyL0OfThemInVeil() {
        List<Object[]> rows = new ArrayList<>();
        for (String g : List.of("a", "b", "c", "d", "e")) {
            rows.add(summed(g, 1, 1, 5, 0));
        }
        List<Object[]> out = run(rows, summedSpec(2));
        long total = 0;
        for (Object[] row : out) {
            total += (Long) row[1];
        }
        assertEquals(2, total, "the unit counts in 2 groups only");
        assertEquals(2, out.size());
    }

    @Test
    void percentilesAndDataChosenBoundsNeedTheRawRows() {
        assertTrue(PreSummedDpAggregator.supports(rawSpec(1)));
        DpSpec percentile = new DpSpec(
                List.of(0),
                1,
                List.of(new DpCall(DpCall.Kind.PERCENTILE_CONT, 2, -1, 0, 10, 0.5, false, "PERCENTILE_CONT(v)")),
                1,
                LINF,
                false,
                1,
                1e20,
                0,
                "t");
        assertFalse(PreSummedDpAggregator.supports(percentile));
        assertFalse(PreSummedDpAggregator.supports(rawSpec(1).withAutoBounds(true)));
    }
}
