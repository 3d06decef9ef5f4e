package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

class NoiseMechanismTest {
    private static final int N = 50_000;

    @Test
    void granularLaplaceFollowsTheLaplaceDistribution() {
        LaplaceMechanism mechanism = LaplaceMechanism.forReals(0.5, 2, 1.5, new SeededRandomBits(31));
        double b = 2 * 1.5 / 0.5;
        assertEquals(b, mechanism.distribution().scale(), 1e-9 * b);
        double input = 1234.5678;
        assertKolmogorovSmirnov(mechanism, input, x -> x < 0 ? 0.5 * Math.exp(x / b) : 1 - 0.5 * Math.exp(-x / b));
    }

    @Test
    void granularGaussianFollowsTheNormalDistribution() {
        GaussianMechanism mechanism = GaussianMechanism.create(
                new GaussianMechanism.Budget(1, 1e-5, 0), 4, 0.25, false, new SeededRandomBits(32));
        double sigma = GaussianCalibration.sigma(1, 1e-5, 2 * 0.25);
        // The mechanism targets δ (1 - 2^-10), which costs about 6e-5 of σ.
        assertEquals(sigma, mechanism.distribution().scale(), 1e-4 * sigma);
        assertKolmogorovSmirnov(mechanism, -77.125, x -> NormalDistribution.cdf(x / sigma));
    }

    @Test
    void ksTestRejectsAScaleTenPercentOff() {
        LaplaceMechanism mechanism = LaplaceMechanism.forReals(1, 1, 1.1, new SeededRandomBits(33));
        double[] noise = noise(mechanism, 0, 200_000);
        assertTrue(ksDistance(noise, x -> x < 0 ? 0.5 * Math.exp(x) : 1 - 0.5 * Math.exp(-x))
                > Stats.dkwCritical(noise.length));
    }

    @Test
    void outputsAreMultiplesOfTheGranularityWhateverTheInput() {
        // The floating-point attack reads the input off low-order bits: here every output is k·γ.
        for (NoiseMechanism mechanism : new NoiseMechanism[] {
            LaplaceMechanism.forReals(1, 1, 1, new SeededRandomBits(34)),
            GaussianMechanism.create(new GaussianMechanism.Budget(1, 1e-6, 0), 1, 1, false, new SeededRandomBits(35))
        }) {
            double grid = mechanism.granularity();
            assertEquals(grid, Granularity.ceilPowerOfTwo(grid), "power of two");
            for (double input : new double[] {0.1, 0.1 + 1e-12, Math.PI, -1e6 / 3}) {
                for (int i = 0; i < 1000; i++) {
                    double units = mechanism.addNoise(input) / grid;
                    assertEquals(Math.rint(units), units, "input " + input);
                }
            }
        }
    }

    @Test
    void integerLaplaceIsExactDiscreteLaplaceOnTheIntegers() {
        LaplaceMechanism mechanism = LaplaceMechanism.forIntegers(Math.log(3), 2, 1, new SeededRandomBits(36));
        assertEquals(1.0, mechanism.granularity());
        assertEquals(2 / Math.log(3), mechanism.distribution().unitScale(), 1e-12);
        double tau = 2 / Math.log(3);
        Stats.ChiSquare test =
                Stats.chiSquare(() -> mechanism.addNoise(40L) - 40, N, k -> Stats.discreteLaplacePmf(tau, k));
        assertTrue(test.fits(), test.toString());
    }

    @Test
    void errorBoundsCoverAtTheirLevel() {
        NoiseMechanism[] mechanisms = {
            LaplaceMechanism.forIntegers(0.3, 1, 2, new SeededRandomBits(37)),
            LaplaceMechanism.forReals(0.3, 1, 2.5, new SeededRandomBits(38)),
            GaussianMechanism.create(new GaussianMechanism.Budget(0.3, 1e-6, 0), 3, 2, true, new SeededRandomBits(39))
        };
        for (NoiseMechanism mechanism : mechanisms) {
            for (double level : new double[] {0.5, 0.9, 0.99}) {
                double bound = mechanism.distribution().errorBound(level);
                double stepLess = bound - mechanism.granularity();
                int inside = 0;
                int insideStepLess = 0;
                int n = 20_000;
                for (int i = 0; i < n; i++) {
                    double error = Math.abs(mechanism.addNoise(10.0) - 10);
                    inside += error <= bound ? 1 : 0;
                    insideStepLess += error <= stepLess ? 1 : 0;
                }
                double z = Stats.binomialZ(inside, n, level);
                assertTrue(z > -Stats.Z, mechanism.kind() + " level " + level + ": z " + z);
                // The bound is the smallest on the grid: one step less no longer covers.
                double zLess = Stats.binomialZ(insideStepLess, n, level);
                assertTrue(zLess < Stats.Z, mechanism.kind() + " level " + level + " too wide: " + zLess);
            }
        }
    }

    @Test
    void sumErrorBoundsCoverSumsOfIndependentNoise() {
        NoiseMechanism[] mechanisms = {
            LaplaceMechanism.forIntegers(0.5, 1, 2, new SeededRandomBits(40)),
            GaussianMechanism.create(new GaussianMechanism.Budget(0.5, 1e-6, 0), 1, 2, true, new SeededRandomBits(41))
        };
        for (NoiseMechanism mechanism : mechanisms) {
            NoiseDistribution noise = mechanism.distribution();
            long bound = noise.integerSumErrorBound(8, 0.99);
            int covered = 0;
            int runs = 10_000;
            for (int i = 0; i < runs; i++) {
                long sum = 0;
                for (int j = 0; j < 8; j++) {
                    sum += mechanism.addNoise(0L);
                }
                covered += Math.abs(sum) <= bound ? 1 : 0;
            }
            assertTrue(Stats.binomialZ(covered, runs, 0.99) > -Stats.Z, mechanism.kind() + " " + covered);
            // Chernoff is conservative but not wildly: within 1.6 times the normal approximation.
            double normal = 2.576 * noise.standardDeviation() * Math.sqrt(8);
            assertTrue(bound < 1.6 * normal + 8, mechanism.kind() + " bound " + bound + " vs " + normal);
        }
    }

    @Test
    void laplaceErrorBoundMatchesTheClosedForm() {
        NoiseDistribution laplace = new NoiseDistribution(NoiseKind.LAPLACE, 1, 10, false);
        // Continuous approximation: b ln(1/α) ≈ 10 ln 20 ≈ 29.96.
        assertEquals(30, laplace.unitErrorBound(0.95), 1);
        NoiseDistribution gaussian = new NoiseDistribution(NoiseKind.GAUSSIAN, 0.5, 100, true);
        assertEquals(Math.ceil(100 * 1.959963984540054) * 0.5 + 0.25, gaussian.errorBound(0.95));
        assertEquals(0, new NoiseDistribution(NoiseKind.LAPLACE, 1, 0, false).errorBound(0.99));
    }

    @Test
    void hugeEpsilonLeavesValuesUnchanged() {
        LaplaceMechanism laplace = LaplaceMechanism.forReals(1e20, 1, 100);
        GaussianMechanism gaussian = GaussianMechanism.forReals(1e20, 0.5, 1, 100);
        assertEquals(42.125, laplace.addNoise(42.125));
        assertEquals(42.125, gaussian.addNoise(42.125), 1e-6);
        assertEquals(17L, LaplaceMechanism.forIntegers(1e20, 1, 1).addNoise(17L));
    }

    @Test
    void zeroSensitivityAddsNoNoise() {
        assertEquals(3.5, LaplaceMechanism.forReals(1, 1, 0).addNoise(3.5));
        assertEquals(3.5, GaussianMechanism.forReals(1, 1e-5, 1, 0).addNoise(3.5));
    }

    @Test
    void integerMechanismRejectsFractions() {
        DpException e = assertThrows(
                DpException.class, () -> LaplaceMechanism.forIntegers(1, 1, 1).addNoise(0.5));
        assertEquals("value must be an integer for this mechanism, was 0.5", e.getMessage());
    }

    @Test
    void secureSourceProducesDistinctDraws() {
        LaplaceMechanism mechanism = LaplaceMechanism.forReals(1, 1, 1);
        Set<Double> seen = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            seen.add(mechanism.addNoise(0.0));
        }
        assertTrue(seen.size() > 990, "distinct draws " + seen.size());
    }

    private static void assertKolmogorovSmirnov(NoiseMechanism mechanism, double input, DoubleUnaryOperator cdf) {
        double[] noise = noise(mechanism, input, N);
        double distance = ksDistance(noise, cdf);
        assertTrue(distance < Stats.dkwCritical(N), "KS distance " + distance);
    }

    private static double[] noise(NoiseMechanism mechanism, double input, int n) {
        double[] noise = new double[n];
        for (int i = 0; i < n; i++) {
            noise[i] = mechanism.addNoise(input) - input;
        }
        return noise;
    }

    private static double ksDistance(double[] sample, DoubleUnaryOperator cdf) {
        double[] sorted = sample.clone();
        Arrays.sort(sorted);
        double worst = 0;
        int n = sorted.length;
        for (int i = 0; i < n; i++) {
            double f = cdf.applyAsDouble(sorted[i]);
            worst = Math.max(worst, Math.max(Math.abs(f - (double) i / n), Math.abs(f - (double) (i + 1) / n)));
        }
        return worst;
    }
}
