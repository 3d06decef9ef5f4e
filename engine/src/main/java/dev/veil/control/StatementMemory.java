package dev.veil.control;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.lang.ref.Cleaner;
import java.util.HashMap;
import java.util.Map;

/**
 * The memory one statement holds, in estimated bytes of heap, against its limit: the operators
 * that keep rows (hash tables, sort buffers, DP cells, result frames) report what they keep
 * through an {@link Account}, and a report that would take the statement past its limit, or
 * that the server's {@link MemoryPool} cannot cover in time, ends the statement with
 * MEMORY_LIMIT_EXCEEDED. Memory is taken from the pool in steps of {@value #STEP} bytes and all
 * of it goes back when the statement is closed. Thread-safe (a vectorized aggregation reports
 * from two threads).
 */
public final class StatementMemory implements AutoCloseable {
    /** The granularity of the requests to the pool. */
    static final long STEP = 1L << 20;
    /** The share of the heap ({@code -Xmx}) one statement may use unless configured otherwise. */
    public static final double DEFAULT_HEAP_FRACTION = 0.25;
    /** The smallest limit that may be set: below it hardly any query runs. */
    public static final long MIN_LIMIT = 1L << 20;

    private static volatile long defaultLimit = defaultLimitFromHeap();
    private static final Cleaner CLEANER = Cleaner.create();

    private final long limit;
    private final String source;
    private final MemoryPool pool;
    private long used;
    private long peak;
    /** What the statement holds of the pool, in an object of its own so that the cleaner can give it back. */
    private final PoolShare share;

    private final Cleaner.Cleanable cleanable;
    private boolean closed;
    private final Map<Object, Account> accounts = new HashMap<>();

    /**
     * The memory of a statement that may use {@code limit} bytes, taken from {@code pool};
     * {@code source} says where the limit comes from (for the error message).
     */
    public StatementMemory(long limit, String source, MemoryPool pool) {
        if (limit <= 0) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        this.limit = limit;
        this.source = requireNonNull(source, "source is null");
        this.pool = requireNonNull(pool, "pool is null");
        this.share = new PoolShare(pool);
        // A statement whose result is dropped without being closed still gives its memory back.
        this.cleanable = CLEANER.register(this, share);
    }

    /** A statement with the server's default limit, on the process's pool. */
    public static StatementMemory withDefaultLimit() {
        return new StatementMemory(defaultLimit, "the server's default", MemoryPool.shared());
    }

    /** {@value #DEFAULT_HEAP_FRACTION} of the maximum heap. */
    public static long defaultLimitFromHeap() {
        return Math.max(MIN_LIMIT, (long) (Runtime.getRuntime().maxMemory() * DEFAULT_HEAP_FRACTION));
    }

    /** The limit of statements whose principal has no limit of its own. */
    public static long defaultLimit() {
        return defaultLimit;
    }

    /** Sets the limit of statements whose principal has no limit of its own (the server does so at startup). */
    public static void useDefaultLimit(long bytes) {
        if (bytes < MIN_LIMIT) {
            throw new IllegalArgumentException("statement memory limit below " + MIN_LIMIT + " bytes: " + bytes);
        }
        defaultLimit = bytes;
    }

    public long limit() {
        return limit;
    }

    /** The bytes held right now. */
    public synchronized long used() {
        return used;
    }

    /** The most bytes held at any time. */
    public synchronized long peak() {
        return peak;
    }

    /** A new account for one operator of the statement; {@code what} names the operator in errors. */
    public Account account(String what) {
        return new Account(what);
    }

    /**
     * The account of the operator known as {@code key}, made on first use: an operator that runs
     * again in the same statement (inside a correlated loop) keeps one account rather than one per run.
     */
    public synchronized Account account(Object key, String what) {
        return accounts.computeIfAbsent(requireNonNull(key, "key is null"), k -> new Account(what));
    }

    /**
     * Takes {@code bytes} more for {@code what}, or throws MEMORY_LIMIT_EXCEEDED, holding
     * nothing more, if the limit or the pool does not allow it.
     */
    synchronized void reserve(long bytes, String what) {
        if (bytes <= 0) {
            return;
        }
        if (closed) {
            // The statement ended (its result was closed) while an operator still ran: nothing to account.
            return;
        }
        long next = used + bytes;
        if (next > limit) {
            throw new VeilException(
                    ErrorCode.MEMORY_LIMIT_EXCEEDED,
                    "The statement needs more than its memory limit of "
                            + MemorySize.format(limit) + " (" + source + ") in " + what
                            + "; ask an admin for a higher limit, or make the query keep less (fewer groups, rows or columns)");
        }
        long fromPool = share.bytes;
        if (next > fromPool) {
            long want = Math.min(roundUp(next - fromPool), limit - fromPool);
            if (!pool.reserve(want, fromPool + want)) {
                throw new VeilException(
                        ErrorCode.MEMORY_LIMIT_EXCEEDED,
                        "The server's memory is taken by other "
                                + "statements (its pool of " + MemorySize.format(pool.capacity()) + " stayed full for "
                                + pool.maxWait().toSeconds() + " s) while " + what + " needed more; try again later");
            }
            share.bytes += want;
        }
        used = next;
        peak = Math.max(peak, used);
    }

    private static long roundUp(long bytes) {
        return (bytes + STEP - 1) / STEP * STEP;
    }

    /** Gives back {@code bytes} taken earlier; the pool gets back what is no longer needed. */
    synchronized void release(long bytes) {
        if (bytes <= 0 || closed) {
            return;
        }
        used = Math.max(0, used - bytes);
        long spare = share.bytes - roundUp(used) - STEP;
        if (spare > 0) {
            share.bytes -= spare;
            pool.release(spare);
        }
    }

    /** Ends the statement's accounting: everything goes back to the pool. Idempotent. */
    @Override
    public synchronized void close() {
        if (!closed) {
            closed = true;
            cleanable.clean();
            used = 0;
        }
    }

    /**
     * What one operator of the statement holds. Operators either add what they keep as they keep
     * it, or tell the total they hold now ({@link #holdAtLeast}).
     */
    public final class Account {
        private final String what;
        private long held;

        private Account(String what) {
            this.what = requireNonNull(what, "what is null");
        }

        /** Adds {@code bytes} to what the operator holds; MEMORY_LIMIT_EXCEEDED if they do not fit. */
        public synchronized void add(long bytes) {
            if (bytes > 0) {
                reserve(bytes, what);
                held += bytes;
            }
        }

        /** Makes what the operator holds at least {@code total} bytes; MEMORY_LIMIT_EXCEEDED if that does not fit. */
        public synchronized void holdAtLeast(long total) {
            if (total > held) {
                reserve(total - held, what);
                held = total;
            }
        }

        /** Gives back everything the operator holds. */
        public synchronized void releaseAll() {
            release(held);
            held = 0;
        }

        public synchronized long held() {
            return held;
        }
    }

    /** The bytes a statement holds of its pool; running it gives them back (once). */
    private static final class PoolShare implements Runnable {
        private final MemoryPool pool;
        volatile long bytes;

        PoolShare(MemoryPool pool) {
            this.pool = pool;
        }

        @Override
        public synchronized void run() {
            pool.release(bytes);
            bytes = 0;
        }
    }
}
