package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Invalid privacy parameters fail with a message naming the parameter and the value. */
class ValidationTest {
    @Test
    void epsilonMustBeFiniteAndPositive() {
        assertMessage("epsilon must be finite and > 0, was -1.0", () -> EpsilonDelta.pure(-1));
        assertMessage("epsilon must be finite and > 0, was NaN", () -> EpsilonDelta.pure(Double.NaN));
        assertMessage(
                "epsilon must be finite and > 0, was Infinity",
                () -> LaplaceMechanism.forReals(Double.POSITIVE_INFINITY, 1, 1));
        assertMessage("epsilon must be finite and > 0, was 0.0", () -> OptimalPartitionSelection.create(0, 1e-5, 1, 1));
    }

    @Test
    void deltaMustBeInZeroOne() {
        assertMessage("delta must be in [0, 1), was 1.0", () -> new EpsilonDelta(1, 1));
        assertMessage("delta must be in [0, 1), was -1.0E-9", () -> new EpsilonDelta(1, -1e-9));
        assertMessage(
                "delta must be 0 for LAPLACE noise, was 1.0E-5",
                () -> new AggregationParams(NoiseKind.LAPLACE, new EpsilonDelta(1, 1e-5), ContributionBounds.single()));
        assertMessage("GAUSSIAN noise needs delta > 0, was 0", () -> AggregationParams.gaussian(1, 0, 1, 1));
    }

    @Test
    void boundsMustBeFiniteAndOrdered() {
        assertMessage("lower bound must be <= upper bound, were 2.0 and 1.0", () -> new ValueBounds(2, 1));
        assertMessage("upper bound must be finite, was Infinity", () -> new ValueBounds(0, Double.POSITIVE_INFINITY));
        assertMessage("lower bound must be finite, was NaN", () -> new ValueBounds(Double.NaN, 1));
    }

    @Test
    void contributionBoundsMustBeAtLeastOne() {
        assertMessage("max partitions per unit (L0) must be >= 1, was 0", () -> new ContributionBounds(0, 1));
        assertMessage(
                "max contributions per partition (Linf) must be >= 1, was -3", () -> new ContributionBounds(1, -3));
        assertMessage(
                "L0 (max partitions per unit) must be >= 1, was 0", () -> GaussianMechanism.forIntegers(1, 1e-5, 0, 1));
    }

    @Test
    void confidenceLevelMustBeInZeroOne() {
        NoisyCount count = new NoisyCount(3, new NoiseDistribution(NoiseKind.LAPLACE, 1, 1, false));
        assertMessage("confidence level must be in (0, 1), was 1.0", () -> count.interval(1));
        assertMessage("confidence level must be in (0, 1), was 0.0", () -> count.interval(0));
    }

    @Test
    void sensitivityProductOverflowIsReported() {
        assertMessage(
                "L1 sensitivity overflows: 4611686018427387904 × 4",
                () -> LaplaceMechanism.forIntegers(1, 1L << 62, 4));
    }

    @Test
    void tinyEpsilonFailsFastInsteadOfSpinning() {
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> {
            NoiseDistribution huge = LaplaceMechanism.forIntegers(1e-300, 1, 1).distribution();
            DpException e = assertThrows(DpException.class, () -> huge.errorBound(0.95));
            assertTrue(e.getMessage().contains("the noise is too large to compute the error bound"), e.getMessage());
            assertThrows(
                    DpException.class,
                    () -> new NoiseDistribution(NoiseKind.GAUSSIAN, 1, 1e300, false).errorBound(0.95));
            assertThrows(DpException.class, () -> LaplacePartitionSelection.create(1e-300, 1e-5, 1, 1));
        });
    }

    @Test
    void smallestSupportedEpsilonStillComputes() {
        assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> {
            NoiseDistribution wide =
                    LaplaceMechanism.forIntegers(1e-6, 1_000_000, 1_000_000).distribution();
            assertTrue(wide.errorBound(0.95) > 0);
            assertTrue(
                    LaplacePartitionSelection.create(1e-6, 1e-5, 1_000_000, 1).threshold() > 0);
            assertTrue(GaussianMechanism.forIntegers(1e-6, 1e-12, 1_000_000, 1_000_000)
                            .distribution()
                            .errorBound(0.95)
                    > 0);
        });
    }

    private static void assertMessage(String message, Executable executable) {
        assertEquals(message, assertThrows(DpException.class, executable).getMessage());
    }
}
