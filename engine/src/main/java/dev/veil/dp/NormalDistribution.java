package dev.veil.dp;

/**
 * The standard normal distribution and the complementary error function, computed to about
 * 1e-15 relative accuracy over the whole double range, including far tails.
 *
 * <p>Calibrating the analytic Gaussian mechanism subtracts two tail probabilities that can be as
 * small as 1e-300, so {@code 1 - Φ(x)} is never computed by subtraction and tails are also
 * available as logarithms. For {@code 0 <= x < 0.75}, {@code erfc(x) = 1 - erf(x)} with erf from
 * its series of positive terms {@code erf(x) = 2/√π · e^{-x²} Σ (2x²)^n x / (1·3·…·(2n+1))} (at most
 * a factor 3 of cancellation below 0.75). From 0.75 up, {@code erfc(x) = Γ(1/2, x²)/√π} with the
 * incomplete gamma function from Legendre's continued fraction, evaluated backwards from a fixed
 * depth (backward evaluation does not accumulate rounding error the way forward Lentz does; 160
 * levels converge to full precision at x = 0.75, 40 from x = 3).
 */
final class NormalDistribution {
    private static final double SQRT_PI = Math.sqrt(Math.PI);
    private static final double LOG_SQRT_PI = 0.5 * Math.log(Math.PI);
    private static final double SQRT_2 = Math.sqrt(2);
    private static final double SERIES_LIMIT = 0.75;

    private static final Memo<Double, Double> INVERSES = new Memo<>(1024);

    private NormalDistribution() {}

    /** The complementary error function {@code erfc(x) = 2/√π ∫_x^∞ e^{-t²} dt}. */
    static double erfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x < 0) {
            return 2 - erfc(-x);
        }
        if (x < SERIES_LIMIT) {
            return 1 - erfSeries(x);
        }
        if (x > 27.3) {
            return 0; // below the smallest double
        }
        return expMinusSquare(x) * x * legendreFraction(x * x) / SQRT_PI;
    }

    /** {@code log(erfc(x))}, finite far beyond the point where erfc(x) underflows. */
    static double logErfc(double x) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        if (x < SERIES_LIMIT) {
            return Math.log(erfc(x));
        }
        double square = x * x;
        double squareError = Math.fma(x, x, -square);
        return -square - squareError + Math.log(x * legendreFraction(square)) - LOG_SQRT_PI;
    }

    /** {@code Q(z) = P[N(0,1) > z]}, the upper tail. */
    static double upperTail(double z) {
        return 0.5 * erfc(z / SQRT_2);
    }

    /** {@code log Q(z)}. */
    static double logUpperTail(double z) {
        return Math.log(0.5) + logErfc(z / SQRT_2);
    }

    /** {@code Φ(z) = P[N(0,1) <= z]}. */
    static double cdf(double z) {
        return upperTail(-z);
    }

    /**
     * The z with {@code Q(z) = tail}, for {@code 0 < tail < 1}: found by bisection on the monotone
     * tail to full double precision (the bracket [-40, 40] covers every representable tail).
     */
    static double upperTailInverse(double tail) {
        if (!(tail > 0 && tail < 1)) {
            throw new DpException("tail probability must be in (0, 1), was " + tail);
        }
        return INVERSES.get(tail, NormalDistribution::bisectUpperTail);
    }

    private static double bisectUpperTail(double tail) {
        double logTail = Math.log(tail);
        double low = -40;
        double high = 40;
        for (int i = 0; i < 200; i++) {
            double mid = 0.5 * (low + high);
            if (mid == low || mid == high) {
                break;
            }
            // Compare in the log domain so that tiny tails keep their precision.
            if (logUpperTail(mid) > logTail) {
                low = mid;
            } else {
                high = mid;
            }
        }
        return high;
    }

    /** {@code e^{-x²}} with the rounding error of {@code x²} compensated. */
    private static double expMinusSquare(double x) {
        double square = x * x;
        double squareError = Math.fma(x, x, -square);
        return Math.exp(-square) * (1 - squareError);
    }

    private static double erfSeries(double x) {
        double twiceSquare = 2 * x * x;
        double term = x;
        double sum = x;
        for (int n = 1; n < 200; n++) {
            term *= twiceSquare / (2 * n + 1);
            sum += term;
            if (term < 1e-17 * sum) {
                break;
            }
        }
        return 2 / SQRT_PI * expMinusSquare(x) * sum;
    }

    /**
     * Legendre's continued fraction for {@code Γ(1/2, z) e^z z^{-1/2}}:
     * {@code 1/(z+1/2 - 1·(1/2)/(z+5/2 - 2·(3/2)/(z+9/2 - …)))}, evaluated from the bottom up.
     */
    private static double legendreFraction(double z) {
        double a = 0.5;
        int depth = z >= 9 ? 40 : 160;
        double tail = 0;
        for (int i = depth; i >= 1; i--) {
            tail = -i * (i - a) / (z + 2 * i + 1 - a + tail);
        }
        return 1 / (z + 1 - a + tail);
    }
}
