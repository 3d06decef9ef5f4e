package dev.veil.dp;

import java.util.Arrays;

/**
 * An append-only list of doubles, for values kept until a release: chunks of 16, 32, 64, ... values
 * up to {@value #CHUNK}, then chunks of that size. Nothing is ever copied (the copies of a list
 * grown by doubling, and the fresh memory each takes, cost more than the appends: 60% of the
 * memory Q1's DP averages allocated), and a short list takes little more than its values.
 */
final class DoubleChunks {
    /** The values of a full chunk: 8 MB. */
    static final int CHUNK = ChunkRecycler.CHUNK;

    /** Where full chunks come from and go back to ({@link ChunkRecycler#install}). */
    static volatile ChunkRecycler recycler = ChunkRecycler.FRESH;

    private final ChunkRecycler chunkSource = recycler;

    private double[][] chunks = {new double[16]};
    /** The chunk being filled, and how many of its values are set. */
    private int last;

    private int used;
    private long size;
    /** The doubles of the chunks allocated. */
    private long allocated = 16;

    /** Appends {@code value}. */
    void add(double value) {
        double[] chunk = chunks[last];
        if (used == chunk.length) {
            chunk = grow();
        }
        chunk[used++] = value;
        size++;
    }

    private double[] grow() {
        int size = Math.min(CHUNK, 2 * chunks[last].length);
        if (last + 1 == chunks.length) {
            chunks = Arrays.copyOf(chunks, 2 * chunks.length);
        }
        last++;
        used = 0;
        // A full-size chunk may be recycled: only its first `used` values are ever read.
        double[] chunk = size == CHUNK ? chunkSource.take(CHUNK) : new double[size];
        chunks[last] = chunk;
        allocated += size;
        return chunk;
    }

    /** How many values were added. */
    long size() {
        return size;
    }

    /**
     * How many chunks hold values: the values, in the order they were added, are those of
     * {@link #chunk}(0) to {@code chunk(chunks() - 1)}, each {@link #length} long. (A caller loops
     * over them itself, so that its own call per value is inlined.)
     */
    int chunks() {
        return last + 1;
    }

    /** Chunk {@code k}. */
    double[] chunk(int k) {
        return chunks[k];
    }

    /** The values in chunk {@code k}. */
    int length(int k) {
        return k == last ? used : chunks[k].length;
    }

    /**
     * Gives the full-size chunks back to the recycler once no one reads the values any longer;
     * the list must not be used again.
     */
    void recycle() {
        for (int k = 0; k <= last; k++) {
            if (chunks[k].length == CHUNK) {
                chunkSource.give(chunks[k]);
            }
        }
        chunks = null;
    }

    /** The heap the values take (called per unit added, so kept rather than summed). */
    long bytes() {
        return 16 + 8L * chunks.length + 16L * (last + 1) + 8L * allocated;
    }
}
