package dev.veil.dp;

import java.util.SplittableRandom;

/** A deterministic bit source for reproducible tests; reachable from test code only. */
final class SeededRandomBits implements RandomBits {
    private final SplittableRandom random;

    SeededRandomBits(long seed) {
        this.random = new SplittableRandom(seed);
    }

    @Override
    public long nextLong() {
        return random.nextLong();
    }
}
