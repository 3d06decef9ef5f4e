package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class QuantilesTest {
    @Test
    void hugeEpsilonFindsQuantilesToLeafResolution() {
        Quantiles quantiles = Quantiles.create(AggregationParams.laplace(1e20, 1, 1), new ValueBounds(0, 1000));
        for (int v = 1; v <= 1000; v++) {
            quantiles.add(v);
        }
        quantiles.add(Double.NaN);
        NoisyQuantiles tree = quantiles.result();
        double leafWidth = 1000 / 65536.0;
        assertEquals(500, tree.quantile(0.5).value(), 1 + leafWidth);
        assertEquals(100, tree.quantile(0.1).value(), 1 + leafWidth);
        assertEquals(900, tree.quantile(0.9).value(), 1 + leafWidth);
        assertEquals(1, tree.quantile(0).value(), 1 + leafWidth);
        assertEquals(1000, tree.quantile(1).value(), 1 + leafWidth);
    }

    @Test
    void nodeNoiseIsCalibratedToTreeHeight() {
        Quantiles quantiles = Quantiles.create(AggregationParams.laplace(2, 3, 2), new ValueBounds(0, 1));
        assertEquals(3 * 4 * 2 / 2.0, quantiles.nodeNoise().scale(), 1e-12);
    }

    @Test
    void noisyMedianIsCloseToTheTrueMedian() {
        RandomBits random = new SeededRandomBits(81);
        Quantiles quantiles =
                Quantiles.create(AggregationParams.laplace(1, 1, 1), new ValueBounds(-100, 100), 4, 16, random);
        java.util.Random data = new java.util.Random(7);
        for (int i = 0; i < 20_000; i++) {
            quantiles.add(10 + 5 * data.nextGaussian());
        }
        NoisyQuantiles tree = quantiles.result();
        assertEquals(10, tree.quantile(0.5).value(), 0.5);
        assertEquals(10 - 5 * 1.2816, tree.quantile(0.1).value(), 0.5);
        assertTrue(tree.quantile(0.25).value() <= tree.quantile(0.75).value());
        ConfidenceInterval median = tree.quantile(0.5).interval(0.95);
        assertTrue(median.contains(10) && median.upper() - median.lower() < 2, median.toString());
    }

    @Test
    void intervalsCoverTheTrueQuantile() {
        RandomBits random = new SeededRandomBits(82);
        java.util.Random data = new java.util.Random(8);
        double[] values = new double[2000];
        for (int i = 0; i < values.length; i++) {
            values[i] = 30 * data.nextDouble() * data.nextDouble();
        }
        double[] sorted = values.clone();
        java.util.Arrays.sort(sorted);
        for (AggregationParams params : new AggregationParams[] {
            AggregationParams.laplace(0.5, 1, 1), AggregationParams.gaussian(0.5, 1e-6, 1, 1)
        }) {
            int covered = 0;
            int runs = 200;
            for (int run = 0; run < runs; run++) {
                Quantiles quantiles = Quantiles.create(params, new ValueBounds(0, 50), 4, 16, random);
                for (double v : values) {
                    quantiles.add(v);
                }
                NoisyQuantiles tree = quantiles.result();
                for (double rank : new double[] {0.2, 0.5, 0.9}) {
                    double position = rank * (values.length - 1);
                    double truth = sorted[(int) position];
                    ConfidenceInterval interval = tree.quantile(rank).interval(0.9);
                    covered += interval.contains(truth) ? 1 : 0;
                }
            }
            assertTrue(
                    Stats.binomialZ(covered, 3L * runs, 0.9) > -Stats.Z,
                    params.noise() + ": coverage " + covered + "/" + 3 * runs);
        }
    }

    @Test
    void degenerateBoundsReturnTheBound() {
        Quantiles quantiles = Quantiles.create(AggregationParams.laplace(1, 1, 1), new ValueBounds(4, 4));
        quantiles.add(1);
        quantiles.add(9);
        assertEquals(4, quantiles.result().quantile(0.5).value());
    }

    @Test
    void mergedTreesCountBothInputs() {
        AggregationParams params = AggregationParams.laplace(1e20, 1, 1);
        Quantiles left = Quantiles.create(params, new ValueBounds(0, 100));
        Quantiles right = Quantiles.create(params, new ValueBounds(0, 100));
        for (int v = 0; v < 50; v++) {
            left.add(v);
            right.add(50 + v);
        }
        left.merge(right);
        assertEquals(50, left.result().quantile(0.5).value(), 1);
    }

    @Test
    void invalidShapesAndRanksAreRejected() {
        AggregationParams params = AggregationParams.laplace(1, 1, 1);
        ValueBounds bounds = new ValueBounds(0, 1);
        assertEquals(
                "branching factor must be >= 2, was 1",
                assertThrows(DpException.class, () -> Quantiles.create(params, bounds, 4, 1))
                        .getMessage());
        assertTrue(assertThrows(DpException.class, () -> Quantiles.create(params, bounds, 9, 16))
                .getMessage()
                .contains("more than"));
        NoisyQuantiles tree = Quantiles.create(params, bounds).result();
        assertEquals(
                "rank must be in [0, 1], was 1.5",
                assertThrows(DpException.class, () -> tree.quantile(1.5)).getMessage());
    }
}
