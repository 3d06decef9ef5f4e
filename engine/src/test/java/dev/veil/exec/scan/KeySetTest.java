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
}
