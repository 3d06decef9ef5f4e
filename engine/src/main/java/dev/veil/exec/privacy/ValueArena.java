package dev.veil.exec.privacy;

import java.util.ArrayList;
import java.util.List;

/**
 * Append-only storage of doubles in large chunks, for values an operator keeps until it ends:
 * a handful of big arrays instead of one growing array per key, so nothing is copied as a key's
 * values grow and the garbage collector has few objects to trace or move. An address is the
 * chunk's index in the high 32 bits and the offset in it in the low 32 bits.
 */
final class ValueArena {
    /** The doubles of a chunk: 8 MB. */
    static final int CHUNK = dev.veil.dp.ChunkRecycler.CHUNK;

    private final List<double[]> chunks = new ArrayList<>();
    private final boolean recycling;
    private double[] current;
    private int used;

    /** An arena of fresh chunks: reserved doubles are 0. */
    ValueArena() {
        this(false);
    }

    private ValueArena(boolean recycling) {
        this.recycling = recycling;
    }

    /**
     * An arena whose chunks may be those of an arena that ended ({@link ArenaChunks}): reserved
     * doubles hold stale values, so its owner must write each double before it reads it. {@link
     * #recycle} hands its chunks on when its owner is done.
     */
    static ValueArena recycling() {
        return new ValueArena(true);
    }

    /** Gives the chunks of a recycling arena to later arenas; the arena must not be used again. */
    void recycle() {
        if (!recycling) {
            throw new IllegalStateException("not a recycling arena");
        }
        List<double[]> done = List.copyOf(chunks);
        chunks.clear();
        current = null;
        ArenaChunks.give(done);
    }

    /**
     * Reserves {@code n} consecutive doubles and returns their address: all 0 unless the arena is
     * {@linkplain #recycling() recycling}.
     */
    long allocate(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("negative size " + n);
        }
        if (current == null || current.length - used < n) {
            current = recycling && n <= CHUNK ? ArenaChunks.take(CHUNK) : new double[Math.max(CHUNK, n)];
            chunks.add(current);
            used = 0;
        }
        long address = ((long) (chunks.size() - 1) << 32) | used;
        used += n;
        return address;
    }

    /** The heap the arena's chunks take. */
    long bytes() {
        long bytes = 0;
        for (double[] chunk : chunks) {
            bytes += 16 + 8L * chunk.length;
        }
        return bytes;
    }

    /** The chunk holding {@code address}. */
    double[] chunk(long address) {
        return chunks.get((int) (address >>> 32));
    }

    /** The offset of {@code address} in its chunk. */
    static int offset(long address) {
        return (int) address;
    }
}
