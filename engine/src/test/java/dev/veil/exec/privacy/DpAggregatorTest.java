package dev.veil.exec.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
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
        DpSpec spec = new DpSpec(
                List.of(),
                1,
                List.of(
                        DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)"),
                        new DpCall(DpCall.Kind.SUM, 2, -1, 0, 100, 0, false, "SUM(v)")),
                1,
                2,
                false,
                1,
                1e20,
                0,
                "t");
        List<Object[]> out = DpAggregator.run(Linq4j.asEnumerable(rows()), spec);
        assertEquals(1, out.size());
        assertEquals(9L, out.get(0)[0]);
        assertEquals(90.0, (Double) out.get(0)[1], 1e-6);
    }

    @Test
    void aUnitsRowsUpToTheCapAllCount() {
        // Units 1..4 have 3 rows each in group a, unit 5 one row in b: with a cap of 5 rows, all 13 count.
        DpSpec spec = new DpSpec(
                List.of(0),
                1,
                List.of(
                        DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)"),
                        new DpCall(DpCall.Kind.SUM, 2, -1, 0, 100, 0, false, "SUM(v)")),
                1,
                5,
                false,
                1,
                1e20,
                0,
                "t");
        List<Object[]> out = DpAggregator.run(Linq4j.asEnumerable(rows()), spec);
        assertEquals(2, out.size());
        for (Object[] row : out) {
            boolean a = row[0].equals("a");
            assertEquals(a ? 12L : 1L, row[1]);
            assertEquals(a ? 120.0 : 10.0, (Double) row[2], 1e-6);
        }
    }

    @Test
    void aKeptRowKeepsAllItsValuesTogether() {
        // 300 rows per (group, unit), values v and 2v: whichever rows the sample keeps, the second sum is twice the
        // first.
        List<Object[]> rows = new ArrayList<>();
        for (int r = 0; r < 300; r++) {
            for (long u = 1; u <= 3; u++) {
                rows.add(new Object[] {"g" + (r % 2), u, (double) r, 2.0 * r});
            }
        }
        DpSpec spec = new DpSpec(
                List.of(0),
                1,
                List.of(
                        new DpCall(DpCall.Kind.SUM, 2, -1, 0, 1000, 0, false, "SUM(v)"),
                        new DpCall(DpCall.Kind.SUM, 3, -1, 0, 1000, 0, false, "SUM(w)"),
                        DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)"),
                        new DpCall(DpCall.Kind.AVG, 2, -1, 0, 1000, 0, false, "AVG(v)")),
                2,
                37,
                false,
                1,
                1e20,
                0,
                "t");
        List<Object[]> out = DpAggregator.run(Linq4j.asEnumerable(rows), spec);
        assertEquals(2, out.size());
        for (Object[] row : out) {
            double v = (Double) row[1];
            assertEquals(2 * v, (Double) row[2], 1e-6);
            assertEquals(3 * 37L, row[3]);
            assertEquals(v / (3 * 37), (Double) row[4], 1e-6);
        }
    }

    @Test
    void eachUnitCountsInAtMostL0Groups() {
        // 10 units, each with rows in 5 groups: with L0 = 2, the groups hold 20 units in all.
        List<Object[]> rows = new ArrayList<>();
        for (long u = 1; u <= 10; u++) {
            for (int g = 0; g < 5; g++) {
                rows.add(new Object[] {g, u});
                rows.add(new Object[] {g, u});
            }
        }
        rows.add(new Object[] {0, null}); // a row of no unit counts for no group
        DpSpec spec = new DpSpec(
                List.of(0),
                1,
                List.of(
                        DpCall.count(DpCall.Kind.COUNT_UNITS, 1, -1, "COUNT(DISTINCT u)"),
                        DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)")),
                2,
                5,
                false,
                1,
                1e20,
                0,
                "t");
        List<Object[]> out = DpAggregator.run(Linq4j.asEnumerable(rows), spec);
        long units = 0;
        long lines = 0;
        for (Object[] row : out) {
            units += (Long) row[1];
            lines += (Long) row[2];
        }
        assertEquals(20, units);
        assertEquals(40, lines);
    }

    @Test
    void filtersAndNullsSkipRowsPerCall() {
        // group, unit, value (NULL in every third row), filter (TRUE on even rows)
        List<Object[]> rows = new ArrayList<>();
        for (int r = 0; r < 12; r++) {
            rows.add(new Object[] {"a", (long) r, r % 3 == 0 ? null : 5.0, r % 2 == 0});
        }
        DpSpec spec = new DpSpec(
                List.of(0),
                1,
                List.of(
                        DpCall.count(DpCall.Kind.COUNT_VALUES, 2, -1, "COUNT(v)"),
                        DpCall.count(DpCall.Kind.COUNT_ROWS, -1, 3, "COUNT(*) FILTER"),
                        new DpCall(DpCall.Kind.SUM, 2, 3, 0, 10, 0, false, "SUM(v) FILTER"),
                        new DpCall(DpCall.Kind.SUM, 2, -1, 0, 10, 0, false, "SUM(v)")),
                1,
                1,
                false,
                1,
                1e20,
                0,
                "t");
        List<Object[]> out = DpAggregator.run(Linq4j.asEnumerable(rows), spec);
        assertEquals(1, out.size());
        assertEquals(8L, out.get(0)[1]);
        assertEquals(6L, out.get(0)[2]);
        assertEquals(20.0, (Double) out.get(0)[3], 1e-6); // even rows with a value: 2, 4, 8, 10
        assertEquals(40.0, (Double) out.get(0)[4], 1e-6);
    }

    @Test
    void aPublicDomainReleasesItsGroupsOnly() {
        // Data in groups a and z; the domain is a and b (marker rows last): a and an empty b are released.
        List<Object[]> rows = new ArrayList<>();
        rows.add(new Object[] {"a", 1L, false});
        rows.add(new Object[] {"z", 2L, false});
        rows.add(new Object[] {"a", null, true});
        rows.add(new Object[] {"b", null, true});
        DpSpec spec = new DpSpec(
                List.of(0),
                1,
                List.of(DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)")),
                1,
                1,
                false,
                1,
                1e20,
                0,
                "t",
                2);
        List<String> out = new ArrayList<>();
        for (Object[] row : DpAggregator.run(Linq4j.asEnumerable(rows), spec)) {
            out.add(row[0] + "=" + row[1]);
        }
        assertEquals(List.of("a=1", "b=0"), out);
    }

    @Test
    void aCancelledAggregationStopsWithinAFewThousandRowsAndReleasesNothing() {
        DpSpec spec = new DpSpec(
                List.of(0),
                1,
                List.of(DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)")),
                1,
                5,
                false,
                1,
                1e20,
                0,
                "t");
        AtomicBoolean cancel = new AtomicBoolean();
        long[] read = {0};
        // Endless rows; the flag is set after 10,000 of them.
        Enumerable<Object[]> endless = new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                return Linq4j.iterableEnumerator(() -> new java.util.Iterator<Object[]>() {
                    @Override
                    public boolean hasNext() {
                        return true;
                    }

                    @Override
                    public Object[] next() {
                        if (++read[0] == 10_000) {
                            cancel.set(true);
                        }
                        return new Object[] {"g" + (read[0] % 7), read[0], 1.0};
                    }
                });
            }
        };
        VeilException e = assertThrows(VeilException.class, () -> DpAggregator.run(endless, spec, cancel));
        assertEquals(ErrorCode.QUERY_CANCELLED, e.errorCode());
        assertEquals(true, read[0] < 10_000 + 5_000, "read " + read[0] + " rows after the cancel");
        // Cancelled after all rows are read but before release: still nothing comes out.
        AtomicBoolean late = new AtomicBoolean(true);
        assertThrows(VeilException.class, () -> DpAggregator.run(Linq4j.asEnumerable(rows()), spec, late));
    }

    /** One global aggregate of {@code call} over the rows of units 0..n-1, each with value its id. */
    private static DpSpec global(DpCall call) {
        return new DpSpec(List.of(), 1, List.of(call), 1, 1, false, 1, 1e20, 0, "t");
    }

    private static List<Object[]> ramp(int n) {
        List<Object[]> rows = new ArrayList<>();
        for (long u = 0; u < n; u++) {
            rows.add(new Object[] {"a", u, (double) u});
        }
        return rows;
    }

    @Test
    void percentileContFindsTheMedian() {
        DpCall median = new DpCall(DpCall.Kind.PERCENTILE_CONT, 2, -1, 0, 1000, 0.5, false, "PERCENTILE_CONT", true);
        List<Object[]> out = DpAggregator.run(Linq4j.asEnumerable(ramp(1001)), global(median));
        assertEquals(500.0, (Double) out.get(0)[0], 0.0);
        double low = (Double) out.get(0)[1];
        double high = (Double) out.get(0)[2];
        assertEquals(true, low <= 500 && 500 <= high, low + " .. " + high);
    }

    @Test
    void aPercentilesKeptValuesAreAccountedToTheStatement() {
        int n = 200_000;
        DpCall sum = new DpCall(DpCall.Kind.SUM, 2, -1, 0, 1e6, 0, false, "SUM");
        DpCall median = new DpCall(DpCall.Kind.PERCENTILE_CONT, 2, -1, 0, 1e6, 0.5, false, "PERCENTILE_CONT");
        long[] peaks = new long[2];
        DpCall[] calls = {sum, median};
        for (int i = 0; i < 2; i++) {
            try (dev.veil.control.StatementMemory memory = new dev.veil.control.StatementMemory(
                    1L << 30, "test", new dev.veil.control.MemoryPool(1L << 31, java.time.Duration.ofSeconds(1)))) {
                DpAggregator.run(
                        Linq4j.asEnumerable(ramp(n)),
                        global(calls[i]),
                        new AtomicBoolean(),
                        memory.account("a differentially private aggregation"));
                peaks[i] = memory.peak();
            }
        }
        // The percentile keeps each of its values (8 bytes) beside the cells.
        assertEquals(true, peaks[1] - peaks[0] >= 8L * n, peaks[0] + " vs " + peaks[1]);
    }

    @Test
    void theDenseAndHashedCellIndexesKeepTheSameRowsWithTheSameSampler() {
        // 200 units with 1..4 rows in each of up to 40 groups (rows interleaved): L0 = 3 and Linf = 2 sample both.
        List<Object[]> rows = new ArrayList<>();
        for (int r = 0; r < 4; r++) {
            for (long u = 1; u <= 200; u++) {
                for (int g = 0; g < 40; g++) {
                    if ((u * 7 + g) % 5 != 0 && r <= (u + g) % 4) {
                        rows.add(new Object[] {g, u, (double) ((u * 31 + g * 17 + r * 5) % 100)});
                    }
                }
            }
        }
        DpSpec spec = new DpSpec(
                List.of(0),
                1,
                List.of(
                        new DpCall(DpCall.Kind.SUM, 2, -1, 0, 100, 0, false, "SUM(v)"),
                        DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)")),
                3,
                2,
                false,
                1,
                1e20,
                0,
                "t");
        java.util.function.IntFunction<List<Object[]>> run = denseGroups -> DpAggregator.run(
                Linq4j.asEnumerable(rows),
                spec,
                new java.util.concurrent.atomic.AtomicBoolean(),
                dev.veil.exec.runtime.ExecutionContext.memory(null).account("test"),
                new java.util.SplittableRandom(20261206),
                denseGroups);
        List<Object[]> hashed = run.apply(0);
        // All 40 groups dense, 8 dense then moved to the hash mid-way, and one group wide then moved.
        for (int denseGroups : new int[] {64, DpAggregator.DENSE_GROUPS, 8, 1}) {
            List<Object[]> other = run.apply(denseGroups);
            assertEquals(hashed.size(), other.size());
            for (int i = 0; i < hashed.size(); i++) {
                assertEquals(hashed.get(i)[0], other.get(i)[0]);
                assertEquals((Double) hashed.get(i)[1], (Double) other.get(i)[1], 1e-6, "group " + i);
                assertEquals(hashed.get(i)[2], other.get(i)[2], "group " + i);
            }
        }
        // The sampler decides: another seed keeps other rows.
        List<Object[]> reseeded = DpAggregator.run(
                Linq4j.asEnumerable(rows),
                spec,
                new java.util.concurrent.atomic.AtomicBoolean(),
                dev.veil.exec.runtime.ExecutionContext.memory(null).account("test"),
                new java.util.SplittableRandom(7),
                DpAggregator.DENSE_GROUPS);
        boolean differs = false;
        for (int i = 0; i < hashed.size(); i++) {
            differs |= Math.abs((Double) hashed.get(i)[1] - (Double) reseeded.get(i)[1]) > 0.5;
        }
        assertTrue(differs, "another seed samples other rows");
    }
}
