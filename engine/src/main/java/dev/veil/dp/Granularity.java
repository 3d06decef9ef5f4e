package dev.veil.dp;

/**
 * Choice of the power-of-two grid on which noisy values live.
 *
 * <p>Following Google's "Secure Noise Generation" note, a value is rounded to a multiple of
 * {@code γ = 2^k} and an integer number of grid steps of noise is added, so every output is
 * exactly a multiple of γ whatever the input: the low-order bits that Mironov (2012) read off
 * textbook floating-point Laplace samples carry nothing. γ is the smallest power of two at least
 * {@code scale / 2^40}: fine enough that rounding costs nothing measurable, coarse enough that
 * noise in grid steps stays near 2^40 and fits in a long.
 */
final class Granularity {
    static final int STEPS_PER_SCALE_BITS = 40;
    private static final int MIN_EXPONENT = Double.MIN_EXPONENT; // -1022: keep γ a normal double

    private Granularity() {}

    /** The power-of-two grid for noise of this scale (b or σ); 1 for a zero scale. */
    static double forScale(double scale) {
        if (scale == 0) {
            return 1;
        }
        return ceilPowerOfTwo(Math.scalb(scale, -STEPS_PER_SCALE_BITS));
    }

    /** The grid for integer-valued inputs: never finer than needed to stay exact, at least 1. */
    static double forIntegerScale(double scale) {
        return Math.max(1, forScale(scale));
    }

    /**
     * The grid for a bounded accumulator: the noise grid, made coarser if needed so that a value
     * of magnitude {@code maxAbsValue} is at most 2^60 grid steps (this only happens when the noise
     * scale is below 2^-20 of the value bound, i.e. for an enormous ε).
     */
    static double forAccumulator(double scale, double maxAbsValue) {
        double grid = forScale(scale);
        if (maxAbsValue > 0) {
            grid = Math.max(grid, ceilPowerOfTwo(Math.scalb(maxAbsValue, -60)));
        }
        return grid;
    }

    static double ceilPowerOfTwo(double x) {
        if (!(x > 0) || Double.isInfinite(x)) {
            throw new DpException("noise scale must be finite and > 0, was " + x
                    + " (the bounds or sensitivities are too large for this epsilon)");
        }
        int exponent = Math.getExponent(x);
        if (exponent < MIN_EXPONENT) {
            return Math.scalb(1.0, MIN_EXPONENT);
        }
        double power = Math.scalb(1.0, exponent);
        return power == x ? power : Math.scalb(power, 1);
    }
}
