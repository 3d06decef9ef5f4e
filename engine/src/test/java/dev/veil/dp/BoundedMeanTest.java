package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BoundedMeanTest {
    @Test
    void hugeEpsilonReleasesTheMeanOfClampedValues() {
        BoundedMean mean = BoundedMean.create(AggregationParams.laplace(1e20, 1, 1), new ValueBounds(0, 10));
        for (double v : new double[] {1, 2, 3, 4, 50, Double.NaN}) {
            mean.add(v);
        }
        assertEquals((1 + 2 + 3 + 4 + 10) / 5.0, mean.result().value(), 1e-9);
    }

    @Test
    void budgetIsSplitBetweenCountAndNormalizedSum() {
        BoundedMean mean = BoundedMean.create(AggregationParams.laplace(1, 1, 2), new ValueBounds(10, 20));
        assertEquals(2 / 0.5, mean.countNoise().scale(), 1e-12);
        // The normalized sum's bound is half the width, 5, not max(|10|, |20|) = 20.
        assertEquals(2 * 5 / 0.5, mean.sumNoise().scale(), 1e-9);
    }

    @Test
    void meanStaysWithinBoundsEvenForAnEmptyPartition() {
        RandomBits random = new SeededRandomBits(61);
        for (int i = 0; i < 500; i++) {
            BoundedMean mean = BoundedMean.create(AggregationParams.laplace(0.1, 1, 1), new ValueBounds(-2, 3), random);
            double value = mean.result().value();
            assertTrue(value >= -2 && value <= 3, "mean " + value);
        }
    }

    @Test
    void degenerateBoundsReleaseTheBound() {
        BoundedMean mean = BoundedMean.create(AggregationParams.laplace(0.1, 1, 1), new ValueBounds(5.3, 5.3));
        mean.add(1);
        assertEquals(5.3, mean.result().value());
    }

    @Test
    void intervalsCoverTheTrueMean() {
        RandomBits random = new SeededRandomBits(62);
        for (AggregationParams params :
                new AggregationParams[] {AggregationParams.laplace(1, 1, 1), AggregationParams.gaussian(1, 1e-6, 1, 1)
                }) {
            int covered = 0;
            int runs = 1000;
            for (int i = 0; i < runs; i++) {
                BoundedMean mean = BoundedMean.create(params, new ValueBounds(0, 100), random);
                for (int v = 1; v <= 30; v++) {
                    mean.add(v);
                }
                NoisyMean released = mean.result();
                ConfidenceInterval interval = released.interval(0.9);
                assertTrue(
                        interval.contains(released.value()) || interval.upper() - interval.lower() < 100,
                        "interval " + interval);
                covered += interval.contains(15.5) ? 1 : 0;
            }
            assertTrue(
                    Stats.binomialZ(covered, runs, 0.9) > -Stats.Z,
                    params.noise() + ": coverage " + covered + "/" + runs);
        }
    }
}
