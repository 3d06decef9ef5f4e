package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import org.junit.jupiter.api.Test;

/** Distribution tests of the exact discrete Laplace and discrete Gaussian samplers. */
class DiscreteSamplerTest {
    private static final int N = 100_000;

    @Test
    void discreteLaplaceMatchesItsPmf() {
        RandomBits random = new SeededRandomBits(21);
        Rational[] scales = {
            Rational.of(0.5),
            Rational.of(2),
            Rational.of(BigInteger.valueOf(7), BigInteger.valueOf(3)),
            Rational.of(0.1 * 37)
        };
        for (Rational scale : scales) {
            DiscreteLaplaceSampler sampler = new DiscreteLaplaceSampler(scale);
            double tau = scale.doubleValue();
            Stats.ChiSquare test =
                    Stats.chiSquare(() -> sampler.sample(random), N, k -> Stats.discreteLaplacePmf(tau, k));
            assertTrue(test.fits(), "scale " + scale + ": " + test);
        }
    }

    @Test
    void discreteLaplaceTestRejectsAScaleTenPercentOff() {
        RandomBits random = new SeededRandomBits(22);
        DiscreteLaplaceSampler sampler = new DiscreteLaplaceSampler(Rational.of(2.2));
        Stats.ChiSquare test = Stats.chiSquare(() -> sampler.sample(random), N, k -> Stats.discreteLaplacePmf(2, k));
        assertFalse(test.fits(), test.toString());
    }

    @Test
    void discreteLaplaceIsSymmetricWithTheRightVariance() {
        RandomBits random = new SeededRandomBits(23);
        double tau = 1e6;
        DiscreteLaplaceSampler sampler = new DiscreteLaplaceSampler(Rational.of(tau));
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < N; i++) {
            double x = sampler.sample(random);
            sum += x;
            sumSquares += x * x;
        }
        double variance = 2 * tau * tau; // 2q/(1-q)² → 2τ² for large τ
        assertEquals(0, sum / N, Stats.Z * Math.sqrt(variance / N));
        // Var of X² for Laplace is 20 b⁴; the sample variance has sd √(20/N) b².
        assertEquals(variance, sumSquares / N, Stats.Z * Math.sqrt(20.0 / N) * tau * tau);
    }

    @Test
    void discreteGaussianMatchesItsPmf() {
        RandomBits random = new SeededRandomBits(24);
        Rational[] variances = {
            Rational.ONE, Rational.of(BigInteger.valueOf(9), BigInteger.valueOf(4)), Rational.of(25), Rational.of(0.3)
        };
        for (Rational sigmaSquared : variances) {
            DiscreteGaussianSampler sampler = new DiscreteGaussianSampler(sigmaSquared);
            Stats.ChiSquare test = Stats.chiSquare(
                    () -> sampler.sample(random), N, Stats.discreteGaussianPmf(sigmaSquared.doubleValue()));
            assertTrue(test.fits(), "σ² " + sigmaSquared + ": " + test);
        }
    }

    @Test
    void discreteGaussianTestRejectsASigmaTenPercentOff() {
        RandomBits random = new SeededRandomBits(25);
        DiscreteGaussianSampler sampler = DiscreteGaussianSampler.withSigma(11);
        Stats.ChiSquare test = Stats.chiSquare(() -> sampler.sample(random), N, Stats.discreteGaussianPmf(100));
        assertFalse(test.fits(), test.toString());
    }

    @Test
    void largeDiscreteGaussianIsNormalWithTheRightMoments() {
        RandomBits random = new SeededRandomBits(26);
        long sigma = 1L << 40;
        DiscreteGaussianSampler sampler = DiscreteGaussianSampler.withSigma(sigma);
        int n = 40_000;
        double[] z = new double[n];
        double sum = 0;
        double sumSquares = 0;
        for (int i = 0; i < n; i++) {
            z[i] = sampler.sample(random) / (double) sigma;
            sum += z[i];
            sumSquares += z[i] * z[i];
        }
        assertEquals(0, sum / n, Stats.Z / Math.sqrt(n));
        assertEquals(1, sumSquares / n, Stats.Z * Math.sqrt(2.0 / n));
        java.util.Arrays.sort(z);
        double worst = 0;
        for (int i = 0; i < n; i++) {
            double cdf = NormalDistribution.cdf(z[i]);
            worst = Math.max(worst, Math.max(Math.abs(cdf - (double) i / n), Math.abs(cdf - (double) (i + 1) / n)));
        }
        assertTrue(worst < Stats.dkwCritical(n), "KS distance " + worst);
    }
}
