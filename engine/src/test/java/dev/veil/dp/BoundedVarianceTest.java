package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BoundedVarianceTest {
    @Test
    void hugeEpsilonReleasesThePopulationVariance() {
        BoundedVariance variance =
                BoundedVariance.create(AggregationParams.laplace(1e20, 1, 1), new ValueBounds(0, 10));
        for (double v : new double[] {1, 2, 3, 4, Double.NaN}) {
            variance.add(v);
        }
        NoisyVariance released = variance.result();
        assertEquals(1.25, released.value(), 1e-9);
        assertEquals(Math.sqrt(1.25), released.standardDeviation(), 1e-9);
    }

    @Test
    void standardDeviationIsTheRootOfTheVariance() {
        BoundedStdDev stddev = BoundedStdDev.create(AggregationParams.laplace(1e20, 1, 1), new ValueBounds(-10, 10));
        for (double v : new double[] {-3, 3, -3, 3}) {
            stddev.add(v);
        }
        assertEquals(3, stddev.result().value(), 1e-9);
    }

    @Test
    void budgetIsSplitInThree() {
        BoundedVariance variance = BoundedVariance.create(AggregationParams.laplace(3, 1, 1), new ValueBounds(0, 4));
        assertEquals(1, variance.countNoise().scale(), 1e-12);
        assertEquals(2, variance.sumNoise().scale(), 1e-9);
        // Squared distances lie in [0, (2 + grid)²]; centred, their bound is half of that.
        assertEquals(2, variance.squaresNoise().scale(), 1e-6);
    }

    @Test
    void varianceStaysWithinItsPossibleRange() {
        RandomBits random = new SeededRandomBits(71);
        for (int i = 0; i < 300; i++) {
            BoundedVariance variance =
                    BoundedVariance.create(AggregationParams.laplace(0.2, 1, 1), new ValueBounds(0, 6), random);
            variance.add(1);
            double value = variance.result().value();
            assertTrue(value >= 0 && value <= 9, "variance " + value);
        }
    }

    @Test
    void intervalsCoverTheTrueVariance() {
        RandomBits random = new SeededRandomBits(72);
        double truth = (50 * 50 - 1) / 12.0; // variance of 1..50
        for (AggregationParams params :
                new AggregationParams[] {AggregationParams.laplace(2, 1, 1), AggregationParams.gaussian(2, 1e-6, 1, 1)
                }) {
            int covered = 0;
            int runs = 500;
            for (int i = 0; i < runs; i++) {
                BoundedVariance variance = BoundedVariance.create(params, new ValueBounds(0, 60), random);
                for (int v = 1; v <= 50; v++) {
                    variance.add(v);
                }
                NoisyVariance released = variance.result();
                covered += released.interval(0.9).contains(truth) ? 1 : 0;
                ConfidenceInterval sd = released.standardDeviationInterval(0.9);
                assertEquals(Math.sqrt(released.interval(0.9).upper()), sd.upper(), 1e-12);
            }
            assertTrue(
                    Stats.binomialZ(covered, runs, 0.9) > -Stats.Z,
                    params.noise() + ": coverage " + covered + "/" + runs);
        }
    }
}
