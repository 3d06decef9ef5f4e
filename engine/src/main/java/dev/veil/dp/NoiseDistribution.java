package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * What a mechanism adds to a value: {@code granularity × K} where K is discrete Laplace with scale
 * {@code unitScale} or discrete Gaussian with standard deviation {@code unitScale}, both in grid
 * steps; plus, when {@code roundsInput}, the rounding of the input to the grid (at most half a
 * step). Everything a confidence interval needs, and what {@code EXPLAIN PRIVACY} shows.
 */
public record NoiseDistribution(
    NoiseKind kind, double granularity, double unitScale, boolean roundsInput) {
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
   * The smallest m >= 0 (in grid steps) with {@code P[|K| > m] <= 1 - level}.
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
      long m = Math.max(0, (long) Math.ceil(needed) - 1);
      while (Math.log(2) - (m + 1) / tau - logNormaliser > Math.log(alpha)) {
        m++;
      }
      return m;
    }
    double z = NormalDistribution.upperTailInverse(alpha / 2);
    return (long) Math.ceil(unitScale * z);
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

  /** The same for an integer output rounded to the nearest integer. */
  public long integerErrorBound(double level) {
    return (long) Math.floor(errorBound(level) + 0.5);
  }

  /** The interval {@code released ± errorBound(level)}. */
  public ConfidenceInterval interval(double released, double level) {
    double e = errorBound(level);
    return new ConfidenceInterval(released - e, released + e, level);
  }
}
