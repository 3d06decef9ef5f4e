package dev.veil.dp;

import java.math.BigInteger;

/**
 * The one source of randomness of every sampler in this package: uniformly random 64-bit words.
 *
 * <p>All distributions are built from these bits with exact integer arithmetic, never from a
 * uniform double. Production code always uses {@link #secure()}; the interface is package-private
 * so that a deterministic source can only be injected by Java test code living in this package,
 * never through configuration, system properties or a public API.
 */
interface RandomBits {
    /** 64 uniformly random bits. */
    long nextLong();

    /**
     * {@code bits} uniformly random bits (1 to 64) in the low end of a long. Sources that pool bits
     * override this so that small draws do not consume a whole word each.
     */
    default long nextBits(int bits) {
        return nextLong() >>> (64 - bits);
    }

    /** The cryptographically secure default, backed by {@link java.security.SecureRandom}. */
    static RandomBits secure() {
        return new SecureRandomBits();
    }

    default boolean nextBoolean() {
        return nextBits(1) != 0;
    }

    /** A uniform integer in {@code [0, bound)}, by rejection so that no value is favoured. */
    default long nextLong(long bound) {
        if (bound <= 0) {
            throw new IllegalArgumentException("bound must be > 0, was " + bound);
        }
        int bits = 64 - Long.numberOfLeadingZeros(bound - 1 | 1);
        while (true) {
            long candidate = nextBits(bits);
            if (candidate < bound) {
                return candidate;
            }
        }
    }

    /** A uniform integer in {@code [0, bound)}, by rejection on the bit length of the bound. */
    default BigInteger nextBigInteger(BigInteger bound) {
        if (bound.signum() <= 0) {
            throw new IllegalArgumentException("bound must be > 0, was " + bound);
        }
        if (bound.bitLength() < 63) {
            return BigInteger.valueOf(nextLong(bound.longValue()));
        }
        int bits = bound.bitLength();
        int words = (bits + 63) / 64;
        byte[] bytes = new byte[words * 8];
        while (true) {
            for (int w = 0; w < words; w++) {
                long word = nextLong();
                for (int b = 0; b < 8; b++) {
                    bytes[w * 8 + b] = (byte) (word >>> (8 * b));
                }
            }
            // Keep exactly `bits` uniform bits, so that a candidate is accepted with probability > 1/2.
            BigInteger candidate = new BigInteger(1, bytes).shiftRight(words * 64 - bits);
            if (candidate.compareTo(bound) < 0) {
                return candidate;
            }
        }
    }
}
