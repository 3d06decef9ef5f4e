package dev.veil.dp;

import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;

/**
 * Random bits from the JDK's {@link SecureRandom} (the NIST SP 800-90A DRBG where available).
 *
 * <p>One generator is shared by the JVM; each instance reads it 512 bytes at a time into a private
 * buffer, because a single {@code nextLong()} on a {@code SecureRandom} costs about a microsecond
 * while a buffered word costs a few tens of nanoseconds. Methods are synchronized so that an
 * instance may be shared between threads.
 */
final class SecureRandomBits implements RandomBits {
    private static final SecureRandom SHARED = createGenerator();
    private static final int BUFFER_BYTES = 512;

    private final byte[] buffer = new byte[BUFFER_BYTES];
    private int position = BUFFER_BYTES;
    /** Unused low bits of the last word handed out in pieces by {@link #nextBits}. */
    private long pool;

    private int pooled;

    private static SecureRandom createGenerator() {
        try {
            return SecureRandom.getInstance("DRBG");
        } catch (NoSuchAlgorithmException e) {
            return new SecureRandom();
        }
    }

    @Override
    public synchronized long nextBits(int bits) {
        if (bits == 64) {
            return nextLong();
        }
        if (pooled < bits) {
            pool = nextLong();
            pooled = 64;
        }
        long result = pool & ((1L << bits) - 1);
        pool >>>= bits;
        pooled -= bits;
        return result;
    }

    @Override
    public synchronized long nextLong() {
        if (position == BUFFER_BYTES) {
            SHARED.nextBytes(buffer);
            position = 0;
        }
        long word = 0;
        for (int i = 0; i < 8; i++) {
            word = (word << 8) | (buffer[position + i] & 0xffL);
            buffer[position + i] = 0; // do not keep used bits around
        }
        position += 8;
        return word;
    }
}
