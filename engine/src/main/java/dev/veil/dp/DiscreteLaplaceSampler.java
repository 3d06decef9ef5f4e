package dev.veil.dp;

import static java.util.Objects.requireNonNull;

import java.math.BigInteger;

/**
 * Exact sampler of the discrete Laplace (two-sided geometric) distribution on the integers,
 * {@code P[K = k] ∝ exp(-|k| / scale)}, for a rational scale.
 *
 * <p>Algorithm 2 of Canonne, Kamath and Steinke (NeurIPS 2020), with {@code scale = t/s}: draw
 * {@code U} uniform in {@code [0, t)} and accept it with probability {@code exp(-U/t)}; draw
 * {@code V} geometric with ratio {@code exp(-1)}; then {@code X = U + tV} is geometric with ratio
 * {@code exp(-1/t)} and {@code Y = floor(X/s)} geometric with ratio {@code exp(-s/t)}; a fair sign
 * is attached, rejecting "negative zero" so that 0 is not counted twice. Only integer arithmetic
 * and uniform integers are used: there is no floating-point sampling to attack (Mironov 2012).
 */
final class DiscreteLaplaceSampler {
    private final Rational scale;
    private final BigInteger t;
    private final BigInteger s;
    private final boolean fitsInLong;

    DiscreteLaplaceSampler(Rational scale) {
        this.scale = requireNonNull(scale, "scale is null");
        if (scale.isZero()) {
            throw new IllegalArgumentException("scale must be > 0, was " + scale);
        }
        Rational reduced = scale.reduced();
        this.t = reduced.numerator();
        this.s = reduced.denominator();
        this.fitsInLong = t.bitLength() < 62 && s.bitLength() < 62;
    }

    Rational scale() {
        return scale;
    }

    /**
     * One sample. The result fits in a long with overwhelming probability for every scale this
     * package uses (at most about 2^41): exceeding 2^63 has probability below exp(-2^21).
     */
    long sample(RandomBits random) {
        return fitsInLong ? sampleLong(random, t.longValue(), s.longValue()) : sampleBig(random);
    }

    private static long sampleLong(RandomBits random, long t, long s) {
        while (true) {
            long u = random.nextLong(t);
            if (!ExactBernoulli.expMinusAtMostOne(random, u, t)) {
                continue;
            }
            long v = 0;
            while (ExactBernoulli.expMinusOne(random)) {
                v++;
            }
            long x;
            try {
                x = Math.addExact(u, Math.multiplyExact(t, v));
            } catch (ArithmeticException overflow) {
                BigInteger big =
                        BigInteger.valueOf(t).multiply(BigInteger.valueOf(v)).add(BigInteger.valueOf(u));
                return signed(random, big.divide(BigInteger.valueOf(s)));
            }
            long y = x / s;
            boolean negative = random.nextBoolean();
            if (negative && y == 0) {
                continue;
            }
            return negative ? -y : y;
        }
    }

    private long sampleBig(RandomBits random) {
        while (true) {
            BigInteger u = random.nextBigInteger(t);
            if (!ExactBernoulli.expMinusAtMostOne(random, u, t)) {
                continue;
            }
            long v = 0;
            while (ExactBernoulli.expMinusOne(random)) {
                v++;
            }
            BigInteger y = u.add(t.multiply(BigInteger.valueOf(v))).divide(s);
            boolean negative = random.nextBoolean();
            if (negative && y.signum() == 0) {
                continue;
            }
            return negative ? -y.longValueExact() : y.longValueExact();
        }
    }

    /** Rare overflow path of the long sampler: the magnitude is already non-zero or rejected. */
    private static long signed(RandomBits random, BigInteger y) {
        boolean negative = random.nextBoolean();
        return negative ? -y.longValueExact() : y.longValueExact();
    }
}
