package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigInteger;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Units added at once by their totals in steps ({@link GridSum#addTotals}, as a remote database
 * sums them per group) give the exact sum that adding each unit's partial gives ({@link
 * GridSum#addPartial}), plain and centred; the published grids are those of the accumulators.
 */
class StepGridTest {
    private static final double GRID = 0x1p-6;

    @Test
    void totalsOfUnitStepsEqualUnitByUnitPartials() {
        SplittableRandom random = new SplittableRandom(7);
        for (boolean centred : new boolean[] {false, true}) {
            GridSum byUnit = centred ? GridSum.centred(GRID, -3, 20) : GridSum.plain(GRID, -3, 20);
            GridSum byTotal = centred ? GridSum.centred(GRID, -3, 20) : GridSum.plain(GRID, -3, 20);
            StepGrid steps = byUnit.steps();
            long rows = 0;
            BigInteger total = BigInteger.ZERO;
            for (int unit = 0; unit < 5000; unit++) {
                long n = random.nextInt(8);
                // Sums in and past the range, NaN and infinities, as a remote could return them.
                double sum = switch (random.nextInt(20)) {
                    case 0 -> Double.NaN;
                    case 1 -> Double.POSITIVE_INFINITY;
                    case 2 -> -1e300;
                    default -> random.nextDouble(-5, 25) * n;
                };
                byUnit.addPartial(n, sum);
                rows += n;
                total = total.add(BigInteger.valueOf(steps.unitSteps(n, sum)));
            }
            byTotal.addTotals(rows, total);
            assertEquals(byUnit.total(), byTotal.total(), "centred " + centred);
        }
    }

    @Test
    void totalsAreClampedToWhatTheirRowsCanAdd() {
        GridSum sum = GridSum.plain(1, 0, 10);
        sum.addTotals(3, BigInteger.valueOf(1_000_000));
        assertEquals(BigInteger.valueOf(30), sum.total());
        sum.addTotals(2, BigInteger.valueOf(-5));
        assertEquals(BigInteger.valueOf(30), sum.total());
        assertThrows(IllegalArgumentException.class, () -> sum.addTotals(-1, BigInteger.ONE));
    }

    @Test
    void publishedGridsAreTheAccumulators() {
        AggregationParams params = AggregationParams.laplace(0.5, 4, 200);
        ValueBounds bounds = new ValueBounds(0, 105000);
        StepGrid sum = BoundedSum.stepGrid(params, bounds);
        assertEquals(Mechanisms.gridForSum(params, 105000), sum.grid());
        assertEquals(Math.rint(105000 / sum.grid()), sum.maxSteps());
        StepGrid mean = BoundedMean.stepGrid(params, bounds);
        assertEquals(Mechanisms.gridForSum(params.split(2), bounds.halfWidth()), mean.grid());
        assertThrows(DpException.class, () -> new StepGrid(0.3, 0, 1));
    }
}
