package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DoubleChunksTest {
    @Test
    void valuesComeBackInOrderAcrossChunks() {
        DoubleChunks chunks = new DoubleChunks();
        long n = 2L * DoubleChunks.CHUNK + 12345;
        for (long i = 0; i < n; i++) {
            chunks.add(i * 0.5);
        }
        assertEquals(n, chunks.size());
        long next = 0;
        for (int k = 0; k < chunks.chunks(); k++) {
            for (int i = 0; i < chunks.length(k); i++) {
                assertEquals(next * 0.5, chunks.chunk(k)[i]);
                next++;
            }
        }
        assertEquals(n, next);
        for (int k = 0; k < chunks.chunks(); k++) {
            assertTrue(chunks.chunk(k).length <= DoubleChunks.CHUNK, "chunk " + k + " is at most CHUNK");
            if (k < chunks.chunks() - 1) {
                assertEquals(chunks.chunk(k).length, chunks.length(k), "chunk " + k + " is full");
            }
        }
        assertTrue(chunks.bytes() >= 8 * n, "bytes counts every value");
    }

    @Test
    void aShortListTakesLittleMoreThanItsValues() {
        DoubleChunks chunks = new DoubleChunks();
        for (int i = 0; i < 100; i++) {
            chunks.add(i);
        }
        assertEquals(100, chunks.size());
        assertTrue(chunks.bytes() < 2048, "bytes " + chunks.bytes());
        double sum = 0;
        for (int k = 0; k < chunks.chunks(); k++) {
            for (int i = 0; i < chunks.length(k); i++) {
                sum += chunks.chunk(k)[i];
            }
        }
        assertEquals(4950, sum);
    }
}
