package dev.veil.exec.privacy;

import dev.veil.control.MemoryPool;
import dev.veil.dp.ChunkRecycler;
import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.List;

/**
 * The chunks of recycling {@link ValueArena}s that ended, kept for the next DP aggregation: a
 * chunk is 8 MB, which the collector allocates as a humongous object, and a run of Q1 at SF 1
 * takes about 40 of them; allocating them afresh each run (zeroing, a concurrent cycle per few
 * humongous allocations, pages faulted in) cost a DP aggregation more than appending to them.
 *
 * <p>A recycled chunk holds the values of the run that used it last; it is handed only to an
 * arena whose owner writes every double before it reads it ({@link ValueArena#recycling}), so
 * those values are never read again. At most {@link #MAX_FRACTION} of the server's {@link
 * MemoryPool} is kept, reserved from the pool while kept (and given back when a chunk is taken
 * again, as the statement that takes it accounts it itself); when statements need the pool's
 * memory the chunks are dropped, and they are soft references the collector may clear. The values
 * DP averages and variances keep until their release ({@link ChunkRecycler}) take and give the same
 * chunks.
 */
final class ArenaChunks {
    /** The share of the memory pool the kept chunks may take at most. */
    static final double MAX_FRACTION = 1.0 / 8;

    private static final ArrayDeque<Kept> KEPT = new ArrayDeque<>();
    private static long keptBytes;

    /** For tests and A/B measurements only, never reachable from SQL: every chunk fresh, none kept. */
    static volatile boolean testFresh;

    static {
        MemoryPool.shared().addReclaimer(ArenaChunks::reclaim);
    }

    private ArenaChunks() {}

    /** The DP primitives' view of the kept chunks; installed by {@link DpAccumulators}. */
    static final ChunkRecycler RECYCLER = new ChunkRecycler() {
        @Override
        public double[] take(int length) {
            return ArenaChunks.take(length);
        }

        @Override
        public void give(double[] chunk) {
            ArenaChunks.give(List.of(chunk));
        }
    };

    /** A kept chunk and the pool its bytes are reserved from. */
    private record Kept(SoftReference<double[]> chunk, MemoryPool pool) {
        /** Gives the chunk's bytes back to the pool. */
        long release() {
            long bytes = bytes(ValueArena.CHUNK);
            pool.release(bytes);
            return bytes;
        }
    }

    /** The heap a chunk of {@code length} doubles takes. */
    static long bytes(int length) {
        return 16 + 8L * length;
    }

    /** A chunk of exactly {@code length} doubles, a kept one if there is one (its values are stale). */
    static double[] take(int length) {
        if (testFresh) {
            return new double[length];
        }
        synchronized (KEPT) {
            while (!KEPT.isEmpty()) {
                Kept kept = KEPT.pollLast();
                double[] chunk = kept.chunk().get();
                // A cleared chunk only gives its bytes back.
                keptBytes -= kept.release();
                if (chunk != null && chunk.length == length) {
                    return chunk;
                }
            }
        }
        return new double[length];
    }

    /** Keeps {@code chunks} of the standard length for later runs, as far as the pool has room. */
    static void give(List<double[]> chunks) {
        if (testFresh) {
            return;
        }
        MemoryPool pool = MemoryPool.shared();
        long limit = (long) (pool.capacity() * MAX_FRACTION);
        for (double[] chunk : chunks) {
            if (chunk.length != ValueArena.CHUNK) {
                continue;
            }
            long bytes = bytes(chunk.length);
            synchronized (KEPT) {
                if (keptBytes + bytes > limit) {
                    return;
                }
            }
            if (!pool.tryReserve(bytes)) {
                return;
            }
            synchronized (KEPT) {
                KEPT.addLast(new Kept(new SoftReference<>(chunk), pool));
                keptBytes += bytes;
            }
        }
    }

    /** Drops kept chunks until {@code wanted} bytes are free; returns the bytes freed. */
    private static long reclaim(long wanted) {
        long freed = 0;
        synchronized (KEPT) {
            while (freed < wanted && !KEPT.isEmpty()) {
                long bytes = KEPT.pollFirst().release();
                keptBytes -= bytes;
                freed += bytes;
            }
        }
        return freed;
    }

    /** The bytes kept; for tests. */
    static long keptBytes() {
        synchronized (KEPT) {
            return keptBytes;
        }
    }
}
