package dev.veil.control;

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
 */
public final class MemoryPool {
    /** The share of the heap ({@code -Xmx}) the pool holds unless configured otherwise. */
    public static final double DEFAULT_HEAP_FRACTION = 0.6;
    /** How long a request waits for memory unless configured otherwise. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(10);

    private static volatile MemoryPool shared = new MemoryPool(defaultCapacity(), DEFAULT_MAX_WAIT);

    private final long capacity;
    private final Duration maxWait;
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
     * Takes {@code bytes}, waiting up to {@link #maxWait} for them to become free; false if they did
     * not (nothing is taken then). A request larger than the whole pool fails at once.
     */
    public boolean reserve(long bytes) {
        return reserve(bytes, maxWait);
    }

    /** Takes {@code bytes} if they are free right now, after asking the reclaimers; never waits. */
    public boolean tryReserve(long bytes) {
        return reserve(bytes, Duration.ZERO);
    }

    private boolean reserve(long bytes, Duration wait) {
        if (bytes < 0) {
            throw new IllegalArgumentException("negative reservation: " + bytes);
        }
        if (bytes == 0) {
            return true;
        }
        if (bytes > capacity) {
            return false;
        }
        if (take(bytes)) {
            return true;
        }
        reclaim(bytes);
        if (take(bytes)) {
            return true;
        }
        if (wait.isZero()) {
            return false;
        }
        // The statements that hold the memory may be waiting for a run slot: give this thread's back meanwhile.
        CpuScheduler.Paused paused = CpuScheduler.pauseCurrent();
        if (!waitFor(bytes, System.nanoTime() + wait.toNanos())) {
            return false;
        }
        paused.resume();
        return true;
    }

    private synchronized boolean waitFor(long bytes, long deadline) {
        while (used + bytes > capacity) {
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

    private synchronized boolean take(long bytes) {
        if (used + bytes <= capacity) {
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
