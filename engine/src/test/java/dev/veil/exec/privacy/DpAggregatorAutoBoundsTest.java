package dev.veil.exec.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.dp.StochasticDpTester;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.function.DoubleSupplier;
import org.apache.calcite.linq4j.Linq4j;
import org.junit.jupiter.api.Test;

/**
 * The {@code CONTRIBUTION BOUNDS AUTO} path through {@link DpAggregator} (row sampling per unit
 * and group, group sampling per unit, one contribution per unit and group, the bound chosen per
 * group): exact at a huge epsilon, and ε-DP on neighbouring inputs (statistically, with the
 * stochastic tester of {@code dev.veil.dp}; the tester's negative control for a bound chosen without
 * noise is in {@code AutoBoundedSumTest}).
 */
class DpAggregatorAutoBoundsTest {
    /** Fewer samples than the tester's own tests: each is a whole aggregation (about 1 ms under load). */
    private static final int SAMPLES = 20_000;

    private static final double EPSILON = 1;

    private static DpSpec spec(List<Integer> keys, int groupsPerUnit, double epsilon) {
        return new DpSpec(
                        keys,
                        1,
                        List.of(DpCall.count(DpCall.Kind.COUNT_ROWS, -1, -1, "COUNT(*)")),
                        groupsPerUnit,
                        8,
                        false,
                        1,
                        epsilon,
                        0,
                        "t")
                .withAutoBounds(true);
    }

    /** Rows {group, unit}: 30 light units (one row in each group) and {@code heavy} units of 12 rows in each. */
    private static List<Object[]> rows(long heavy, List<String> groups) {
        List<Object[]> rows = new ArrayList<>();
        long unit = 0;
        for (int u = 0; u < 30; u++, unit++) {
            for (String group : groups) {
                rows.add(new Object[] {group, unit});
            }
        }
        for (long u = 0; u < heavy; u++, unit++) {
            for (String group : groups) {
                for (int r = 0; r < 12; r++) {
                    rows.add(new Object[] {group, unit});
                }
            }
        }
        return rows;
    }

    @Test
    void atAHugeEpsilonNothingIsTruncated() {
        // Heavy units keep 8 of their 12 rows (the declared bound); the bound chosen is 8, the
        // smallest candidate at or above every contribution.
        List<Object[]> out =
                DpAggregator.run(Linq4j.asEnumerable(rows(5, List.of("a", "b"))), spec(List.of(0), 2, 1e20));
        assertEquals(2, out.size());
        for (Object[] row : out) {
            assertEquals(30L + 5 * 8, row[1]);
        }
    }

    /** The count's noise bound (which tells the bound chosen) as a power of two, then the count in buckets of 4. */
    private static double encode(Object[] row, int offset) {
        long value = (Long) row[offset + 1];
        double high = (Double) row[offset + 3];
        long scale = Math.round(Math.log(Math.max(1, high - value)) / Math.log(2));
        return scale * 1000 + Math.max(-100, Math.min(400, Math.floorDiv(value, 4)));
    }

    @Test
    void aGlobalCountIsEpsilonDpOnNeighbours() {
        // Threshold of the choice at epsilon 1/4: about 15 units; 15 heavy units on one side, 16 on the other.
        long heavy = 15;
        DpSpec spec = spec(List.of(), 1, EPSILON);
        DoubleSupplier first = () -> encode(
                DpAggregator.run(Linq4j.asEnumerable(rows(heavy, List.of("a"))), spec)
                        .get(0),
                -1);
        DoubleSupplier second = () -> encode(
                DpAggregator.run(Linq4j.asEnumerable(rows(heavy + 1, List.of("a"))), spec)
                        .get(0),
                -1);
        StochasticDpTester.Result result =
                StochasticDpTester.test(first, second, x -> (long) Math.floor(x), SAMPLES, EPSILON, 0);
        assertTrue(result.passes(), result.toString());
    }

    @Test
    void groupedCountsAreEpsilonDpOnNeighboursWhoseUnitIsInTwoGroups() {
        // L0 = 2: the extra unit is heavy in both groups; the output is both groups' bounds and counts.
        // The histogram's noise doubles (scale 8), its threshold is about 30 units.
        long heavy = 30;
        DpSpec spec = spec(List.of(0), 2, EPSILON);
        DoubleSupplier first = () -> both(DpAggregator.run(Linq4j.asEnumerable(rows(heavy, List.of("a", "b"))), spec));
        DoubleSupplier second =
                () -> both(DpAggregator.run(Linq4j.asEnumerable(rows(heavy + 1, List.of("a", "b"))), spec));
        StochasticDpTester.Result result =
                StochasticDpTester.test(first, second, x -> (long) Math.floor(x), SAMPLES, EPSILON, 0);
        assertTrue(result.passes(), result.toString());
    }

    /** Both groups' noise bounds, and the first group's count in buckets of 16. */
    private static double both(List<Object[]> out) {
        double a = encode(out.get(0), 0);
        double b = encode(out.get(1), 0);
        long scaleA = (long) Math.floor(a / 1000);
        long scaleB = (long) Math.floor(b / 1000);
        long value = Math.floorDiv((Long) out.get(0)[1], 16);
        return (scaleA * 100 + scaleB) * 1000 + Math.max(0, Math.min(999, value));
    }
}
