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
    void fullChunksComeFromTheRecyclerStaleAndGoBackToIt() {
        // A recycled chunk holds another list's values: only the values added are read back.
        java.util.List<double[]> given = new java.util.ArrayList<>();
        int[] taken = {0};
        ChunkRecycler stale = new ChunkRecycler() {
            @Override
            public double[] take(int length) {
                taken[0]++;
                double[] chunk = new double[length];
                java.util.Arrays.fill(chunk, -7);
                return chunk;
            }

            @Override
            public void give(double[] chunk) {
                given.add(chunk);
            }
        };
        ChunkRecycler before = DoubleChunks.recycler;
        DoubleChunks chunks;
        try {
            ChunkRecycler.install(stale);
            chunks = new DoubleChunks();
        } finally {
            ChunkRecycler.install(before);
        }
        long n = 2L * DoubleChunks.CHUNK + 99;
        for (long i = 0; i < n; i++) {
            chunks.add(i);
        }
        long next = 0;
        for (int k = 0; k < chunks.chunks(); k++) {
            for (int i = 0; i < chunks.length(k); i++) {
                assertEquals(next++, chunks.chunk(k)[i]);
            }
        }
        assertEquals(n, next);
        assertEquals(2, taken[0], "the full-size chunks, and only they, come from the recycler");
        chunks.recycle();
        assertEquals(2, given.size(), "the full-size chunks go back");
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
