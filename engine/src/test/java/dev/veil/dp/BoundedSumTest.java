package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BoundedSumTest {
    @Test
    void hugeEpsilonReleasesTheSumOfClampedValues() {
        BoundedSum sum = BoundedSum.create(AggregationParams.laplace(1e20, 1, 1), new ValueBounds(0, 10));
        for (double v : new double[] {1.5, 2.25, 100, -5, Double.NaN, Double.POSITIVE_INFINITY}) {
            sum.add(v);
        }
        assertEquals(1.5 + 2.25 + 10 + 0 + 10, sum.result().value(), 1e-9);
    }

    @Test
    void aSumOfNonNegativeValuesIsNeverReleasedNegativeAndItsIntervalStillCovers() {
        // A sum of 0 with noise of scale 10: half the noisy values are negative before post-processing.
        int covered = 0;
        for (int i = 0; i < 2_000; i++) {
            BoundedSum sum = BoundedSum.create(AggregationParams.laplace(1, 1, 1), new ValueBounds(0, 10));
            sum.add(0);
            NoisySum released = sum.result();
            assertTrue(released.value() >= 0, "released " + released.value());
            ConfidenceInterval interval = released.interval(0.95);
            assertTrue(interval.lower() >= 0, "interval " + interval);
            covered += interval.contains(0) ? 1 : 0;
        }
        // Clamping moves the value towards the truth: coverage stays at least nominal (95%, here
        // 97.5% expected: every negative draw is covered); 1,880 is 10 standard deviations below.
        assertTrue(covered >= 1_880, "covered " + covered);
        // Values bounded above by zero give sums that are never positive.
        BoundedSum negative = BoundedSum.create(AggregationParams.laplace(1, 1, 1), new ValueBounds(-10, 0));
        negative.add(0);
        assertTrue(negative.result().value() <= 0);
    }

    @Test
    void laplaceScaleIsL0TimesLinfTimesLargestMagnitudeOverEpsilon() {
        NoiseDistribution noise = BoundedSum.create(AggregationParams.laplace(1, 2, 3), new ValueBounds(-3, 2))
                .noise();
        assertEquals(18, noise.scale(), 1e-9);
    }

    @Test
    void gaussianSigmaUsesRootL0() {
        NoiseDistribution noise = BoundedSum.create(AggregationParams.gaussian(1, 1e-6, 4, 1), new ValueBounds(0, 5))
                .noise();
        double sigma = GaussianCalibration.sigma(1, 1e-6, 2 * 5);
        assertEquals(sigma, noise.scale(), 1e-4 * sigma);
    }

    @Test
    void exactSumDoesNotDependOnTheOrderOfValues() {
        // In floating point, 1e15 + 0.1 + ... loses the small values in an order-dependent way.
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            values.add(0.1);
        }
        values.add(1e15);
        values.add(-1e15);
        double grid = Granularity.forAccumulator(1e-3, 1e15);
        GridSum first = GridSum.plain(grid, -1e15, 1e15);
        values.forEach(first::add);
        Collections.shuffle(values, new Random(5));
        GridSum second = GridSum.plain(grid, -1e15, 1e15);
        values.forEach(second::add);
        assertEquals(first.total(), second.total());
    }

    @Test
    void gridSumWidensOnOverflow() {
        GridSum sum = GridSum.plain(1, 0, 0x1p60);
        for (int i = 0; i < 20; i++) {
            sum.add(0x1p60);
        }
        assertEquals(java.math.BigInteger.valueOf(20).shiftLeft(60), sum.total());
    }

    @Test
    void intervalsCoverTheTrueSum() {
        RandomBits random = new SeededRandomBits(51);
        for (AggregationParams params : new AggregationParams[] {
            AggregationParams.laplace(0.5, 1, 2), AggregationParams.gaussian(0.5, 1e-6, 1, 2)
        }) {
            int covered = 0;
            int runs = 2000;
            for (int i = 0; i < runs; i++) {
                BoundedSum sum = BoundedSum.create(params, new ValueBounds(-1, 4), random);
                sum.add(3.3);
                sum.add(-0.7);
                covered += sum.result().interval(0.95).contains(2.6) ? 1 : 0;
            }
            assertTrue(
                    Stats.binomialZ(covered, runs, 0.95) > -Stats.Z,
                    params.noise() + ": coverage " + covered + "/" + runs);
        }
    }

    @Test
    void resultCanBeReleasedOnlyOnce() {
        BoundedSum sum = BoundedSum.create(AggregationParams.laplace(1, 1, 1), new ValueBounds(0, 1));
        sum.result();
        assertThrows(IllegalStateException.class, sum::result);
    }
}
