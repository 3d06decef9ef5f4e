package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * Differential privacy checked empirically on neighbouring datasets: the second dataset has one
 * more privacy unit, contributing the most the bounds allow. Each correct mechanism passes; the
 * same harness catches a mechanism that spends more than it claims.
 */
class StochasticDpTest {
    private static final int SAMPLES = 100_000;
    private static final double LN3 = Math.log(3);

    @Test
    void laplaceCountIsEpsilonDp() {
        RandomBits random = new SeededRandomBits(101);
        AggregationParams params = AggregationParams.laplace(LN3, 1, 2);
        StochasticDpTester.Result result = StochasticDpTester.test(
                count(params, 3, random), count(params, 5, random), x -> (long) x, SAMPLES, LN3, 0);
        assertTrue(result.passes(), result.toString());
    }

    @Test
    void testerCatchesACountWithTooLittleNoise() {
        RandomBits random = new SeededRandomBits(102);
        // Declared Linf 1, but the extra unit adds 2 rows: the real ε is twice the claimed one.
        AggregationParams params = AggregationParams.laplace(LN3, 1, 1);
        StochasticDpTester.Result result = StochasticDpTester.test(
                count(params, 3, random), count(params, 5, random), x -> (long) x, SAMPLES, LN3, 0);
        assertFalse(result.passes(), result.toString());
    }

    @Test
    void testerCatchesAQuarterTooMuchEpsilon() {
        RandomBits random = new SeededRandomBits(108);
        AggregationParams params = AggregationParams.laplace(1.25 * LN3, 1, 1);
        StochasticDpTester.Result result = StochasticDpTester.test(
                count(params, 3, random), count(params, 4, random), x -> (long) x, SAMPLES, LN3, 0);
        assertFalse(result.passes(), result.toString());
    }

    @Test
    void laplaceBoundedSumIsEpsilonDp() {
        RandomBits random = new SeededRandomBits(103);
        AggregationParams params = AggregationParams.laplace(LN3, 1, 1);
        ValueBounds bounds = new ValueBounds(-5, 10);
        DoubleSupplier first = () -> {
            BoundedSum sum = BoundedSum.create(params, bounds, random);
            sum.add(2.5);
            sum.add(-1);
            return sum.result().value();
        };
        DoubleSupplier second = () -> {
            BoundedSum sum = BoundedSum.create(params, bounds, random);
            sum.add(2.5);
            sum.add(-1);
            sum.add(1e9); // clamped to 10, the largest contribution allowed
            return sum.result().value();
        };
        double b = 10 / LN3;
        StochasticDpTester.Result result =
                StochasticDpTester.test(first, second, x -> (long) Math.floor(x / (b / 4)), SAMPLES, LN3, 0);
        assertTrue(result.passes(), result.toString());
    }

    @Test
    void gaussianCountIsEpsilonDeltaDp() {
        RandomBits random = new SeededRandomBits(104);
        double delta = 1e-3;
        AggregationParams params = AggregationParams.gaussian(1, delta, 1, 1);
        StochasticDpTester.Result result = StochasticDpTester.test(
                count(params, 20, random), count(params, 21, random), x -> (long) x, SAMPLES, 1, delta);
        assertTrue(result.passes(), result.toString());
    }

    @Test
    void testerCatchesGaussianNoiseCalibratedForALargerEpsilon() {
        RandomBits random = new SeededRandomBits(105);
        double delta = 1e-3;
        AggregationParams params = AggregationParams.gaussian(3, delta, 1, 1);
        StochasticDpTester.Result result = StochasticDpTester.test(
                count(params, 20, random), count(params, 21, random), x -> (long) x, SAMPLES, 1, delta);
        assertFalse(result.passes(), result.toString());
    }

    @Test
    void boundedMeanIsEpsilonDp() {
        RandomBits random = new SeededRandomBits(106);
        AggregationParams params = AggregationParams.laplace(LN3, 1, 1);
        ValueBounds bounds = new ValueBounds(0, 10);
        DoubleSupplier first = () -> mean(params, bounds, random, 1, 2, 3);
        DoubleSupplier second = () -> mean(params, bounds, random, 1, 2, 3, 10);
        StochasticDpTester.Result result =
                StochasticDpTester.test(first, second, x -> (long) Math.floor(x * 2), SAMPLES / 3, LN3, 0);
        assertTrue(result.passes(), result.toString());
    }

    @Test
    void optimalPartitionSelectionIsEpsilonDeltaDp() {
        double delta = 0.05;
        for (int n = 1; n <= 6; n++) {
            OptimalPartitionSelection selection =
                    OptimalPartitionSelection.create(LN3, delta, 1, 1, new SeededRandomBits(107 + n));
            int units = n;
            StochasticDpTester.Result result = StochasticDpTester.test(
                    () -> selection.keep(units - 1) ? 1 : 0,
                    () -> selection.keep(units) ? 1 : 0,
                    x -> (long) x,
                    SAMPLES / 3,
                    LN3,
                    delta);
            assertTrue(result.passes(), "n = " + n + ": " + result);
        }
    }

    @Test
    void testerCatchesPartitionSelectionWithTooLargeAnEpsilon() {
        double delta = 0.05;
        OptimalPartitionSelection selection =
                OptimalPartitionSelection.create(2 * LN3, delta, 1, 1, new SeededRandomBits(120));
        StochasticDpTester.Result result = StochasticDpTester.test(
                () -> selection.keep(2) ? 1 : 0,
                () -> selection.keep(3) ? 1 : 0,
                x -> (long) x,
                SAMPLES / 3,
                LN3,
                delta);
        assertFalse(result.passes(), result.toString());
    }

    private static DoubleSupplier count(AggregationParams params, long rows, RandomBits random) {
        if (params.noise() == NoiseKind.GAUSSIAN) {
            // The same noise as Count's, without re-creating the mechanism for every sample.
            NoiseMechanism mechanism = Mechanisms.forCounts(params, random);
            return () -> Math.max(0, mechanism.addNoise(rows));
        }
        return () -> {
            Count count = Count.create(params, random);
            count.add(rows);
            return count.result().count();
        };
    }

    private static double mean(AggregationParams params, ValueBounds bounds, RandomBits random, double... values) {
        BoundedMean mean = BoundedMean.create(params, bounds, random);
        for (double v : values) {
            mean.add(v);
        }
        return mean.result().value();
    }
}
