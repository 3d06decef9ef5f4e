package dev.veil.exec.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class KeySetTest {
    private static KeySet of(long... keys) {
        KeySet.Builder b = new KeySet.Builder();
        for (long k : keys) {
            b.add(k);
        }
        return b.build();
    }

    @Test
    void denseKeysAnswerLikeAHashSet() {
        Random random = new Random(7);
        Set<Long> expected = new HashSet<>();
        KeySet.Builder b = new KeySet.Builder();
        for (int i = 0; i < 50_000; i++) {
            long k = 1_000 + random.nextInt(200_000);
            expected.add(k);
            b.add(k);
        }
        KeySet keys = b.build();
        assertEquals(expected.size(), keys.size());
        for (long k = 0; k < 202_000; k++) {
            assertEquals(expected.contains(k), keys.contains(k), "key " + k);
        }
    }

    @Test
    void sparseAndExtremeKeysAreFound() {
        KeySet keys = of(Long.MIN_VALUE, Long.MAX_VALUE, 0, -5, 1L << 40, 1L << 40);
        assertEquals(5, keys.size());
        assertTrue(keys.contains(Long.MIN_VALUE));
        assertTrue(keys.contains(Long.MAX_VALUE));
        assertTrue(keys.contains(0));
        assertTrue(keys.contains(-5));
        assertTrue(keys.contains(1L << 40));
        assertFalse(keys.contains(1));
        assertFalse(keys.contains(Long.MIN_VALUE + 1));
        assertFalse(keys.contains((1L << 40) + 1));
    }

    @Test
    void smallestKeyOfADenseSetIsFound() {
        KeySet keys = of(Long.MIN_VALUE, Long.MIN_VALUE + 3);
        assertTrue(keys.contains(Long.MIN_VALUE));
        assertTrue(keys.contains(Long.MIN_VALUE + 3));
        assertFalse(keys.contains(Long.MIN_VALUE + 1));
    }

    @Test
    void emptySetContainsNothing() {
        KeySet keys = of();
        assertEquals(0, keys.size());
        assertFalse(keys.contains(0));
        assertFalse(keys.contains(Long.MIN_VALUE));
    }

    @Test
    void aBatchFilterKeepsExactlyTheRowsWhoseKeyIsInTheSet() {
        Random random = new Random(11);
        long[] keys = new long[4096];
        for (int i = 0; i < keys.length; i++) {
            keys[i] = i % 7 == 0 ? random.nextLong() : random.nextInt(5_000) - 100;
        }
        keys[0] = Long.MIN_VALUE;
        keys[1] = Long.MAX_VALUE;
        KeySet dense = of(java.util.stream.LongStream.range(0, 4_000)
                .filter(k -> k % 3 != 0)
                .toArray());
        KeySet sparse = of(Long.MIN_VALUE, -7, 3, 1L << 40, Long.MAX_VALUE);
        long[] bits = new long[80];
        for (int k = 0; k < 80 * 64; k += 5) {
            bits[k >>> 6] |= 1L << k;
        }
        KeySet ofBits = KeySet.ofBits(-50, bits);
        assertEquals(80 * 64 / 5, ofBits.size()); // bits 0, 5, .., 5115
        for (KeySet set : new KeySet[] {dense, sparse, ofBits, of()}) {
            int[] rows = new int[keys.length];
            for (int i = 0; i < rows.length; i++) {
                rows[i] = (i * 31) % rows.length; // not in order, every row once
            }
            int[] expected = java.util.Arrays.stream(rows)
                    .filter(r -> set.contains(keys[r]))
                    .toArray();
            int kept = set.filter(keys, rows, rows.length);
            assertEquals(expected.length, kept, set.toString());
            assertTrue(java.util.Arrays.equals(expected, java.util.Arrays.copyOf(rows, kept)), set.toString());
        }
        assertTrue(ofBits.contains(-50));
        assertFalse(ofBits.contains(-49));
        assertTrue(ofBits.contains(-45));
        assertFalse(ofBits.contains(-55));
        assertFalse(KeySet.ofBits(3, new long[2]).contains(3), "no bit, no key");
    }

    @Test
    void keysThatTurnSparseMidwayAreAllKept() {
        Random random = new Random(13);
        Set<Long> expected = new HashSet<>();
        KeySet.Builder b = new KeySet.Builder();
        // Ascending dense runs, then a run below the first key, then keys far apart.
        long[][] runs = {{5_000_000, 5_300_000}, {-200_000, -1}, {1L << 59, (1L << 59) + 100}};
        for (long[] run : runs) {
            for (long k = run[0]; k < run[1]; k += 1 + random.nextInt(40)) {
                expected.add(k);
                b.add(k);
                b.add(k);
            }
        }
        for (int i = 0; i < 1_000; i++) {
            long k = random.nextLong();
            expected.add(k);
            b.add(k);
        }
        KeySet keys = b.build();
        assertEquals(expected.size(), keys.size());
        for (long k : expected) {
            assertTrue(keys.contains(k), "key " + k);
            assertFalse(!expected.contains(k + 1) && keys.contains(k + 1), "key " + (k + 1));
        }
        for (long k = -210_000; k < 5_400_000; k += 7) {
            assertEquals(expected.contains(k), keys.contains(k), "key " + k);
        }
    }

    @Test
    void denseKeysInAnyOrderKeepTheirExactBounds() {
        Random random = new Random(17);
        long[] keys = java.util.stream.LongStream.range(-700, 90_000)
                .filter(k -> random.nextInt(5) == 0)
                .toArray();
        for (int i = keys.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = keys[i];
            keys[i] = keys[j];
            keys[j] = t;
        }
        KeySet set = of(keys);
        long[] sorted = keys.clone();
        java.util.Arrays.sort(sorted);
        assertTrue(java.util.Arrays.equals(sorted, set.toArray()));
        assertEquals(keys.length / ((double) sorted[sorted.length - 1] - sorted[0] + 1), set.density(), 1e-12);
        assertFalse(set.contains(sorted[0] - 1));
        assertFalse(set.contains(sorted[sorted.length - 1] + 1));
    }
}
