package dev.veil.dp;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;

/**
 * A non-negative rational number held exactly as {@code numerator / denominator}.
 *
 * <p>The exact samplers need exact arithmetic: a noise scale such as {@code Δ/ε} is computed from
 * doubles, and every double is a dyadic rational, so no rounding ever enters the sampling.
 */
record Rational(BigInteger numerator, BigInteger denominator) implements Comparable<Rational> {
    static final Rational ZERO = new Rational(BigInteger.ZERO, BigInteger.ONE);
    static final Rational ONE = new Rational(BigInteger.ONE, BigInteger.ONE);

    Rational {
        requireNonNull(numerator, "numerator is null");
        requireNonNull(denominator, "denominator is null");
        if (numerator.signum() < 0) {
            throw new IllegalArgumentException("numerator must be >= 0, was " + numerator);
        }
        if (denominator.signum() <= 0) {
            throw new IllegalArgumentException("denominator must be > 0, was " + denominator);
        }
    }

    static Rational of(long value) {
        return new Rational(BigInteger.valueOf(value), BigInteger.ONE);
    }

    static Rational of(BigInteger numerator, BigInteger denominator) {
        return new Rational(numerator, denominator).reduced();
    }

    /** The exact value of a finite non-negative double. */
    static Rational of(double value) {
        if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
            throw new IllegalArgumentException("value must be finite and >= 0, was " + value);
        }
        if (value == 0) {
            return ZERO;
        }
        long bits = Double.doubleToRawLongBits(value);
        int biasedExponent = (int) ((bits >>> 52) & 0x7ff);
        long mantissa = bits & 0x000f_ffff_ffff_ffffL;
        int exponent;
        if (biasedExponent == 0) {
            exponent = -1074; // subnormal
        } else {
            mantissa |= 1L << 52;
            exponent = biasedExponent - 1075;
        }
        int trailing = Long.numberOfTrailingZeros(mantissa);
        mantissa >>>= trailing;
        exponent += trailing;
        BigInteger m = BigInteger.valueOf(mantissa);
        return exponent >= 0
                ? new Rational(m.shiftLeft(exponent), BigInteger.ONE)
                : new Rational(m, BigInteger.ONE.shiftLeft(-exponent));
    }

    Rational reduced() {
        BigInteger gcd = numerator.gcd(denominator);
        if (gcd.signum() == 0 || gcd.equals(BigInteger.ONE)) {
            return this;
        }
        return new Rational(numerator.divide(gcd), denominator.divide(gcd));
    }

    Rational add(Rational other) {
        return of(
                numerator.multiply(other.denominator).add(other.numerator.multiply(denominator)),
                denominator.multiply(other.denominator));
    }

    /** {@code this - other}; fails if the result would be negative. */
    Rational subtract(Rational other) {
        return of(
                numerator.multiply(other.denominator).subtract(other.numerator.multiply(denominator)),
                denominator.multiply(other.denominator));
    }

    Rational multiply(Rational other) {
        return of(numerator.multiply(other.numerator), denominator.multiply(other.denominator));
    }

    Rational divide(Rational other) {
        if (other.numerator.signum() == 0) {
            throw new ArithmeticException("division by zero");
        }
        return of(numerator.multiply(other.denominator), denominator.multiply(other.numerator));
    }

    BigInteger floor() {
        return numerator.divide(denominator);
    }

    /** The smallest integer {@code >= this}. */
    BigInteger ceil() {
        BigInteger[] qr = numerator.divideAndRemainder(denominator);
        return qr[1].signum() == 0 ? qr[0] : qr[0].add(BigInteger.ONE);
    }

    boolean isZero() {
        return numerator.signum() == 0;
    }

    /** An approximation for reporting; never used to sample. */
    double doubleValue() {
        // Scale both sides into double range before dividing so huge or tiny values stay finite.
        int shift = Math.max(numerator.bitLength(), denominator.bitLength()) - 1000;
        if (shift > 0) {
            return new java.math.BigDecimal(numerator)
                    .divide(new java.math.BigDecimal(denominator), java.math.MathContext.DECIMAL64)
                    .doubleValue();
        }
        return numerator.doubleValue() / denominator.doubleValue();
    }

    @Override
    public int compareTo(Rational other) {
        return numerator.multiply(other.denominator).compareTo(other.numerator.multiply(denominator));
    }

    @Override
    public String toString() {
        return numerator + "/" + denominator;
    }
}
