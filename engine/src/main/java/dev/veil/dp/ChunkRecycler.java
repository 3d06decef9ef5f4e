package dev.veil.dp;

/**
 * Where the values a DP statistic keeps until its release take their full-size chunks from and
 * give them back to once released ({@link DoubleChunks}): by default fresh chunks, dropped; a
 * server installs one that keeps them for the next release ({@link #install}). A chunk handed out
 * may hold the values of an earlier release: its user writes each value before it reads it.
 */
public interface ChunkRecycler {
    /** A chunk of exactly {@code length} doubles, whose values may be stale. */
    double[] take(int length);

    /** Gives back a chunk no one reads any longer. */
    void give(double[] chunk);

    /** The doubles of a full-size chunk: 8 MB. */
    int CHUNK = 1 << 20;

    /** Fresh chunks, none kept. */
    ChunkRecycler FRESH = new ChunkRecycler() {
        @Override
        public double[] take(int length) {
            return new double[length];
        }

        @Override
        public void give(double[] chunk) {}
    };

    /** Makes {@code recycler} the one every later {@link DoubleChunks} uses. */
    static void install(ChunkRecycler recycler) {
        DoubleChunks.recycler = java.util.Objects.requireNonNull(recycler, "recycler is null");
    }
}
