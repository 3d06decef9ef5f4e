package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;

/**
 * {@link AutoClampedStatistic}: value bounds of AVG and VAR_POP chosen from the data. The bounds
 * follow the values, the release is ε-DP on neighbouring datasets (the stochastic tester, fixed
 * sample sizes, a threshold of 6 standard errors), and the same tester catches bounds chosen
 * without noise.
 */
class AutoClampedStatisticTest {
    private static final int SAMPLES = 100_000;
    private static final double EPSILON = 1;
    /** Declared bounds [0, 16]: candidates 1, 2, 4, 8, 16. */
    private static final ValueBounds DECLARED = new ValueBounds(0, 16);

    private static final AggregationParams PARAMS = AggregationParams.laplace(EPSILON, 1, 1);

    @Test
    void aQuarterOfEpsilonChoosesTheBounds() {
        AutoClampedStatistic mean = AutoClampedStatistic.create(
                PARAMS, DECLARED, AutoClampedStatistic.Statistic.MEAN, new SeededRandomBits(1));
        assertEquals(0.75, mean.statisticEpsilon(), 1e-15);
        assertEquals(List.of(1.0, 2.0, 4.0, 8.0, 16.0), mean.bounds().candidates());
        assertEquals(new ValueBounds(0, 4), mean.narrowed(4));
        // Declared bounds away from zero: each end is clamped into them, never empty.
        AutoClampedStatistic away = AutoClampedStatistic.create(
                PARAMS, new ValueBounds(50, 100), AutoClampedStatistic.Statistic.MEAN, new SeededRandomBits(1));
        assertEquals(new ValueBounds(50, 50), away.narrowed(10));
        assertEquals(new ValueBounds(50, 80), away.narrowed(80));
        AutoClampedStatistic zero = AutoClampedStatistic.create(
                PARAMS, new ValueBounds(0, 0), AutoClampedStatistic.Statistic.VARIANCE, new SeededRandomBits(1));
        assertEquals(null, zero.bounds());
        assertEquals(EPSILON, zero.statisticEpsilon());
        assertThrows(
                DpException.class,
                () -> AutoClampedStatistic.create(
                                AggregationParams.laplace(EPSILON, 1, 2),
                                DECLARED,
                                AutoClampedStatistic.Statistic.MEAN,
                                new SeededRandomBits(1))
                        .addUnit(new double[3], 0, 3));
    }

    @Test
    void theBoundsFollowTheValuesAndCutTheNoise() {
        // 2,000 units of values 1..3 under declared bounds [0, 1000]: the candidates start at 62.5
        // (1/16 of the declared bound), the bound chosen is mostly that one, and the mean's error is far
        // below the declared bounds'.
        AggregationParams params = AggregationParams.laplace(EPSILON, 1, 1);
        RandomBits random = new SeededRandomBits(7);
        ValueBounds declared = new ValueBounds(0, 1000);
        double autoError = 0;
        double fixedError = 0;
        int runs = 200;
        for (int run = 0; run < runs; run++) {
            AutoClampedStatistic auto =
                    AutoClampedStatistic.create(params, declared, AutoClampedStatistic.Statistic.MEAN, random);
            BoundedMean fixed = BoundedMean.create(params, declared, random);
            for (int u = 0; u < 2000; u++) {
                auto.addUnit(new double[] {1 + u % 3}, 0, 1);
                fixed.add(1 + u % 3);
            }
            autoError += Math.abs(((NoisyMean) auto.result()).value() - 2) / runs;
            fixedError += Math.abs(fixed.result().value() - 2) / runs;
        }
        assertTrue(autoError < fixedError / 4, "auto " + autoError + ", fixed " + fixedError);
    }

    @Test
    void aVarianceIsComputedWithinTheChosenBounds() {
        // With a huge epsilon the bounds cover every value and the variance is exact: 1, 2, 3 -> 2/3.
        AutoClampedStatistic variance = AutoClampedStatistic.create(
                AggregationParams.laplace(1e9, 1, 1),
                new ValueBounds(-100, 100),
                AutoClampedStatistic.Statistic.VARIANCE,
                new SeededRandomBits(3));
        for (int u = 0; u < 300; u++) {
            variance.addUnit(new double[] {1 + u % 3}, 0, 1);
        }
        NoisyVariance result = (NoisyVariance) variance.result();
        assertEquals(2.0 / 3, result.value(), 1e-3);
        assertEquals(new ValueBounds(-6.25, 6.25), variance.chosen());
    }

    /** 30 units of value 1 and {@code heavy} units of value 16 (one unit more on the second dataset). */
    private static void fill(AutoClampedStatistic statistic, long heavy) {
        for (int u = 0; u < 30; u++) {
            statistic.addUnit(new double[] {1}, 0, 1);
        }
        for (long u = 0; u < heavy; u++) {
            statistic.addUnit(new double[] {16}, 0, 1);
        }
    }

    /** The chosen upper bound (log 2) and the released mean in buckets of 0.5, as one number. */
    private static double encode(NoisyMean result) {
        long bound = Math.round(Math.log(Math.max(1, result.bounds().upper())) / Math.log(2));
        double value = Math.max(-10, Math.min(30, result.value())) * 2;
        return bound * 1000 + value + 100;
    }

    private static long bucket(double encoded) {
        return (long) Math.floor(encoded);
    }

    @Test
    void theReleaseIsEpsilonDpOnNeighbours() {
        RandomBits random = new SeededRandomBits(11);
        DoubleSupplier first = () -> {
            AutoClampedStatistic mean =
                    AutoClampedStatistic.create(PARAMS, DECLARED, AutoClampedStatistic.Statistic.MEAN, random);
            fill(mean, 1);
            return encode((NoisyMean) mean.result());
        };
        DoubleSupplier second = () -> {
            AutoClampedStatistic mean =
                    AutoClampedStatistic.create(PARAMS, DECLARED, AutoClampedStatistic.Statistic.MEAN, random);
            fill(mean, 2);
            return encode((NoisyMean) mean.result());
        };
        StochasticDpTester.Result result =
                StochasticDpTester.test(first, second, AutoClampedStatisticTest::bucket, SAMPLES, EPSILON, 0);
        assertTrue(result.passes(), result.toString());
    }

    @Test
    void testerCatchesBoundsChosenWithoutNoise() {
        RandomBits random = new SeededRandomBits(12);
        DoubleSupplier first = () -> encode(noiselessChoice(1, random));
        DoubleSupplier second = () -> encode(noiselessChoice(2, random));
        StochasticDpTester.Result result =
                StochasticDpTester.test(first, second, AutoClampedStatisticTest::bucket, SAMPLES, EPSILON, 0);
        assertFalse(result.passes(), result.toString());
    }

    /** The same mechanism with exact histogram counts: the bound is 1 with one heavy unit, 8 with two. */
    private static NoisyMean noiselessChoice(long heavy, RandomBits random) {
        List<Double> candidates = ApproximateBounds.candidates(16, 1);
        long[] counts = new long[candidates.size()];
        counts[0] = 30;
        counts[candidates.size() - 1] = heavy;
        double bound = candidates.get(ApproximateBounds.leastError(candidates, counts, 0, 1 / 0.75));
        assertNotEquals(16.0, bound);
        BoundedMean mean = BoundedMean.create(AggregationParams.laplace(0.75, 1, 1), new ValueBounds(0, bound), random);
        for (int u = 0; u < 30; u++) {
            mean.add(1);
        }
        for (long u = 0; u < heavy; u++) {
            mean.add(16);
        }
        return mean.result();
    }

    // ---------------------------------------------------------------- PERCENTILE_CONT

    @Test
    void aQuantileNeedsItsRankAndGetsThreeQuartersOfEpsilon() {
        assertThrows(
                IllegalArgumentException.class,
                () -> AutoClampedStatistic.create(
                        PARAMS, DECLARED, AutoClampedStatistic.Statistic.QUANTILE, new SeededRandomBits(1)));
        AutoClampedStatistic median =
                AutoClampedStatistic.quantile(PARAMS, DECLARED, 0.5, true, new SeededRandomBits(1));
        assertEquals(0.75, median.statisticEpsilon(), 1e-15);
        assertEquals(List.of(1.0, 2.0, 4.0, 8.0, 16.0), median.bounds().candidates());
    }

    @Test
    void quantileBoundsFollowTheValuesAndCutTheError() {
        // 40 units of values 1..3 under declared bounds [0, 1000]: over the declared bounds the exponential
        // mechanism puts most of its mass on the ~1,000 empty candidates; over bounds chosen from the data
        // (mostly 62.5, the first candidate) on far fewer. Fixed seeds: the numbers are reproducible.
        AggregationParams params = AggregationParams.laplace(EPSILON, 1, 1);
        RandomBits random = new SeededRandomBits(21);
        ValueBounds declared = new ValueBounds(0, 1000);
        double autoError = 0;
        double fixedError = 0;
        int narrowed = 0;
        int runs = 300;
        for (int run = 0; run < runs; run++) {
            AutoClampedStatistic auto = AutoClampedStatistic.quantile(params, declared, 0.5, true, random);
            ExponentialQuantile fixed = ExponentialQuantile.create(params, declared, 0.5, true, random);
            for (int u = 0; u < 40; u++) {
                auto.addUnit(new double[] {1 + u % 3}, 0, 1);
                fixed.add(1 + u % 3);
            }
            autoError += Math.abs(auto.result().value() - 2) / runs;
            fixedError += Math.abs(fixed.result().value() - 2) / runs;
            narrowed += auto.chosen().upper() <= 125 ? 1 : 0;
        }
        assertTrue(narrowed > runs * 9 / 10, "narrowed " + narrowed + " of " + runs);
        assertTrue(autoError < fixedError / 3, "auto " + autoError + ", fixed " + fixedError);
    }

    @Test
    void quantileIsExactWithinTheChosenBoundsAtAHugeEpsilon() {
        AutoClampedStatistic median = AutoClampedStatistic.quantile(
                AggregationParams.laplace(1e9, 1, 1), new ValueBounds(-100, 100), 0.5, true, new SeededRandomBits(3));
        for (int u = 0; u < 301; u++) {
            median.addUnit(new double[] {1 + u % 3}, 0, 1);
        }
        assertEquals(2, median.result().value(), 1e-9);
        assertEquals(new ValueBounds(-6.25, 6.25), median.chosen());
    }

    /** The chosen upper bound (log 2) and the released quantile rounded, as one number. */
    private static double encodeQuantile(ValueBounds chosen, double value) {
        long bound = Math.round(Math.log(Math.max(1, chosen.upper())) / Math.log(2));
        return bound * 1000 + Math.round(value) + 100;
    }

    private static double autoMedian(long heavy, RandomBits random) {
        AutoClampedStatistic median = AutoClampedStatistic.quantile(PARAMS, DECLARED, 0.5, true, random);
        fill(median, heavy);
        double value = median.result().value();
        return encodeQuantile(median.chosen(), value);
    }

    @Test
    void theQuantileReleaseIsEpsilonDpOnNeighbours() {
        RandomBits random = new SeededRandomBits(31);
        StochasticDpTester.Result result = StochasticDpTester.test(
                () -> autoMedian(1, random),
                () -> autoMedian(2, random),
                AutoClampedStatisticTest::bucket,
                SAMPLES,
                EPSILON,
                0);
        assertTrue(result.passes(), result.toString());
    }

    @Test
    void testerCatchesQuantileBoundsChosenWithoutNoise() {
        RandomBits random = new SeededRandomBits(32);
        StochasticDpTester.Result result = StochasticDpTester.test(
                () -> noiselessMedian(1, random),
                () -> noiselessMedian(2, random),
                AutoClampedStatisticTest::bucket,
                SAMPLES,
                EPSILON,
                0);
        assertFalse(result.passes(), result.toString());
    }

    /** The same mechanism with exact histogram counts: the bound changes with the one unit that differs. */
    private static double noiselessMedian(long heavy, RandomBits random) {
        List<Double> candidates = ApproximateBounds.candidates(16, 1);
        long[] counts = new long[candidates.size()];
        counts[0] = 30;
        counts[candidates.size() - 1] = heavy;
        double bound = candidates.get(ApproximateBounds.leastError(candidates, counts, 0, 1 / 0.75));
        ValueBounds chosen = new ValueBounds(0, bound);
        ExponentialQuantile median =
                ExponentialQuantile.create(AggregationParams.laplace(0.75, 1, 1), chosen, 0.5, true, random);
        for (int u = 0; u < 30; u++) {
            median.add(1);
        }
        for (long u = 0; u < heavy; u++) {
            median.add(16);
        }
        return encodeQuantile(chosen, median.result().value());
    }
}
