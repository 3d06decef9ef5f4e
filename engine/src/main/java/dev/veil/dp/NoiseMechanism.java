package dev.veil.dp;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;

/**
 * An additive noise mechanism on a power-of-two grid: the input is rounded to a multiple of the
 * granularity γ and an integer number of grid steps of noise, drawn by an exact sampler, is added.
 * Outputs are exactly multiples of γ, so nothing about the input hides in their low-order bits.
 *
 * <p>An instance is created for a sensitivity and a privacy budget and may noise many values
 * (one per partition); each call draws fresh noise.
 */
public abstract sealed class NoiseMechanism permits LaplaceMechanism, GaussianMechanism {
    private static final double LONG_SAFE = 0x1p62;

    private final NoiseDistribution distribution;
    private final boolean integerInput;
    final RandomBits random;

    NoiseMechanism(NoiseDistribution distribution, boolean integerInput, RandomBits random) {
        this.distribution = requireNonNull(distribution, "distribution is null");
        this.integerInput = integerInput;
        this.random = requireNonNull(random, "random is null");
    }

    /** The distribution of the added noise, for confidence intervals and {@code EXPLAIN}. */
    public final NoiseDistribution distribution() {
        return distribution;
    }

    public final NoiseKind kind() {
        return distribution.kind();
    }

    public final double granularity() {
        return distribution.granularity();
    }

    /** One draw of noise, in grid steps. */
    abstract long sampleUnits();

    /**
     * Returns {@code value} rounded to the grid plus noise. For a mechanism made for integers the
     * value must be integral.
     */
    public final double addNoise(double value) {
        Checks.finite("value", value);
        if (integerInput && Math.rint(value) != value) {
            throw new DpException("value must be an integer for this mechanism, was " + value);
        }
        if (distribution.unitScale() == 0) {
            return value; // zero sensitivity: the value depends on no unit, nothing to hide
        }
        double grid = granularity();
        double units = value / grid;
        long noise = sampleUnits();
        if (Math.abs(units) < LONG_SAFE) {
            long rounded = (long) Math.rint(units);
            try {
                // The result is a function of the exact integer sum only: post-processing.
                return (double) Math.addExact(rounded, noise) * grid;
            } catch (ArithmeticException overflow) {
                return BigInteger.valueOf(rounded)
                                .add(BigInteger.valueOf(noise))
                                .doubleValue()
                        * grid;
            }
        }
        // |value/γ| >= 2^62 > 2^53: value is already a multiple of γ, and the double sum below is
        // the correctly rounded exact sum, again a function of the exact noisy value only.
        return value + (double) noise * grid;
    }

    /** Returns {@code value} plus noise, rounded to the nearest long (post-processing). */
    public final long addNoise(long value) {
        double noisy = addNoise((double) value);
        if (noisy >= 0x1p63) {
            return Long.MAX_VALUE;
        }
        if (noisy < -0x1p63) {
            return Long.MIN_VALUE;
        }
        return (long) Math.rint(noisy);
    }

    /** {@code (units + noise) × γ} for an accumulator that already holds grid steps. */
    final double addNoiseToUnits(BigInteger units) {
        return units.add(BigInteger.valueOf(sampleUnits())).doubleValue() * granularity();
    }

    static long checkedProduct(String what, long a, long b) {
        try {
            return Math.multiplyExact(a, b);
        } catch (ArithmeticException e) {
            throw new DpException(what + " overflows: " + a + " × " + b);
        }
    }

    /** √L0 rounded up, so that sensitivities are never under-estimated. */
    static double sqrtUp(long value) {
        double root = Math.sqrt((double) value);
        return root * root >= value ? root : Math.nextUp(root);
    }
}
