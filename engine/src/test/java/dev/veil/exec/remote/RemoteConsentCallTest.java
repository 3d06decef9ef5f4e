package dev.veil.exec.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.veil.exec.scan.KeySet;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

/** How the consenting keys are listed and written for Trino, and where the limit is. */
class RemoteConsentCallTest {
    @Test
    void keysAreWrittenAsAJsonArray() {
        assertEquals("[]", RemoteConsentCall.json(new long[0]));
        assertEquals("[-5,1,9223372036854775807]", RemoteConsentCall.json(new long[] {-5, 1, Long.MAX_VALUE}));
        assertEquals(
                "[\"a\\\"b\",\"c\\\\d\",\"e\\u000af\"]", RemoteConsentCall.json(new String[] {"a\"b", "c\\d", "e\nf"}));
    }

    @Test
    void aSetBeyondTrinosLimitIsNotWritten() {
        long[] fits = LongStream.rangeClosed(100_000, 199_999).toArray();
        assertEquals(700_001, RemoteConsentCall.json(fits).length());
        long[] tooMany = LongStream.rangeClosed(100_000, 299_999).toArray();
        assertNull(RemoteConsentCall.json(tooMany));
    }

    @Test
    void aKeySetListsItsKeysInOrderInEitherRepresentation() {
        KeySet.Builder table = new KeySet.Builder();
        for (long k : new long[] {1L << 40, -7, Long.MIN_VALUE, 3}) {
            table.add(k);
        }
        assertArrayEquals(
                new long[] {Long.MIN_VALUE, -7, 3, 1L << 40}, table.build().toArray());
        long[] bits = new long[3];
        for (int i : new int[] {0, 5, 64, 130}) {
            bits[i / 64] |= 1L << (i % 64);
        }
        assertArrayEquals(new long[] {10, 15, 74, 140}, KeySet.ofBits(10, bits).toArray());
        assertArrayEquals(new long[0], new KeySet.Builder().build().toArray());
    }
}
