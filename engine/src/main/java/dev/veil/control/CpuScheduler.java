package dev.veil.control;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Shares the processors among running statements, since the JVM's thread priorities do nothing
 * on Linux: a fixed number of run slots (by default one per available processor), and a thread
 * must hold one to plan and run a statement and to compute its rows. A statement is a
 * {@link Task}; a thread takes a slot for it with
 * {@link Task#run} and gives it back when the run (or the enclosing {@link #scope}) ends.
 *
 * <p>The policy is a multilevel feedback queue, in the spirit of Trino's task executor: a
 * statement's level grows with the processor time it has had (under 1 s, under 10 s, under 60 s,
 * more), and at its cancel checks ({@link #checkpoint}) a statement that has run for a quantum
 * ({@value #QUANTUM_MILLIS} ms) gives its slot to a waiting statement that comes first. Which one
 * comes first: each level has a virtual time that grows by the processor time spent at it,
 * weighted 1, 2, 4, 8 from the lowest level up, and the level with the least goes first (ties:
 * the lower level), so new and short statements overtake long ones yet long ones are never
 * starved; within a level, the user who has had the least processor time goes first, so a user
 * with 16 connections gets no more than a user with one; among one user's statements, the one
 * waiting longest. A level or user that becomes busy again starts from the least virtual time of
 * those busy now, without credit or debt from before.
 *
 * <p>Waiting for a slot stays cancellable: the waiter looks at its statement's cancel flag every
 * {@value #POLL_MILLIS} ms and fails with QUERY_CANCELLED once it is set (by a cancel, the
 * statement's time limit, a lost client), so waiting counts toward the time limit. A thread that
 * waits for memory gives its slot back meanwhile ({@link #pauseCurrent}), so that the statements
 * holding the memory can run and free it. When nobody waits, a checkpoint is one volatile read.
 */
public final class CpuScheduler {
    /** How long a statement runs before it gives its slot to a waiting statement that comes first. */
    public static final long QUANTUM_MILLIS = 50;
    /** How often a waiting thread looks at its statement's cancel flag. */
    static final long POLL_MILLIS = 20;
    /** How long a statement waits for a slot at most before it runs beside the slots. */
    static final long MAX_WAIT_MILLIS = 2_000;
    /** The most slots a scheduler may have. */
    public static final int MAX_SLOTS = 1024;
    /** The processor time after which a statement moves up a level: 1 s, 10 s, 60 s. */
    private static final long[] LEVEL_LIMITS = {1_000_000_000L, 10_000_000_000L, 60_000_000_000L};

    private static final int LEVELS = LEVEL_LIMITS.length + 1;

    /** Waiting tasks over all schedulers: while 0, checkpoints return at once. */
    private static final AtomicInteger WAITERS = new AtomicInteger();

    private static final ThreadLocal<ThreadState> THREAD = ThreadLocal.withInitial(ThreadState::new);
    private static volatile CpuScheduler shared = new CpuScheduler(defaultSlots());

    private final int slots;
    private final boolean enabled;
    private final long quantumNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Task> waiting = new ArrayList<>();
    private final long[] levelTime = new long[LEVELS];
    private final int[] levelBusy = new int[LEVELS];
    private final Map<String, UserShare> users = new HashMap<>();
    private int free;
    private long sequence;

    /** What the current thread holds: the task whose slot it runs on, and how many scopes are open. */
    private static final class ThreadState {
        Task held;
        int scopes;
    }

    /** The processor time of one user's busy statements. */
    private static final class UserShare {
        long time;
        int busy;
    }

    /** A scheduler with {@code slots} run slots. */
    public CpuScheduler(int slots) {
        this(slots, true);
    }

    /**
     * A scheduler with {@code slots} run slots; one that is not {@code enabled} lets every thread
     * run at once (for measuring what the scheduling does; never reachable by users).
     */
    public CpuScheduler(int slots, boolean enabled) {
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("slots must be between 1 and " + MAX_SLOTS + ": " + slots);
        }
        this.slots = slots;
        this.enabled = enabled;
        this.free = slots;
        this.quantumNanos = Duration.ofMillis(QUANTUM_MILLIS).toNanos();
    }

    /** One slot per processor the JVM may use. */
    public static int defaultSlots() {
        return Math.max(1, Math.min(MAX_SLOTS, Runtime.getRuntime().availableProcessors()));
    }

    /** The scheduler of this process. */
    public static CpuScheduler shared() {
        return shared;
    }

    /**
     * Replaces the scheduler of this process (the server does so at startup); statements already
     * running stay on the old one. Returns the previous scheduler.
     */
    public static CpuScheduler useShared(CpuScheduler scheduler) {
        CpuScheduler previous = shared;
        shared = requireNonNull(scheduler, "scheduler is null");
        return previous;
    }

    public int slots() {
        return slots;
    }

    /** How many threads wait for a slot right now. */
    public int waiting() {
        lock.lock();
        try {
            return waiting.size();
        } finally {
            lock.unlock();
        }
    }

    /** How many slots are free right now. */
    public int free() {
        lock.lock();
        try {
            return free;
        } finally {
            lock.unlock();
        }
    }

    /** A new task for a statement of {@code user}, stopped through {@code cancelFlag}. */
    public Task task(String user, AtomicBoolean cancelFlag) {
        return new Task(this, user, cancelFlag);
    }

    /**
     * Opens a scope on the current thread: a slot taken inside it is kept until the scope closes
     * (one server request: a statement's execution and first rows, or one fetch of rows), instead
     * of being given back at the end of each {@link Task#run}.
     */
    public static Scope scope() {
        THREAD.get().scopes++;
        return SCOPE;
    }

    private static final Scope SCOPE = () -> {
        ThreadState state = THREAD.get();
        if (--state.scopes == 0 && state.held != null) {
            state.held.scheduler.release(state.held, state);
        }
    };

    /** A scope of {@link #scope}: closing it gives back the slot taken inside it. */
    @FunctionalInterface
    public interface Scope extends AutoCloseable {
        @Override
        void close();
    }

    /** A run of {@link Task#run}: closing it gives back the slot it took, unless a scope keeps it. */
    @FunctionalInterface
    public interface Run extends AutoCloseable {
        @Override
        void close();
    }

    private static final Run NOTHING = () -> {};

    /**
     * A cancel check's part in scheduling: the statement that the current thread runs gives its
     * slot to a waiting statement that comes first, once it has run for a quantum, and waits for
     * its turn (QUERY_CANCELLED if it is stopped meanwhile). Returns at once when nobody waits.
     */
    public static void checkpoint() {
        if (WAITERS.get() == 0) {
            return;
        }
        Task task = THREAD.get().held;
        if (task != null) {
            task.scheduler.maybeYield(task);
        }
    }

    /**
     * Gives back the current thread's slot while it waits for something other statements may
     * hold (memory); {@link Paused#resume} takes one again. Does nothing on a thread without a slot.
     */
    public static Paused pauseCurrent() {
        ThreadState state = THREAD.get();
        Task task = state.held;
        if (task == null) {
            return NOT_PAUSED;
        }
        task.scheduler.release(task, state);
        return () -> task.scheduler.acquire(task, false);
    }

    /** The current thread's state, forgetting a task whose slot was given back by another thread ({@link Task#close}). */
    private static ThreadState held() {
        ThreadState state = THREAD.get();
        Task task = state.held;
        if (task != null && task.scheduler.enabled && !task.holding) {
            state.held = null;
        }
        return state;
    }

    private static final Paused NOT_PAUSED = () -> {};

    /** A slot given back by {@link #pauseCurrent}. */
    @FunctionalInterface
    public interface Paused {
        /**
         * Takes a slot again, waiting for its turn; if the statement is stopped meanwhile, it goes
         * on without one, to fail at its next cancel check.
         */
        void resume();
    }

    // ----- the queue

    private void acquire(Task task, boolean failOnStop) {
        ThreadState state = held();
        if (state.held != null) {
            return;
        }
        if (!enabled) {
            state.held = task;
            return;
        }
        lock.lock();
        try {
            if (free > 0 && waiting.isEmpty()) {
                free--;
                busy(task, +1);
                grant(task, task.level());
                state.held = task;
                return;
            }
            enqueue(task);
        } finally {
            lock.unlock();
        }
        awaitTurn(task, state, failOnStop);
    }

    /**
     * Parks until {@code task} is granted a slot; on a stop, leaves the queue (and fails if asked to).
     * A task that has waited {@value #MAX_WAIT_MILLIS} ms runs anyway, beside the slots, so that no
     * statement ever waits long, whatever holds the slots.
     */
    private void awaitTurn(Task task, ThreadState state, boolean failOnStop) {
        long waitedSince = System.nanoTime();
        while (!task.granted) {
            if (System.nanoTime() - waitedSince > MAX_WAIT_MILLIS * 1_000_000) {
                lock.lock();
                try {
                    if (!task.granted) {
                        dequeue(task);
                        task.extra = true;
                        grant(task, task.waitLevel);
                    }
                } finally {
                    lock.unlock();
                }
                break;
            }
            // An interrupted thread could not park: it stops waiting as if its statement were stopped.
            if (task.cancelFlag.get() || task.closed || Thread.currentThread().isInterrupted()) {
                lock.lock();
                try {
                    if (!task.granted) {
                        dequeue(task);
                        busy(task, -1);
                        if (failOnStop) {
                            throw cancelled();
                        }
                        return;
                    }
                } finally {
                    lock.unlock();
                }
                break;
            }
            LockSupport.parkNanos(this, POLL_MILLIS * 1_000_000);
        }
        state.held = task;
    }

    private void release(Task task, ThreadState state) {
        state.held = null;
        if (!enabled) {
            return;
        }
        lock.lock();
        try {
            if (!task.holding) {
                return;
            }
            charge(task, System.nanoTime());
            task.holding = false;
            levelBusy[task.heldLevel]--;
            busy(task, -1);
            giveBack(task);
        } finally {
            lock.unlock();
        }
    }

    /** Gives the slot of {@code task} to the next waiter; a task that ran beside the slots had none. */
    private void giveBack(Task task) {
        if (task.extra) {
            task.extra = false;
        } else {
            handOff();
        }
    }

    private void maybeYield(Task task) {
        if (!task.holding || task.extra) {
            return;
        }
        long now = System.nanoTime();
        if (now - task.since < quantumNanos) {
            return;
        }
        ThreadState state = THREAD.get();
        lock.lock();
        try {
            charge(task, now);
            if (waiting.isEmpty()) {
                return;
            }
            Task next = first();
            if (!before(next, next.waitLevel, next.seq, task, task.heldLevel, Long.MAX_VALUE)) {
                return;
            }
            task.holding = false;
            levelBusy[task.heldLevel]--;
            enqueue(task);
            dequeue(next);
            grant(next, next.waitLevel);
        } finally {
            lock.unlock();
        }
        state.held = null;
        awaitTurn(task, state, true);
    }

    /** Adds time run since the task's last charge to its, its level's and its user's. */
    private void charge(Task task, long now) {
        long ran = Math.max(0, now - task.since);
        task.since = now;
        int level = task.level();
        task.runNanos += ran;
        levelTime[level] += ran << level;
        UserShare user = users.get(task.user);
        if (user != null) {
            user.time += ran;
        }
        int after = task.level();
        if (after != level && task.holding) {
            // A running task that moves up a level moves its count, and the level joins the busy ones
            // level with them (else an idle level's old, small time would let it keep its slot).
            levelBusy[task.heldLevel]--;
            joinBusy(after);
            levelBusy[after]++;
            task.heldLevel = after;
        }
    }

    /** A level that becomes busy again starts level with the busy ones: no credit, no debt. */
    private void joinBusy(int level) {
        if (levelBusy[level] > 0 || levelWaits(level)) {
            return;
        }
        long least = Long.MAX_VALUE;
        for (int l = 0; l < LEVELS; l++) {
            if (l != level && (levelBusy[l] > 0 || levelWaits(l))) {
                least = Math.min(least, levelTime[l]);
            }
        }
        if (least != Long.MAX_VALUE) {
            levelTime[level] = least;
        }
    }

    private void handOff() {
        if (waiting.isEmpty()) {
            free++;
            return;
        }
        Task next = first();
        dequeue(next);
        grant(next, next.waitLevel);
    }

    private void grant(Task task, int level) {
        task.holding = true;
        task.heldLevel = level;
        levelBusy[level]++;
        task.since = System.nanoTime();
        Thread thread = task.waiter;
        task.waiter = null;
        task.granted = true;
        if (thread != null) {
            LockSupport.unpark(thread);
        }
    }

    private void enqueue(Task task) {
        if (!task.counted) {
            busy(task, +1);
        }
        int level = task.level();
        joinBusy(level);
        task.waitLevel = level;
        task.seq = ++sequence;
        task.granted = false;
        task.waiter = Thread.currentThread();
        waiting.add(task);
        WAITERS.incrementAndGet();
    }

    private void dequeue(Task task) {
        if (waiting.remove(task)) {
            WAITERS.decrementAndGet();
        }
    }

    private boolean levelWaits(int level) {
        for (Task t : waiting) {
            if (t.waitLevel == level) {
                return true;
            }
        }
        return false;
    }

    /** The waiting task that comes first. */
    private Task first() {
        Task best = null;
        for (Task t : waiting) {
            if (best == null || before(t, t.waitLevel, t.seq, best, best.waitLevel, best.seq)) {
                best = t;
            }
        }
        return best;
    }

    /** Whether task {@code a} (at level {@code la}, queued as {@code sa}) comes before {@code b}. */
    private boolean before(Task a, int la, long sa, Task b, int lb, long sb) {
        if (levelTime[la] != levelTime[lb]) {
            return levelTime[la] < levelTime[lb];
        }
        if (la != lb) {
            return la < lb;
        }
        long ua = userTime(a);
        long ub = userTime(b);
        if (ua != ub) {
            return ua < ub;
        }
        return sa < sb;
    }

    private long userTime(Task task) {
        UserShare user = users.get(task.user);
        return user == null ? 0 : user.time;
    }

    /** Counts a task of its user as busy (waiting or running), or no longer. */
    private void busy(Task task, int delta) {
        if (delta > 0) {
            task.counted = true;
            UserShare user = users.get(task.user);
            if (user == null) {
                // A user who becomes busy again starts level with the busy ones: no credit, no debt.
                user = new UserShare();
                long least = Long.MAX_VALUE;
                for (UserShare other : users.values()) {
                    least = Math.min(least, other.time);
                }
                user.time = least == Long.MAX_VALUE ? 0 : least;
                users.put(task.user, user);
            }
            user.busy++;
        } else {
            if (!task.counted) {
                return;
            }
            task.counted = false;
            UserShare user = users.get(task.user);
            if (user != null && --user.busy == 0) {
                users.remove(task.user);
            }
        }
    }

    private static VeilException cancelled() {
        return new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
    }

    /**
     * One statement as the scheduler sees it: its user, its cancel flag, and the processor time it
     * has had, which sets its level.
     */
    public static final class Task implements AutoCloseable {
        private final CpuScheduler scheduler;
        private final String user;
        private final AtomicBoolean cancelFlag;
        // Guarded by the scheduler's lock, except where noted.
        private long runNanos;
        private long since;
        private int heldLevel;
        private int waitLevel;
        private long seq;
        private boolean counted;
        private Thread waiter;
        /** Read by the thread that runs the task without the lock. */
        private volatile boolean holding;

        private volatile boolean granted;
        private volatile boolean closed;
        /** Runs beside the slots, after waiting too long for one. */
        private volatile boolean extra;

        private Task(CpuScheduler scheduler, String user, AtomicBoolean cancelFlag) {
            this.scheduler = scheduler;
            this.user = requireNonNull(user, "user is null");
            this.cancelFlag = requireNonNull(cancelFlag, "cancelFlag is null");
        }

        public String user() {
            return user;
        }

        /** The processor time the task has had in slots so far. */
        public Duration runTime() {
            scheduler.lock.lock();
            try {
                return Duration.ofNanos(runNanos + (holding ? Math.max(0, System.nanoTime() - since) : 0));
            } finally {
                scheduler.lock.unlock();
            }
        }

        private int level() {
            int level = 0;
            while (level < LEVEL_LIMITS.length && runNanos >= LEVEL_LIMITS[level]) {
                level++;
            }
            return level;
        }

        /**
         * Makes the current thread hold a slot for this task, waiting for its turn (QUERY_CANCELLED
         * if the statement is stopped meanwhile). A thread that holds a slot already (in a scope,
         * or for an enclosing statement) goes on with it. Closing the run gives back the slot it
         * took, unless a scope is open on the thread.
         */
        public Run run() {
            ThreadState state = held();
            if (state.held != null) {
                return NOTHING;
            }
            scheduler.acquire(this, true);
            if (state.scopes > 0) {
                return NOTHING;
            }
            return () -> {
                if (state.held == this) {
                    scheduler.release(this, state);
                }
            };
        }

        /** Ends the task (its statement ended): a slot it still holds goes back. Idempotent. */
        @Override
        public void close() {
            closed = true;
            ThreadState state = THREAD.get();
            if (state.held == this) {
                scheduler.release(this, state);
            } else if (holding) {
                // Held by a thread that ran it and has not reached the end of its request: give the slot back now.
                scheduler.lock.lock();
                try {
                    if (holding) {
                        scheduler.charge(this, System.nanoTime());
                        holding = false;
                        scheduler.levelBusy[heldLevel]--;
                        scheduler.busy(this, -1);
                        scheduler.giveBack(this);
                    }
                } finally {
                    scheduler.lock.unlock();
                }
            }
        }
    }
}
