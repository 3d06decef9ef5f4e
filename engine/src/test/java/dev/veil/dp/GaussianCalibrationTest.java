package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class GaussianCalibrationTest {
    @Test
    void analyticSigmaMatchesBalleWangForEpsilonOneDeltaOneInAHundredThousand() {
        // Balle & Wang (2018): ε = 1, δ = 1e-5, Δ = 1 needs σ ≈ 3.73 (the classical bound says 4.84).
        double sigma = GaussianCalibration.sigma(1, 1e-5, 1);
        assertEquals(3.73, sigma, 0.005);
        assertTrue(sigma < Math.sqrt(2 * Math.log(1.25 / 1e-5)));
    }

    @Test
    void sigmaIsTheSmallestThatMeetsTheExactCondition() {
        double[][] cases = {{1, 1e-5}, {0.1, 1e-6}, {0.01, 1e-10}, {5, 1e-9}, {20, 1e-12}};
        for (double[] c : cases) {
            double sigma = GaussianCalibration.sigma(c[0], c[1], 1);
            assertTrue(GaussianCalibration.delta(sigma, c[0], 1) <= c[1], "valid at " + c[0]);
            double smaller = sigma * (1 - 1e-9);
            assertTrue(GaussianCalibration.delta(smaller, c[0], 1) > c[1], "tight at " + c[0]);
        }
    }

    @Test
    void sigmaScalesLinearlyWithSensitivity() {
        double one = GaussianCalibration.sigma(0.5, 1e-7, 1);
        assertEquals(7 * one, GaussianCalibration.sigma(0.5, 1e-7, 7), 1e-12 * one);
        assertEquals(0, GaussianCalibration.sigma(0.5, 1e-7, 0));
    }

    @Test
    void analyticSigmaBeatsClassicalBoundForSmallEpsilon() {
        // For ε < 1 the classical Δ√(2 ln(1.25/δ))/ε is valid, so the tight σ must not exceed it.
        for (double epsilon : new double[] {0.01, 0.1, 0.5, 0.9}) {
            double classical = Math.sqrt(2 * Math.log(1.25 / 1e-6)) / epsilon;
            double sigma = GaussianCalibration.sigma(epsilon, 1e-6, 1);
            assertTrue(sigma <= classical, "epsilon " + epsilon);
            assertTrue(GaussianCalibration.delta(classical, epsilon, 1) <= 1e-6);
        }
    }

    @Test
    void hugeEpsilonGivesTinyButValidSigma() {
        double sigma = GaussianCalibration.sigma(1e20, 0.5, 1);
        assertTrue(sigma > 0 && sigma < 1e-9, "sigma " + sigma);
    }

    @Test
    void zcdpSigmaIsSensitivityOverRootTwoRho() {
        assertEquals(1 / Math.sqrt(2 * 0.5), GaussianCalibration.sigmaForZcdp(0.5, 1), 1e-15);
        assertEquals(3 / Math.sqrt(0.2), GaussianCalibration.sigmaForZcdp(0.1, 3), 1e-14);
        assertTrue(GaussianCalibration.sigmaForZcdp(0.1, 3) >= 3 / Math.sqrt(0.2));
    }

    @Test
    void invalidParametersAreNamed() {
        DpException e = assertThrows(DpException.class, () -> GaussianCalibration.sigma(0, 1e-5, 1));
        assertEquals("epsilon must be finite and > 0, was 0.0", e.getMessage());
        e = assertThrows(DpException.class, () -> GaussianCalibration.sigma(1, 0, 1));
        assertTrue(e.getMessage().contains("delta > 0"), e.getMessage());
        e = assertThrows(DpException.class, () -> GaussianCalibration.sigma(1, 1, 1));
        assertEquals("delta must be in [0, 1), was 1.0", e.getMessage());
        e = assertThrows(DpException.class, () -> GaussianCalibration.sigma(Double.POSITIVE_INFINITY, 1e-5, 1));
        assertTrue(e.getMessage().startsWith("epsilon"), e.getMessage());
        e = assertThrows(DpException.class, () -> GaussianCalibration.sigmaForZcdp(-1, 1));
        assertEquals("rho must be finite and > 0, was -1.0", e.getMessage());
    }
}
