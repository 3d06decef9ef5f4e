package dev.veil.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Batches numbered 0, 1, 2, ... in scan order, produced by two threads and consumed in that order
 * on the caller's thread: a helper thread claims the next unclaimed batch and produces it into its
 * slot; the caller consumes the next batch as soon as it is ready and, while it is not, claims and
 * produces one itself. So the consumer sees every batch once, in scan order, whoever produced it,
 * and the production takes two processors whenever the consumer keeps up.
 *
 * <p>A batch is claimed only while it is fewer than the slots ahead of the next one to consume, so
 * batch {@code i} always has slot {@code i % slots} to itself; each producer is asked for
 * increasing batch numbers (it skips the others' batches). The batch that the consumer waits for
 * is always being produced, or is unclaimed and then claimable: the two cannot wait on each other.
 * A producer that finds no batch {@code i} marks the end there. One use per instance.
 *
 * @param <S> a slot's type
 */
final class OrderedBatches<S> {
    /** Produces batches into slots; asked for increasing numbers, on one thread. */
    @FunctionalInterface
    interface Producer<S> {
        /** Produces batch {@code index} into {@code slot}; false when there is none (the end). */
        boolean produce(int index, S slot);
    }

    /** Takes the produced batches in order, on the caller's thread. */
    @FunctionalInterface
    interface Sink<S> {
        void take(S slot);
    }

    private final List<S> slots;
    private final boolean[] ready;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private int nextClaim;
    private int consumed;
    private int end = Integer.MAX_VALUE;
    private boolean stopped;
    private Throwable failure;

    OrderedBatches(List<S> slots) {
        this.slots = List.copyOf(requireNonNull(slots, "slots is null"));
        if (this.slots.size() < 2) {
            throw new IllegalArgumentException("need at least two slots, got " + this.slots.size());
        }
        this.ready = new boolean[this.slots.size()];
    }

    /**
     * Runs {@code helper} on a new daemon thread named {@code threadName} and {@code caller} with
     * {@code sink} on this one until every batch was consumed; a failure of either side stops both
     * and is thrown here, as is QUERY_CANCELLED once {@code cancelFlag} is set.
     */
    void run(Producer<S> helper, Producer<S> caller, Sink<S> sink, AtomicBoolean cancelFlag, String threadName) {
        Thread thread = new Thread(() -> help(helper), threadName);
        thread.setDaemon(true);
        thread.start();
        try {
            consume(caller, sink, cancelFlag);
        } catch (RuntimeException | Error e) {
            stop();
            HelperThreads.joinQuietly(thread);
            throw e;
        }
        HelperThreads.joinQuietly(thread);
        lock.lock();
        try {
            HelperThreads.rethrow(failure);
        } finally {
            lock.unlock();
        }
    }

    private void help(Producer<S> helper) {
        while (true) {
            int index = claim();
            if (index < 0) {
                return;
            }
            boolean present;
            try {
                present = helper.produce(index, slots.get(index % slots.size()));
            } catch (Throwable t) {
                lock.lock();
                try {
                    if (failure == null) {
                        failure = t;
                    }
                    stopped = true;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
                return;
            }
            publish(index, present);
        }
    }

    /** The next batch for the helper, waiting while it would be too far ahead; -1 at the end or once stopped. */
    private int claim() {
        lock.lock();
        try {
            while (!stopped && nextClaim < end && nextClaim >= consumed + slots.size()) {
                changed.awaitUninterruptibly();
            }
            return stopped || nextClaim >= end ? -1 : nextClaim++;
        } finally {
            lock.unlock();
        }
    }

    private void publish(int index, boolean present) {
        lock.lock();
        try {
            if (present) {
                ready[index % slots.size()] = true;
            } else {
                end = Math.min(end, index);
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void stop() {
        lock.lock();
        try {
            stopped = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void consume(Producer<S> caller, Sink<S> sink, AtomicBoolean cancelFlag) {
        while (true) {
            int produce = -1;
            S take = null;
            lock.lock();
            try {
                if (failure != null) {
                    return; // thrown by run once the helper has ended
                }
                if (consumed >= end) {
                    return;
                }
                int slot = consumed % slots.size();
                if (ready[slot]) {
                    take = slots.get(slot);
                } else if (nextClaim < end && nextClaim < consumed + slots.size()) {
                    produce = nextClaim++;
                } else {
                    try {
                        changed.await(10, TimeUnit.MILLISECONDS);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                    }
                    if (cancelFlag.get()) {
                        throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                    }
                    continue;
                }
            } finally {
                lock.unlock();
            }
            if (take != null) {
                sink.take(take);
                lock.lock();
                try {
                    ready[consumed % slots.size()] = false;
                    consumed++;
                    changed.signalAll();
                } finally {
                    lock.unlock();
                }
            } else {
                publish(produce, caller.produce(produce, slots.get(produce % slots.size())));
            }
        }
    }
}
