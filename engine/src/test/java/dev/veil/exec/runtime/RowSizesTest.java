package dev.veil.exec.runtime;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The size estimates must not fall below what a value's objects take. */
class RowSizesTest {
    @Test
    void decimalEstimateCoversItsUnscaledValueAtEveryPrecision() {
        Random random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            int bits = 1 + random.nextInt(400);
            BigInteger unscaled = new BigInteger(bits, random);
            if (random.nextBoolean()) {
                unscaled = unscaled.negate();
            }
            BigDecimal d = new BigDecimal(unscaled, random.nextInt(40) - 10);
            long bytes = RowSizes.value(d);
            assertTrue(bytes >= 96 + d.unscaledValue().bitLength() / 8, d.toString());
            assertTrue(bytes >= 96 + (d.unscaledValue().bitLength() + 7) / 8, d.toString());
        }
        for (long v : new long[] {0, 1, -1, Long.MAX_VALUE, Long.MIN_VALUE, 999_999_999_999_999_999L}) {
            BigDecimal d = BigDecimal.valueOf(v, 2);
            assertTrue(RowSizes.value(d) >= 96 + (d.unscaledValue().bitLength() + 7) / 8, d.toString());
        }
    }
}
