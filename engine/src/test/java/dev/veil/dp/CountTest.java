package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class CountTest {
    @Test
    void hugeEpsilonReleasesTheExactCount() {
        Count count = Count.create(AggregationParams.laplace(1e20, 1, 1));
        for (int i = 0; i < 1234; i++) {
            count.increment();
        }
        assertEquals(1234, count.result().count());
    }

    @Test
    void laplaceNoiseScaleIsL0TimesLinfOverEpsilon() {
        NoiseDistribution noise =
                Count.create(AggregationParams.laplace(0.5, 3, 2)).noise();
        assertEquals(NoiseKind.LAPLACE, noise.kind());
        assertEquals(1.0, noise.granularity());
        assertEquals(12, noise.scale(), 1e-12);
    }

    @Test
    void gaussianNoiseUsesTheAnalyticSigmaOfRootL0TimesLinf() {
        NoiseDistribution noise =
                Count.create(AggregationParams.gaussian(1, 1e-5, 4, 3)).noise();
        double sigma = GaussianCalibration.sigma(1, 1e-5, 6);
        assertEquals(sigma, noise.scale(), 1e-4 * sigma);
    }

    @Test
    void releasedCountIsNeverNegative() {
        RandomBits random = new SeededRandomBits(41);
        for (int i = 0; i < 2000; i++) {
            Count count = Count.create(AggregationParams.laplace(0.1, 1, 1), random);
            assertTrue(count.result().count() >= 0);
        }
    }

    @Test
    void intervalsCoverTheTrueCountAtTheirLevel() {
        RandomBits random = new SeededRandomBits(42);
        for (AggregationParams params : new AggregationParams[] {
            AggregationParams.laplace(0.5, 2, 1), AggregationParams.gaussian(0.5, 1e-6, 2, 1)
        }) {
            int covered = 0;
            int runs = 3000;
            for (int i = 0; i < runs; i++) {
                Count count = Count.create(params, random);
                count.add(7);
                covered += count.result().interval(0.9).contains(7) ? 1 : 0;
            }
            double z = Stats.binomialZ(covered, runs, 0.9);
            assertTrue(z > -Stats.Z, params.noise() + ": coverage " + covered + "/" + runs);
        }
    }

    @Test
    void gaussianCountIsUnbiased() {
        RandomBits random = new SeededRandomBits(43);
        AggregationParams params = AggregationParams.gaussian(1, 1e-5, 1, 1);
        double sigma = Count.create(params, random).noise().scale();
        double sum = 0;
        int runs = 5000;
        for (int i = 0; i < runs; i++) {
            Count count = Count.create(params, random);
            count.add(1000);
            sum += count.result().count();
        }
        assertEquals(1000, sum / runs, Stats.Z * sigma / Math.sqrt(runs));
    }

    @Test
    void mergedCountsAddUp() {
        AggregationParams params = AggregationParams.laplace(1e20, 1, 1);
        Count a = Count.create(params);
        Count b = Count.create(params);
        a.add(5);
        b.add(8);
        a.merge(b);
        assertEquals(13, a.result().count());
    }

    @Test
    void resultCanBeReleasedOnlyOnce() {
        Count count = Count.create(AggregationParams.laplace(1, 1, 1));
        count.result();
        assertThrows(IllegalStateException.class, count::result);
        assertThrows(IllegalStateException.class, count::increment);
    }

    @Test
    void distinctUnitCountIgnoresLinf() {
        CountDistinctUnits units = CountDistinctUnits.create(AggregationParams.laplace(2, 3, 50));
        assertEquals(1.5, units.noise().scale(), 1e-12);
        CountDistinctUnits exact = CountDistinctUnits.create(AggregationParams.laplace(1e20, 3, 50));
        exact.addUnit();
        exact.addUnits(41);
        assertEquals(42, exact.result().count());
    }

    @Test
    void countIntervalIsClampedAtZero() {
        NoisyCount released = new NoisyCount(2, new NoiseDistribution(NoiseKind.LAPLACE, 1, 10, false));
        ConfidenceInterval interval = released.interval(0.95);
        assertEquals(0, interval.lower());
        assertEquals(2 + 30, interval.upper(), 1);
    }
}
