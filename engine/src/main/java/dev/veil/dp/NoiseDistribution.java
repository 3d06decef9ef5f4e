package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * What a mechanism adds to a value: {@code granularity × K} where K is discrete Laplace with scale
 * {@code unitScale} or discrete Gaussian with standard deviation {@code unitScale}, both in grid
 * steps; plus, when {@code roundsInput}, the rounding of the input to the grid (at most half a
 * step). Everything a confidence interval needs, and what {@code EXPLAIN PRIVACY} shows.
 */
public record NoiseDistribution(NoiseKind kind, double granularity, double unitScale, boolean roundsInput) {
    public NoiseDistribution {
        requireNonNull(kind, "kind is null");
        Checks.positiveFinite("granularity", granularity);
        Checks.nonNegativeFinite("unit scale", unitScale);
    }

    /** The noise scale in value units: Laplace b or Gaussian σ. */
    public double scale() {
        return unitScale * granularity;
    }

    /** The noise's standard deviation in value units (exact for Laplace, at most σ for Gaussian). */
    public double standardDeviation() {
        if (unitScale == 0) {
            return 0;
        }
        if (kind == NoiseKind.LAPLACE) {
            // Var = 2 q / (1 - q)² with q = e^{-1/τ}.
            double q = Math.exp(-1 / unitScale);
            return Math.sqrt(2 * q) / -Math.expm1(-1 / unitScale) * granularity;
        }
        return scale();
    }

    /**
     * An m >= 0 (in grid steps) with {@code P[|K| > m] <= 1 - level}: the smallest for Laplace,
     * close to it for Gaussian (the tail bound used costs about one step).
     *
     * <p>Laplace: {@code P[|K| > m] = 2 e^{-(m+1)/τ} / (1 + e^{-1/τ})} exactly. Gaussian: for the
     * discrete Gaussian, {@code P[Y >= m] <= P[N(0, σ²) >= m - 1]} (each term of the sum is at
     * most the integral over the unit interval to its left, and the normalising sum is at least
     * σ√(2π)), so {@code m = ceil(σ z)} with {@code Q(z) = (1 - level)/2} suffices.
     */
    public long unitErrorBound(double level) {
        Checks.confidenceLevel(level);
        if (unitScale == 0) {
            return 0;
        }
        double alpha = 1 - level;
        if (kind == NoiseKind.LAPLACE) {
            double tau = unitScale;
            double logNormaliser = Math.log1p(Math.exp(-1 / tau));
            double needed = tau * (Math.log(2) - Math.log(alpha) - logNormaliser);
            Checks.exactSteps("the error bound", needed);
            long m = Math.max(0, (long) Math.ceil(needed) - 1);
            // The estimate is off by rounding only: a few steps at most.
            for (int i = 0; Math.log(2) - (m + 1) / tau - logNormaliser > Math.log(alpha); i++) {
                Checks.correctionStep("the error bound", i);
                m++;
            }
            return m;
        }
        double z = NormalDistribution.upperTailInverse(alpha / 2);
        return (long) Checks.exactSteps("the error bound", Math.ceil(unitScale * z));
    }

    /** A half-width e with {@code P[|released - value| > e] <= 1 - level} for a real input. */
    public double errorBound(double level) {
        Checks.confidenceLevel(level);
        if (unitScale == 0) {
            return 0; // no noise, and no rounding either
        }
        double steps = unitErrorBound(level) * granularity;
        return roundsInput ? steps + granularity / 2 : steps;
    }

    /**
     * The same for an integer statistic: the released value is the noisy value rounded to the
     * nearest integer when the grid is finer than 1, which adds at most 1/2.
     */
    public long integerErrorBound(double level) {
        return (long) Math.floor(errorBound(level) + (granularity < 1 ? 0.5 : 0));
    }

    /**
     * A half-width e with {@code P[|noise_1 + … + noise_terms| > e] <= 1 - level} for independent
     * draws, including input rounding of each term; for one term, {@link #errorBound}.
     *
     * <p>Chernoff bounds on the sum, two-sided with half the failure probability per side.
     * Laplace: {@code P[S >= t] <= M(λ)^n e^{-λt}} with the exact moment generating function of the
     * discrete Laplace distribution, {@code M(λ) = (1-q)² / ((1-q e^λ)(1-q e^{-λ}))},
     * {@code q = e^{-1/τ}}, for any {@code 0 < λ < 1/τ}; the λ giving the smallest t is searched,
     * but every λ gives a valid bound. Gaussian: the discrete Gaussian is σ²-subgaussian
     * (Canonne, Kamath and Steinke 2020), so {@code t = σ √(2 n ln(2/α))}.
     */
    public double sumErrorBound(int terms, double level) {
        Checks.confidenceLevel(level);
        if (terms < 1) {
            throw new DpException("terms must be >= 1, was " + terms);
        }
        if (terms == 1 || unitScale == 0) {
            return terms * errorBound(level);
        }
        double logTail = Math.log((1 - level) / 2);
        double steps;
        if (kind == NoiseKind.LAPLACE) {
            steps = Math.ceil(laplaceChernoff(terms, logTail));
        } else {
            steps = Math.ceil(unitScale * Math.sqrt(-2.0 * terms * logTail));
        }
        double bound = steps * granularity;
        return roundsInput ? bound + terms * granularity / 2 : bound;
    }

    /** {@link #sumErrorBound} for a sum of integer statistics, each rounded as released. */
    public long integerSumErrorBound(int terms, double level) {
        return (long) Math.floor(sumErrorBound(terms, level) + (granularity < 1 ? 0.5 * terms : 0));
    }

    /** The smallest t over a search of λ with {@code n log M(λ) - λ t <= logTail}. */
    private double laplaceChernoff(int terms, double logTail) {
        double inverseScale = 1 / unitScale;
        double logOneMinusQ = Math.log(-Math.expm1(-inverseScale));
        // t(u) for λ = u/τ, u in (0, 1); t is convex in practice, golden-section finds its minimum.
        java.util.function.DoubleUnaryOperator t = u -> {
            double lambda = u * inverseScale;
            double logM = 2 * logOneMinusQ
                    - Math.log(-Math.expm1(lambda - inverseScale))
                    - Math.log(-Math.expm1(-lambda - inverseScale));
            return (terms * logM - logTail) / lambda;
        };
        double low = 1e-9;
        double high = 1 - 1e-9;
        double ratio = (Math.sqrt(5) - 1) / 2;
        double a = high - ratio * (high - low);
        double b = low + ratio * (high - low);
        double ta = t.applyAsDouble(a);
        double tb = t.applyAsDouble(b);
        for (int i = 0; i < 100; i++) {
            if (ta < tb) {
                high = b;
                b = a;
                tb = ta;
                a = high - ratio * (high - low);
                ta = t.applyAsDouble(a);
            } else {
                low = a;
                a = b;
                ta = tb;
                b = low + ratio * (high - low);
                tb = t.applyAsDouble(b);
            }
        }
        return Math.min(ta, tb);
    }

    /** The interval {@code released ± errorBound(level)}. */
    public ConfidenceInterval interval(double released, double level) {
        double e = errorBound(level);
        return new ConfidenceInterval(released - e, released + e, level);
    }
}
