package dev.veil.control;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A cap on the statements one user runs at once (on one warehouse): a statement beyond its user's
 * cap waits, at most {@link #maxWait}, for one of the user's statements to end, then fails with
 * TOO_MANY_STATEMENTS. A statement runs from its admission until it ends (a query: until its
 * result is read to the end or closed). Waiting stays cancellable. Thread-safe.
 */
public final class StatementAdmission {
    /** How long a statement waits for admission unless configured otherwise. */
    public static final Duration DEFAULT_MAX_WAIT = Duration.ofSeconds(30);

    private final Duration maxWait;
    private final Map<String, Integer> running = new HashMap<>();

    /** Admission whose statements wait at most {@code maxWait} for their turn. */
    public StatementAdmission(Duration maxWait) {
        requireNonNull(maxWait, "maxWait is null");
        if (maxWait.isNegative()) {
            throw new IllegalArgumentException("maxWait must be zero or positive: " + maxWait);
        }
        this.maxWait = maxWait;
    }

    public Duration maxWait() {
        return maxWait;
    }

    /** How many statements {@code user} runs right now. */
    public synchronized int running(String user) {
        return running.getOrDefault(user, 0);
    }

    /**
     * Admits a statement of {@code user}, who may run {@code limit} at once: at once if the user
     * runs fewer, else after waiting for one to end. Fails with TOO_MANY_STATEMENTS when none
     * ended within {@link #maxWait}, and with QUERY_CANCELLED when {@code cancelFlag} is set
     * meanwhile. Closing the permit ends the statement's admission (idempotent).
     */
    public Permit enter(String user, int limit, AtomicBoolean cancelFlag) {
        requireNonNull(user, "user is null");
        requireNonNull(cancelFlag, "cancelFlag is null");
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        long deadline = System.nanoTime() + maxWait.toNanos();
        synchronized (this) {
            while (running.getOrDefault(user, 0) >= limit) {
                if (cancelFlag.get()) {
                    throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new VeilException(
                            ErrorCode.TOO_MANY_STATEMENTS,
                            "User '" + user + "' already runs " + limit
                                    + " statements, the most allowed at once, and none of them ended within "
                                    + format(maxWait)
                                    + "; read to the end or close open results, or ask an admin for a "
                                    + "higher max_concurrent_statements");
                }
                try {
                    wait(Math.max(1, Math.min(CpuScheduler.POLL_MILLIS, left / 1_000_000)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                }
            }
            running.merge(user, 1, Integer::sum);
        }
        return new Permit(user);
    }

    private synchronized void leave(String user) {
        running.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
        notifyAll();
    }

    private static String format(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
    }

    /** One admitted statement. */
    public final class Permit implements AutoCloseable {
        private final String user;
        private boolean closed;

        private Permit(String user) {
            this.user = user;
        }

        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            leave(user);
        }
    }
}
