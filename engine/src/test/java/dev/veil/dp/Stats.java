package dev.veil.dp;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import java.util.function.LongSupplier;

/** Statistical helpers for distribution tests, with false-failure rates around 1e-9. */
final class Stats {
    /** z of a one-sided normal tail of about 1e-9. */
    static final double Z = 6;

    private Stats() {}

    /**
     * The chi-square statistic's critical value for {@code df} degrees of freedom at a tail of about
     * 1e-9 (Wilson–Hilferty approximation, accurate to a few percent for df >= 3).
     */
    static double chiSquareCritical(int df) {
        double a = 2.0 / (9 * df);
        double cube = 1 - a + Z * Math.sqrt(a);
        return df * cube * cube * cube;
    }

    /** DKW: {@code P[sup |F_n - F| > t] <= 2 e^{-2 n t²}}; t for a failure probability of 1e-9. */
    static double dkwCritical(int n) {
        return Math.sqrt(Math.log(2 / 1e-9) / (2.0 * n));
    }

    /**
     * Chi-square statistic of {@code n} integer samples against a pmf on the integers, with bins
     * {@code [-range, range]} for every value of expected count at least 20 and two tail bins.
     */
    static ChiSquare chiSquare(LongSupplier sampler, int n, IntToDoubleFunction pmf) {
        int range = 0;
        while (pmf.applyAsDouble(range + 1) * n >= 20 || pmf.applyAsDouble(-range - 1) * n >= 20) {
            range++;
        }
        long[] observed = new long[2 * range + 3];
        for (int i = 0; i < n; i++) {
            long x = sampler.getAsLong();
            int bin = x < -range ? 0 : x > range ? observed.length - 1 : (int) x + range + 1;
            observed[bin]++;
        }
        double[] expected = new double[observed.length];
        double inside = 0;
        for (int k = -range; k <= range; k++) {
            expected[k + range + 1] = pmf.applyAsDouble(k) * n;
            inside += pmf.applyAsDouble(k);
        }
        // Split the outside mass between the two tails by summing each far enough.
        double lowTail = 0;
        double highTail = 0;
        for (int k = range + 1; k < range + 100_000; k++) {
            lowTail += pmf.applyAsDouble(-k);
            highTail += pmf.applyAsDouble(k);
        }
        expected[0] = lowTail * n;
        expected[observed.length - 1] = highTail * n;
        double statistic = 0;
        int bins = 0;
        List<Integer> merged = new ArrayList<>();
        for (int i = 0; i < observed.length; i++) {
            if (expected[i] < 5) {
                merged.add(i); // tiny tails: compared as one bin below
                continue;
            }
            double d = observed[i] - expected[i];
            statistic += d * d / expected[i];
            bins++;
        }
        double restObserved = 0;
        double restExpected = 0;
        for (int i : merged) {
            restObserved += observed[i];
            restExpected += expected[i];
        }
        if (restExpected >= 5) {
            double d = restObserved - restExpected;
            statistic += d * d / restExpected;
            bins++;
        } else if (restObserved > 50) {
            statistic = Double.POSITIVE_INFINITY; // far more tail mass than the pmf allows
        }
        return new ChiSquare(statistic, Math.max(1, bins - 1), 1 - inside);
    }

    record ChiSquare(double statistic, int degreesOfFreedom, double tailMass) {
        boolean fits() {
            return statistic < chiSquareCritical(degreesOfFreedom);
        }

        @Override
        public String toString() {
            return "chi² " + statistic + " with " + degreesOfFreedom + " df (critical "
                    + chiSquareCritical(degreesOfFreedom) + ")";
        }
    }

    /** Exact pmf of the discrete Laplace distribution with scale tau. */
    static double discreteLaplacePmf(double tau, long k) {
        double q = Math.exp(-1 / tau);
        return (1 - q) / (1 + q) * Math.pow(q, Math.abs(k));
    }

    /** Exact pmf of the discrete Gaussian with this σ², normalised by direct summation. */
    static IntToDoubleFunction discreteGaussianPmf(double sigmaSquared) {
        double norm = 0;
        int limit = (int) Math.ceil(40 * Math.sqrt(sigmaSquared)) + 10;
        for (int k = -limit; k <= limit; k++) {
            norm += Math.exp(-(double) k * k / (2 * sigmaSquared));
        }
        double z = norm;
        return k -> Math.exp(-(double) k * k / (2 * sigmaSquared)) / z;
    }

    /** Number of standard deviations between an observed count and a binomial expectation. */
    static double binomialZ(long successes, long trials, double p) {
        double mean = trials * p;
        return (successes - mean) / Math.sqrt(trials * p * (1 - p));
    }
}
