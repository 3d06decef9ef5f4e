package dev.veil.control;

import dev.veil.storage.PlainChunks;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongUnaryOperator;

/**
 * The memory of the whole process that statements and caches may use, in estimated bytes of heap:
 * a statement takes what it needs from here as it grows (through its {@link StatementMemory}) and
 * gives it all back when it ends, so the sum over all running statements stays below the heap.
 * A statement that asks for more than is free waits, at most {@link #maxWait}, for others to end;
 * then it fails with MEMORY_LIMIT_EXCEEDED. Before a request waits or fails, the pool asks its
 * reclaimers (caches such as the unit maps) to give memory back. A thread that waits gives its
 * run slot ({@link CpuScheduler}) back meanwhile, so that no statement waits for a slot while
 * holding memory that the slots' holders wait for. Thread-safe.
 *
 * <p><b>Headroom for small statements.</b> The last {@linkplain #headroom() quarter} of the pool is
 * kept for small statements: a request that leaves its statement holding more than
 * {@linkplain #smallStatement() a sixty-fourth of the pool} (and every request of a cache) is
 * granted only while that quarter stays free (sixteen small statements fill it). So a few memory-hungry statements that fill the pool
 * between them make each other wait, while the simple queries of other analysts still get the
 * little memory they need at once, instead of waiting behind them for {@link #maxWait} and failing.
 */
public final class MemoryPool {
    /** The share of the heap ({@code -Xmx}) the pool holds unless configured otherwise. */
    public static final double DEFAULT_HEAP_FRACTION = 0.6;
    /** How long a request waits for memory unless configured otherwise. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(10);

    private static volatile MemoryPool shared = new MemoryPool(defaultCapacity(), DEFAULT_MAX_WAIT);

    static {
        // The decrypted chunks of encrypted warehouses are a cache of this pool, like the unit maps.
        PlainChunks.useMemory(bytes -> {
            MemoryPool pool = shared;
            return pool.tryReserve(bytes) ? () -> pool.release(bytes) : null;
        });
        shared.addReclaimer(PlainChunks::reclaimAll);
    }

    private final long capacity;
    private final Duration maxWait;
    private final long headroom;
    private final long smallStatement;
    private final List<LongUnaryOperator> reclaimers = new CopyOnWriteArrayList<>();
    private long used;

    /** A pool of {@code capacity} bytes whose requests wait at most {@code maxWait}. */
    public MemoryPool(long capacity, Duration maxWait) {
        if (capacity <= 0) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        if (maxWait == null || maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must be zero or positive: " + maxWait);
        }
        this.capacity = capacity;
        this.maxWait = maxWait;
        this.headroom = capacity / 4;
        this.smallStatement = capacity / 64;
    }

    /** {@value #DEFAULT_HEAP_FRACTION} of the maximum heap. */
    public static long defaultCapacity() {
        return (long) (Runtime.getRuntime().maxMemory() * DEFAULT_HEAP_FRACTION);
    }

    /** The pool of this process. */
    public static MemoryPool shared() {
        return shared;
    }

    /**
     * Replaces the pool of this process (the server does so at startup); statements running on the
     * old pool give their memory back to it. Returns the previous pool.
     */
    public static MemoryPool useShared(MemoryPool pool) {
        if (pool == null) {
            throw new IllegalArgumentException("pool is null");
        }
        MemoryPool previous = shared;
        pool.reclaimers.addAll(previous.reclaimers);
        shared = pool;
        return previous;
    }

    public long capacity() {
        return capacity;
    }

    public Duration maxWait() {
        return maxWait;
    }

    /** The bytes kept free for small statements: a quarter of the pool. */
    public long headroom() {
        return headroom;
    }

    /** The most a statement may hold and still take from the {@linkplain #headroom() headroom}: a sixty-fourth of the pool. */
    public long smallStatement() {
        return smallStatement;
    }

    /** The bytes taken right now. */
    public synchronized long used() {
        return used;
    }

    /**
     * Registers a cache that can give memory back: called with the bytes wanted, it frees what it
     * can (through {@link #release}) and returns how much it freed. Called without the pool's lock.
     */
    public void addReclaimer(LongUnaryOperator reclaimer) {
        reclaimers.add(reclaimer);
    }

    /**
     * Takes {@code bytes} for a holder (a statement) that holds {@code heldAfter} bytes once they are
     * taken, waiting up to {@link #maxWait} for them to become free; false if they did not (nothing
     * is taken then). A holder that stays {@linkplain #smallStatement() small} may use the
     * {@linkplain #headroom() headroom}; others may not. A request that could never be granted
     * fails at once.
     */
    public boolean reserve(long bytes, long heldAfter) {
        if (heldAfter < bytes) {
            throw new IllegalArgumentException("a holder holds at least what it takes: " + heldAfter + " < " + bytes);
        }
        return reserve(bytes, limitFor(heldAfter), maxWait);
    }

    /**
     * Takes {@code bytes} for a cache if they are free right now, headroom kept, after asking the
     * reclaimers; never waits.
     */
    public boolean tryReserve(long bytes) {
        return reserve(bytes, capacity - headroom, Duration.ZERO);
    }

    /** The most the pool may hold after granting a request that leaves its holder with {@code heldAfter}. */
    private long limitFor(long heldAfter) {
        return heldAfter <= smallStatement ? capacity : capacity - headroom;
    }

    private boolean reserve(long bytes, long limit, Duration wait) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative reservation: " + bytes);
        }
        if (bytes == 0) {
            return true;
        }
        if (bytes > limit) {
            return false;
        }
        if (take(bytes, limit)) {
            return true;
        }
        reclaim(bytes);
        if (take(bytes, limit)) {
            return true;
        }
        if (wait.isZero()) {
            return false;
        }
        // The statements that hold the memory may be waiting for a run slot: give this thread's back meanwhile.
        CpuScheduler.Paused paused = CpuScheduler.pauseCurrent();
        if (!waitFor(bytes, limit, System.nanoTime() + wait.toNanos())) {
            return false;
        }
        paused.resume();
        return true;
    }

    private synchronized boolean waitFor(long bytes, long limit, long deadline) {
        while (used + bytes > limit) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            try {
                wait(Math.max(1, left / 1_000_000));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        used += bytes;
        return true;
    }

    private synchronized boolean take(long bytes, long limit) {
        if (used + bytes <= limit) {
            used += bytes;
            return true;
        }
        return false;
    }

    private void reclaim(long bytes) {
        long wanted = bytes;
        for (LongUnaryOperator reclaimer : reclaimers) {
            if (wanted <= 0) {
                return;
            }
            wanted -= reclaimer.applyAsLong(wanted);
        }
    }

    /** Gives back {@code bytes} taken earlier. */
    public synchronized void release(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative release: " + bytes);
        }
        used = Math.max(0, used - bytes);
        notifyAll();
    }

    @Override
    public String toString() {
        return "MemoryPool(" + used() + " of " + capacity + " bytes)";
    }
}
