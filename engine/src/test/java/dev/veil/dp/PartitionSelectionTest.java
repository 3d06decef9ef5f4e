package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PartitionSelectionTest {
    @Test
    void optimalProbabilitiesMatchHandComputedValues() {
        // ε = ln 3, δ = 0.05: π(n) = min(3π + δ, 1 - (1 - π - δ)/3, 1).
        OptimalPartitionSelection selection = OptimalPartitionSelection.create(Math.log(3), 0.05, 1, 1);
        double[] expected = {0, 0.05, 0.2, 0.65, 0.9, 1 - 0.05 / 3, 1, 1};
        for (int n = 0; n < expected.length; n++) {
            assertEquals(expected[n], selection.probabilityOfKeeping(n), 1e-12, "n = " + n);
        }
    }

    @Test
    void closedFormMatchesTheRecursiveDefinition() {
        double[][] configs = {{1, 1e-5}, {0.1, 1e-8}, {0.01, 1e-10}, {5, 0.01}, {1e-4, 1e-6}};
        for (double[] config : configs) {
            double epsilon = config[0];
            double delta = config[1];
            OptimalPartitionSelection selection = OptimalPartitionSelection.create(epsilon, delta, 1, 1);
            double previous = 0;
            for (long n = 1; n < 400_000 && previous < 1; n++) {
                double recursive = Math.min(
                        1,
                        Math.min(
                                Math.exp(epsilon) * previous + delta, 1 - Math.exp(-epsilon) * (1 - previous - delta)));
                double closed = selection.probabilityOfKeeping(n);
                assertEquals(recursive, closed, 1e-9 * recursive + 1e-15, "ε " + epsilon + " δ " + delta + " n " + n);
                previous = recursive;
            }
            assertEquals(1, previous, "reaches 1 for ε " + epsilon);
        }
    }

    @Test
    void optimalProbabilitiesSatisfyBothPrivacyConstraints() {
        for (long l0 : new long[] {1, 3}) {
            double epsilon = 0.7 / l0;
            double delta = 1e-3 / l0;
            OptimalPartitionSelection selection = OptimalPartitionSelection.create(0.7, 1e-3, l0, 1);
            for (long n = 1; n < 200; n++) {
                double now = selection.probabilityOfKeeping(n);
                double before = selection.probabilityOfKeeping(n - 1);
                assertTrue(now <= Math.exp(epsilon) * before + delta + 1e-15, "keep, n " + n);
                assertTrue(1 - before <= Math.exp(epsilon) * (1 - now) + delta + 1e-15, "drop, n " + n);
            }
        }
    }

    @Test
    void l0SplitsEpsilonAndDeltaPerPartition() {
        OptimalPartitionSelection selection = OptimalPartitionSelection.create(1, 1e-4, 4, 1);
        assertEquals(1e-4 / 4, selection.probabilityOfKeeping(1), 1e-18);
        double expected = 1e-4 / 4 * Math.expm1(2 * 0.25) / Math.expm1(0.25);
        assertEquals(expected, selection.probabilityOfKeeping(2), 1e-15);
    }

    @Test
    void keepDecisionsFollowTheProbabilities() {
        OptimalPartitionSelection selection =
                OptimalPartitionSelection.create(Math.log(3), 0.05, 1, 1, new SeededRandomBits(91));
        int trials = 20_000;
        for (int n = 0; n <= 6; n++) {
            int kept = 0;
            for (int i = 0; i < trials; i++) {
                kept += selection.keep(n) ? 1 : 0;
            }
            double p = selection.probabilityOfKeeping(n);
            if (p == 0 || p == 1) {
                assertEquals(p * trials, kept, "n = " + n);
            } else {
                assertTrue(Math.abs(Stats.binomialZ(kept, trials, p)) < Stats.Z, "n = " + n);
            }
        }
    }

    @Test
    void preThresholdDropsSmallPartitionsAndShiftsTheRule() {
        OptimalPartitionSelection selection = OptimalPartitionSelection.create(1, 1e-5, 1, 5);
        OptimalPartitionSelection plain = OptimalPartitionSelection.create(1, 1e-5, 1, 1);
        for (int n = 0; n < 5; n++) {
            assertEquals(0, selection.probabilityOfKeeping(n));
            assertFalse(selection.keep(n));
        }
        assertEquals(plain.probabilityOfKeeping(1), selection.probabilityOfKeeping(5));
        assertEquals(plain.probabilityOfKeeping(20), selection.probabilityOfKeeping(24));
        LaplacePartitionSelection laplace = LaplacePartitionSelection.create(1, 1e-5, 1, 10);
        GaussianPartitionSelection gaussian = GaussianPartitionSelection.create(1, 1e-5, 1, 10);
        for (int i = 0; i < 1000; i++) {
            assertFalse(laplace.keep(9));
            assertFalse(gaussian.keep(9));
        }
    }

    @Test
    void laplaceThresholdKeepsSingletonsWithProbabilityAtMostDelta() {
        double delta = 1e-3;
        for (long l0 : new long[] {1, 4}) {
            LaplacePartitionSelection selection =
                    LaplacePartitionSelection.create(0.5, delta, l0, 1, new SeededRandomBits(92));
            double tau = l0 / 0.5;
            assertEquals(tau, selection.noise().scale(), 1e-12);
            long m = selection.threshold() - 1;
            double tail = Math.exp(-m / tau) / (1 + Math.exp(-1 / tau));
            double p = PartitionSelection.singletonProbability(delta, l0);
            assertTrue(tail <= p, "tail " + tail + " > " + p);
            assertTrue(Math.exp(-(m - 1) / tau) / (1 + Math.exp(-1 / tau)) > p, "threshold minimal");
            assertTrue(1 - Math.pow(1 - tail, l0) <= delta);
            assertKeepsLargeAndRarelySingletons(selection, p);
        }
    }

    @Test
    void gaussianThresholdKeepsSingletonsWithProbabilityAtMostHalfDelta() {
        double delta = 1e-3;
        GaussianPartitionSelection selection =
                GaussianPartitionSelection.create(0.5, delta, 2, 1, new SeededRandomBits(93));
        double sigma = GaussianCalibration.sigma(0.5, delta / 2, Math.sqrt(2));
        assertEquals(sigma, selection.noise().scale(), 1e-3 * sigma);
        double p = PartitionSelection.singletonProbability(delta / 2, 2);
        assertTrue(NormalDistribution.upperTail((selection.threshold() - 1) / sigma) <= p);
        assertKeepsLargeAndRarelySingletons(selection, p);
    }

    @Test
    void selectionNeedsPositiveDelta() {
        DpException e = assertThrows(DpException.class, () -> OptimalPartitionSelection.create(1, 0, 1, 1));
        assertEquals("Partition selection needs delta > 0, was 0", e.getMessage());
        assertThrows(DpException.class, () -> LaplacePartitionSelection.create(1, 1e-5, 0, 1));
        assertEquals(
                "pre-threshold must be >= 1, was 0",
                assertThrows(DpException.class, () -> GaussianPartitionSelection.create(1, 1e-5, 1, 0))
                        .getMessage());
    }

    @Test
    void hugeEpsilonKeepsEveryNonEmptyPartitionButSingletonsStillSpendDelta() {
        OptimalPartitionSelection selection = OptimalPartitionSelection.create(1e20, 0.5, 1, 1);
        assertEquals(0.5, selection.probabilityOfKeeping(1));
        assertEquals(1, selection.probabilityOfKeeping(2));
        assertEquals(0, selection.probabilityOfKeeping(0));
    }

    private static void assertKeepsLargeAndRarelySingletons(PartitionSelection selection, double p) {
        int trials = 20_000;
        int singletons = 0;
        for (int i = 0; i < trials; i++) {
            singletons += selection.keep(1) ? 1 : 0;
            assertTrue(selection.keep(1000), "a large partition was dropped");
        }
        assertTrue(Stats.binomialZ(singletons, trials, p) < Stats.Z, "singletons kept " + singletons);
    }
}
