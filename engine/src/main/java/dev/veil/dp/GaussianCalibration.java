package dev.veil.dp;

/**
 * Calibration of the Gaussian mechanism: the smallest standard deviation σ for which adding
 * {@code N(0, σ²)} to a statistic of L2 sensitivity Δ is (ε, δ)-differentially private, or
 * ρ-zero-concentrated differentially private.
 *
 * <p>(ε, δ): the analytic Gaussian mechanism of Balle and Wang, "Improving the Gaussian Mechanism
 * for Differential Privacy: Analytical Calibration and Optimal Denoising" (ICML 2018), Theorem 8:
 * the mechanism is (ε, δ)-DP iff {@code Φ(Δ/(2σ) - εσ/Δ) - e^ε Φ(-Δ/(2σ) - εσ/Δ) <= δ}. The left
 * side decreases in σ, so σ is found by bisection on that exact condition, using
 * {@link NormalDistribution}'s accurate tails; the returned σ always satisfies the condition.
 * This is tight for every ε, unlike the classical {@code Δ√(2 ln(1.25/δ))/ε}, which needs ε < 1.
 *
 * <p>zCDP: {@code σ = Δ / √(2ρ)} (Bun and Steinke, "Concentrated Differential Privacy", TCC 2016).
 */
public final class GaussianCalibration {
    /**
     * Beyond this ε the term {@code e^ε Φ(…)} is dropped, which over-estimates δ and so yields a
     * larger, still valid σ: computing {@code ε + log Φ(…)} would lose all precision there, and
     * such an ε gives no meaningful privacy anyway (it only appears in test policies).
     */
    private static final double EXACT_EPSILON_LIMIT = 1000;

    private static final Memo<java.util.List<Double>, Double> UNIT_SIGMAS = new Memo<>(4096);

    private GaussianCalibration() {}

    /** The smallest σ (up to 1e-14 relative, rounded up) making the mechanism (ε, δ)-DP. */
    public static double sigma(double epsilon, double delta, double l2Sensitivity) {
        Checks.epsilon(epsilon);
        Checks.positiveDelta("The Gaussian mechanism", delta);
        Checks.nonNegativeFinite("L2 sensitivity", l2Sensitivity);
        if (l2Sensitivity == 0) {
            return 0;
        }
        double unitSigma = UNIT_SIGMAS.get(java.util.List.of(epsilon, delta), key -> unitSigma(key.get(0), key.get(1)));
        return Math.nextUp(unitSigma * l2Sensitivity);
    }

    private static double unitSigma(double epsilon, double delta) {
        // δ depends on σ/Δ only: calibrate for Δ = 1 and scale, rounding up. The target is lowered
        // by a relative 1e-12, far above the rounding noise (~1e-15) of the computed δ, so that the
        // returned σ satisfies the condition however that noise falls.
        delta = delta * (1 - 1e-12);
        double high = Math.max(1e-300, Math.sqrt(2 * Math.log(1.25 / delta)) / epsilon);
        while (deltaForUnitSensitivity(high, epsilon) > delta) {
            high *= 2;
        }
        double low = high / 2;
        while (low > Double.MIN_NORMAL && deltaForUnitSensitivity(low, epsilon) <= delta) {
            high = low;
            low /= 2;
        }
        for (int i = 0; i < 200 && high - low > 1e-15 * high; i++) {
            double mid = low + 0.5 * (high - low);
            if (deltaForUnitSensitivity(mid, epsilon) <= delta) {
                high = mid;
            } else {
                low = mid;
            }
        }
        return high;
    }

    /** {@code σ = Δ/√(2ρ)}, rounded up: the Gaussian mechanism is then ρ-zCDP. */
    public static double sigmaForZcdp(double rho, double l2Sensitivity) {
        Checks.rho(rho);
        Checks.nonNegativeFinite("L2 sensitivity", l2Sensitivity);
        if (l2Sensitivity == 0) {
            return 0;
        }
        return Math.nextUp(Math.nextUp(l2Sensitivity) / Math.nextDown(Math.sqrt(2 * rho)));
    }

    /**
     * The smallest δ for which the Gaussian mechanism with this σ is (ε, δ)-DP (Balle and Wang,
     * Theorem 8); an upper bound of it beyond ε = 1000.
     */
    public static double delta(double sigma, double epsilon, double l2Sensitivity) {
        Checks.positiveFinite("sigma", sigma);
        Checks.epsilon(epsilon);
        Checks.positiveFinite("L2 sensitivity", l2Sensitivity);
        return deltaForUnitSensitivity(sigma / l2Sensitivity, epsilon);
    }

    private static double deltaForUnitSensitivity(double sigma, double epsilon) {
        double a = 1 / (2 * sigma);
        double b = epsilon * sigma;
        double first = NormalDistribution.upperTail(b - a);
        if (epsilon > EXACT_EPSILON_LIMIT) {
            return first;
        }
        double second = Math.exp(epsilon + NormalDistribution.logUpperTail(b + a));
        return Math.max(0, first - second);
    }
}
