package dev.veil.dp;

import java.math.BigInteger;

/**
 * Bernoulli trials with exactly rational success probabilities, built from uniform integers.
 *
 * <p>{@link #expMinus} is Algorithm 1 of Canonne, Kamath and Steinke, "The Discrete Gaussian for
 * Differential Privacy" (NeurIPS 2020): for {@code 0 <= g <= 1} it draws Bernoulli(g/1),
 * Bernoulli(g/2), ... until the first failure at step K and succeeds iff K is odd, which happens
 * with probability exactly {@code exp(-g)}; larger arguments are split into {@code floor(x)}
 * trials of {@code exp(-1)} and one of {@code exp(-(x - floor(x)))}. No floating point is used.
 */
final class ExactBernoulli {
    /** Below this bit length products stay comfortably inside a long. */
    private static final int LONG_BITS = 62;

    private ExactBernoulli() {}

    /** True with probability {@code numerator / denominator}, which must lie in [0, 1]. */
    static boolean of(RandomBits random, long numerator, long denominator) {
        return random.nextLong(denominator) < numerator;
    }

    /** True with probability {@code numerator / denominator}, which must lie in [0, 1]. */
    static boolean of(RandomBits random, BigInteger numerator, BigInteger denominator) {
        if (denominator.bitLength() < LONG_BITS) {
            return of(random, numerator.longValue(), denominator.longValue());
        }
        return random.nextBigInteger(denominator).compareTo(numerator) < 0;
    }

    /** True with probability {@code p}, a probability given exactly as a rational. */
    static boolean of(RandomBits random, Rational p) {
        if (p.compareTo(Rational.ONE) > 0) {
            throw new IllegalArgumentException("probability must be <= 1, was " + p);
        }
        return of(random, p.numerator(), p.denominator());
    }

    /** True with probability exactly {@code p}: a double is a dyadic rational, sampled as such. */
    static boolean of(RandomBits random, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new IllegalArgumentException("probability must be in [0, 1], was " + p);
        }
        return of(random, Rational.of(p));
    }

    /** True with probability {@code exp(-x)} for a rational {@code x >= 0}. */
    static boolean expMinus(RandomBits random, Rational x) {
        BigInteger whole = x.floor();
        // exp(-x) = exp(-1)^floor(x) * exp(-frac(x)); stop at the first failure, which comes fast.
        for (BigInteger i = BigInteger.ZERO; i.compareTo(whole) < 0; i = i.add(BigInteger.ONE)) {
            if (!expMinusOne(random)) {
                return false;
            }
        }
        BigInteger remainder = x.numerator().mod(x.denominator());
        return expMinusAtMostOne(random, remainder, x.denominator());
    }

    /** True with probability {@code exp(-1)}. */
    static boolean expMinusOne(RandomBits random) {
        return expMinusAtMostOne(random, 1, 1);
    }

    /** True with probability {@code exp(-n/d)} for {@code 0 <= n <= d}. */
    static boolean expMinusAtMostOne(RandomBits random, long n, long d) {
        long k = 1;
        while (true) {
            long bound;
            try {
                bound = Math.multiplyExact(d, k);
            } catch (ArithmeticException overflow) {
                return expMinusAtMostOneFrom(random, BigInteger.valueOf(n), BigInteger.valueOf(d), k);
            }
            // Success with probability n / (d k).
            if (random.nextLong(bound) >= n) {
                return (k & 1) == 1;
            }
            k++;
        }
    }

    /** True with probability {@code exp(-n/d)} for {@code 0 <= n <= d}. */
    static boolean expMinusAtMostOne(RandomBits random, BigInteger n, BigInteger d) {
        if (d.bitLength() < LONG_BITS) {
            return expMinusAtMostOne(random, n.longValue(), d.longValue());
        }
        return expMinusAtMostOneFrom(random, n, d, 1);
    }

    private static boolean expMinusAtMostOneFrom(RandomBits random, BigInteger n, BigInteger d, long firstK) {
        long k = firstK;
        while (true) {
            if (random.nextBigInteger(d.multiply(BigInteger.valueOf(k))).compareTo(n) >= 0) {
                return (k & 1) == 1;
            }
            k++;
        }
    }
}
