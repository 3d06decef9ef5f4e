package dev.veil.exec.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.RemoteKind;
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
    void whetherAConsentConditionIsPushedDependsOnTheSourcesSizeOnly() {
        // One key per row of the source at most: the plan's choice can never meet a set too large.
        assertTrue(RemoteConsentCall.fits(4_194_304, false, -1, RemoteKind.POSTGRESQL));
        assertFalse(RemoteConsentCall.fits(4_194_305, true, -1, RemoteKind.POSTGRESQL));
        assertTrue(RemoteConsentCall.fits(42_857, false, -1, RemoteKind.TRINO));
        assertFalse(RemoteConsentCall.fits(42_858, false, -1, RemoteKind.TRINO));
        assertTrue(42_857L * 21 + 2 <= RemoteConsentCall.TRINO_MAX_CHARS);
        // A text key needs a declared length in Trino: 6 characters per character escaped, and quotes.
        assertFalse(RemoteConsentCall.fits(1, true, -1, RemoteKind.TRINO));
        assertTrue(RemoteConsentCall.fits(14_285, true, 10, RemoteKind.TRINO));
        assertFalse(RemoteConsentCall.fits(14_286, true, 10, RemoteKind.TRINO));
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
