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
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * starved; within a level, the user who has had the least <em>recent</em> processor time goes
 * first, so a user with 16 connections gets no more than a user with one; among one user's
 * statements, the one waiting longest. A level that becomes busy again starts from the least
 * virtual time of those busy now, without credit or debt from before. A user's recent processor
 * time halves every {@value #USER_HALF_LIFE_SECONDS} s (decay-usage scheduling): an analyst who
 * runs a small query now and then goes before users who keep the slots busy, whatever either
 * did minutes ago; an idle user's priority is at best that of a user who has not run at all,
 * and one heavy statement does not put its user's next small queries behind everyone else's for
 * long. (An earlier rule kept each user's whole processor time and clamped it, when the user
 * became busy again, to 0.5 s below and 5 s above the least busy user's. Users that went idle
 * for a moment between statements, or while waiting for memory, came back 0.5 s below a user
 * that had been waiting all along, again and again: a soak test saw a small query wait 6.8 s.)
 *
 * <p>Some work cannot yield: planning, the compilation of generated code, a wait for a lock of
 * the catalog. A statement that holds a slot and has reached no cancel check for
 * {@value #OVERDUE_MILLIS} ms while others wait is <em>overdue</em>: the waiting statement that
 * comes first and comes before it takes its slot, and the overdue one goes on without a slot
 * until its next cancel check, where it queues for one again like a statement that yielded.
 * At most as many statements run without a slot at once as there are slots (one blocked on a lock
 * does not count: it uses no processor), so the processors are never shared by more than twice
 * the slots' statements, and a statement that comes first does not wait long for work that
 * cannot yield. This replaces an earlier rule that let any statement that had waited 2 s run
 * beside the slots until it ended, which gave up the ranking under load.
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
    /**
     * How long a statement may hold a slot without reaching a cancel check while others wait before
     * a waiting statement that comes first takes its slot.
     */
    static final long OVERDUE_MILLIS = 100;
    /** How long a wait for a slot lasts before the scheduler logs who holds the slots. */
    private static final long LONG_WAIT_NANOS = 2_000_000_000L;

    private static final Logger LOG = LoggerFactory.getLogger(CpuScheduler.class);
    /** The most slots a scheduler may have. */
    public static final int MAX_SLOTS = 1024;
    /** The processor time after which a statement moves up a level: 1 s, 10 s, 60 s. */
    private static final long[] LEVEL_LIMITS = {1_000_000_000L, 10_000_000_000L, 60_000_000_000L};

    private static final int LEVELS = LEVEL_LIMITS.length + 1;
    /** How long it takes a user's recent processor time to halve. */
    static final long USER_HALF_LIFE_SECONDS = 5;

    /** Recent processor time below which an idle user is forgotten (it counts as none). */
    private static final double FORGOTTEN_NANOS = 1e6;
    /** How many idle users' recent processor times are remembered, at most. */
    private static final int MAX_IDLE_USERS = 4096;

    /**
     * Waiting tasks and tasks running without a slot, over all schedulers: while 0, checkpoints
     * return at once.
     */
    private static final AtomicInteger ATTENTION = new AtomicInteger();

    private static final ThreadLocal<ThreadState> THREAD = ThreadLocal.withInitial(ThreadState::new);
    private static volatile CpuScheduler shared = new CpuScheduler(defaultSlots());

    private final int slots;
    private final boolean enabled;
    private final long quantumNanos;
    private final long overdueNanos;
    private final double userHalfLifeNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final List<Task> waiting = new ArrayList<>();
    private final long[] levelTime = new long[LEVELS];
    private final int[] levelBusy = new int[LEVELS];
    private final Map<String, UserShare> users = new HashMap<>();
    private final List<Task> holders = new ArrayList<>();
    private final List<Task> displacedTasks = new ArrayList<>();
    /** Slots lent to statements' helper threads ({@link #lendSlot}) and not yet given back or taken. */
    private final List<Lent> lent = new ArrayList<>();
    /** The waiting task that came first when the queue or the times last changed: only it looks for overdue holders. */
    private volatile Task head;

    private int free;
    private long sequence;

    /** What the current thread holds: the task whose slot it runs on, and how many scopes are open. */
    private static final class ThreadState {
        Task held;
        int scopes;
    }

    /**
     * The recent processor time of one user's statements: {@code usage} nanoseconds as of
     * {@code stamp}, halving every {@link #USER_HALF_LIFE_SECONDS} s after it (kept while the user
     * is idle, see {@link #busy}).
     */
    private static final class UserShare {
        double usage;
        long stamp;
        int busy;

        double usageAt(long now, double halfLifeNanos) {
            long age = now - stamp;
            return age <= 0 ? usage : usage * Math.pow(0.5, age / halfLifeNanos);
        }

        void add(long ran, long now, double halfLifeNanos) {
            usage = usageAt(now, halfLifeNanos) + ran;
            stamp = now;
        }
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
        this(slots, enabled, Duration.ofMillis(OVERDUE_MILLIS));
    }

    /** As above, with the time after which a holder that reaches no checkpoint is overdue (for tests). */
    CpuScheduler(int slots, boolean enabled, Duration overdue) {
        this(slots, enabled, overdue, Duration.ofSeconds(USER_HALF_LIFE_SECONDS));
    }

    /** As above, with the half-life of users' recent processor times (for tests). */
    CpuScheduler(int slots, boolean enabled, Duration overdue, Duration userHalfLife) {
        if (slots < 1 || slots > MAX_SLOTS) {
            throw new IllegalArgumentException("slots must be between 1 and " + MAX_SLOTS + ": " + slots);
        }
        this.slots = slots;
        this.enabled = enabled;
        this.free = slots;
        this.quantumNanos = Duration.ofMillis(QUANTUM_MILLIS).toNanos();
        this.overdueNanos = overdue.toNanos();
        if (userHalfLife.isNegative() || userHalfLife.isZero()) {
            throw new IllegalArgumentException("userHalfLife must be positive: " + userHalfLife);
        }
        this.userHalfLifeNanos = userHalfLife.toNanos();
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

    /** How many statements run without a slot right now, their slot taken while they were overdue. */
    public int displaced() {
        lock.lock();
        try {
            return displacedTasks.size();
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
     * its turn (QUERY_CANCELLED if it is stopped meanwhile); a statement whose slot was taken
     * while it was overdue queues for one again. Returns at once when nobody waits.
     */
    public static void checkpoint() {
        if (ATTENTION.get() == 0) {
            return;
        }
        Task task = THREAD.get().held;
        if (task != null) {
            task.lastCheck = System.nanoTime();
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
        long pausedAt = System.nanoTime();
        return () -> {
            task.pausedNanos.addAndGet(System.nanoTime() - pausedAt);
            task.scheduler.acquire(task, false);
        };
    }

    /**
     * A second slot for a helper thread of the statement the current thread runs (the other half of
     * a parallel aggregation, the scan of a pipelined one), or {@code null}: then the statement does
     * that work on its own thread, with the same result. A slot is lent only while one is free and
     * no statement waits, so that one statement's parallelism never comes before another statement.
     * It goes back when the helper ends ({@link Lent#close}), or at once to the next statement that
     * would otherwise wait: the helper then goes on without a slot until it ends, as a statement
     * whose slot was taken while it was overdue does. The time a slot is lent is charged to the
     * statement's user, like time run in its own slot, so a user's parallel statements count as
     * the processors they take. A thread that holds no slot (no scheduler runs its statement) gets
     * a lent slot that is not counted.
     */
    public static Lent lendSlot() {
        Task task = THREAD.get().held;
        if (task == null || !task.scheduler.enabled) {
            return new Lent(null, null);
        }
        return task.scheduler.lend(task);
    }

    private Lent lend(Task task) {
        lock.lock();
        try {
            if (free == 0 || !waiting.isEmpty() || task.closed) {
                return null;
            }
            free--;
            Lent l = new Lent(this, task.user);
            l.since = System.nanoTime();
            lent.add(l);
            return l;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Gives a lent slot to a statement that would otherwise wait (the caller holds the lock and makes
     * it the statement's); false if none is lent.
     */
    private boolean takeLent() {
        if (lent.isEmpty()) {
            return false;
        }
        Lent l = lent.remove(lent.size() - 1);
        l.end(System.nanoTime());
        return true;
    }

    /** A slot lent by {@link #lendSlot}; closing it gives it back unless a waiting statement took it. */
    public static final class Lent implements AutoCloseable {
        private final CpuScheduler scheduler;
        private final String user;
        // Guarded by the scheduler's lock.
        private long since;
        private boolean ended;

        private Lent(CpuScheduler scheduler, String user) {
            this.scheduler = scheduler;
            this.user = user;
        }

        /** Ends the loan (the caller holds the lock): charges its time to the user. */
        private void end(long now) {
            ended = true;
            UserShare share = scheduler.users.get(user);
            if (share != null) {
                share.add(Math.max(0, now - since), now, scheduler.userHalfLifeNanos);
            }
        }

        /** Gives the slot back (to the statement that comes first, if one waits). Idempotent. */
        @Override
        public void close() {
            if (scheduler == null) {
                return;
            }
            scheduler.lock.lock();
            try {
                if (ended) {
                    return;
                }
                end(System.nanoTime());
                scheduler.lent.remove(this);
                scheduler.handOff();
            } finally {
                scheduler.lock.unlock();
            }
        }
    }

    /**
     * The current thread's state, forgetting a task whose slot was given back by another thread
     * ({@link Task#close}); a task running without a slot is kept until its next checkpoint.
     */
    private static ThreadState held() {
        ThreadState state = THREAD.get();
        Task task = state.held;
        if (task != null && task.scheduler.enabled && !task.holding && !task.displaced) {
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
            if (takeLent()) {
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
     * Parks until {@code task} is granted a slot; on a stop, leaves the queue (and fails if asked
     * to). Meanwhile, once it comes first, it takes the slot of an overdue statement it comes
     * before ({@link #displaceOverdue}).
     */
    private void awaitTurn(Task task, ThreadState state, boolean failOnStop) {
        long waitedSince = System.nanoTime();
        try {
            awaitTurn(task, state, failOnStop, waitedSince);
        } finally {
            task.queuedNanos.addAndGet(System.nanoTime() - waitedSince);
        }
    }

    private void awaitTurn(Task task, ThreadState state, boolean failOnStop, long waitedSince) {
        boolean reported = false;
        while (!task.granted) {
            if (!reported && System.nanoTime() - waitedSince >= LONG_WAIT_NANOS) {
                reported = true;
                reportLongWait(task, waitedSince);
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
            if (head == task && System.nanoTime() - waitedSince >= overdueNanos) {
                lock.lock();
                try {
                    if (!task.granted) {
                        displaceOverdue(task);
                    }
                } finally {
                    lock.unlock();
                }
                if (task.granted) {
                    break;
                }
            }
            LockSupport.parkNanos(this, POLL_MILLIS * 1_000_000);
        }
        state.held = task;
    }

    /**
     * Logs (INFO) who holds the slots while {@code task} has waited {@link #LONG_WAIT_NANOS}: the
     * holders' users, levels, time since their last checkpoint and where their threads are. For
     * operators only; analysts cannot read the server log.
     */
    private void reportLongWait(Task task, long waitedSince) {
        if (!LOG.isInfoEnabled()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        long now = System.nanoTime();
        lock.lock();
        try {
            b.append(String.format(
                    "A statement of user '%s' (level %d) has waited %d ms for a run slot; %d wait, level times %s;",
                    task.user,
                    task.waitLevel,
                    (now - waitedSince) / 1_000_000,
                    waiting.size(),
                    java.util.Arrays.toString(levelTime)));
            for (Task h : holders) {
                describe(b.append("\n  holds a slot: "), h, now);
            }
            for (Task d : displacedTasks) {
                describe(b.append("\n  runs without a slot: "), d, now);
            }
            Task first = first();
            if (first != null && first != task) {
                b.append(String.format("%n  comes first: user '%s' (level %d)", first.user, first.waitLevel));
            }
        } finally {
            lock.unlock();
        }
        LOG.info(b.toString());
    }

    private static void describe(StringBuilder b, Task t, long now) {
        Thread runner = t.runner;
        b.append(String.format(
                "user '%s' level %d, %d ms since its last checkpoint, thread %s",
                t.user,
                t.heldLevel,
                (now - t.lastCheck) / 1_000_000,
                runner == null ? "none" : runner.getName() + " " + runner.getState()));
        if (runner != null) {
            StackTraceElement[] stack = runner.getStackTrace();
            for (int i = 0; i < Math.min(12, stack.length); i++) {
                b.append("\n      at ").append(stack[i]);
            }
        }
    }

    /**
     * Gives {@code task}, waiting, the slot of a statement that has reached no checkpoint for
     * {@value #OVERDUE_MILLIS} ms (it plans, compiles, or waits for a lock), if {@code task} comes
     * first among the waiting and before that statement, and fewer statements than there are
     * slots run without one already. The overdue statement goes on without a slot until its next
     * checkpoint.
     */
    private void displaceOverdue(Task task) {
        if (first() != task) {
            return;
        }
        // A statement blocked on a lock uses no processor: only running ones count toward the limit.
        int running = 0;
        for (Task d : displacedTasks) {
            if (!blocked(d)) {
                running++;
            }
        }
        long now = System.nanoTime();
        Task victim = null;
        boolean victimBlocked = false;
        for (Task h : holders) {
            if (now - h.lastCheck < overdueNanos || now - h.since < overdueNanos) {
                continue;
            }
            // A holder blocked on a lock uses no processor: its slot goes to the first waiter even
            // if the holder comes first (it queues again at its next checkpoint). Else a statement
            // waiting for a catalog transaction, say, kept every later one waiting as long.
            boolean isBlocked = blocked(h);
            if (isBlocked || before(task, task.waitLevel, task.seq, h, h.heldLevel, Long.MAX_VALUE)) {
                if ((isBlocked || running < slots)
                        && (victim == null
                                || (isBlocked && !victimBlocked)
                                || (isBlocked == victimBlocked && h.lastCheck < victim.lastCheck))) {
                    victim = h;
                    victimBlocked = isBlocked;
                }
            }
        }
        if (victim == null) {
            return;
        }
        charge(victim, now);
        unhold(victim);
        victim.displaced = true;
        displacedTasks.add(victim);
        ATTENTION.incrementAndGet();
        dequeue(task);
        grant(task, task.waitLevel);
    }

    /** Whether the thread running {@code task} waits (for a lock, say) rather than runs. */
    private static boolean blocked(Task task) {
        Thread runner = task.runner;
        return runner != null && runner.getState() != Thread.State.RUNNABLE;
    }

    /** Ends the run of a task that ran without a slot: it has none to give back. */
    private void endDisplaced(Task task) {
        // Time run without a slot is not charged: it may have been spent waiting for a lock.
        task.since = System.nanoTime();
        task.displaced = false;
        displacedTasks.remove(task);
        ATTENTION.decrementAndGet();
    }

    /** The task no longer holds its slot (the caller gives the slot to someone or back). */
    private void unhold(Task task) {
        task.holding = false;
        levelBusy[task.heldLevel]--;
        holders.remove(task);
    }

    private void release(Task task, ThreadState state) {
        state.held = null;
        if (!enabled) {
            return;
        }
        lock.lock();
        try {
            if (task.displaced) {
                endDisplaced(task);
                busy(task, -1);
                return;
            }
            if (!task.holding) {
                return;
            }
            charge(task, System.nanoTime());
            unhold(task);
            busy(task, -1);
            handOff();
        } finally {
            lock.unlock();
        }
    }

    private void maybeYield(Task task) {
        if (task.displaced) {
            rejoin(task);
            return;
        }
        if (!task.holding) {
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
            unhold(task);
            enqueue(task);
            dequeue(next);
            grant(next, next.waitLevel);
        } finally {
            lock.unlock();
        }
        state.held = null;
        awaitTurn(task, state, true);
    }

    /** A task whose slot was taken while it was overdue takes a free one, or queues for one. */
    private void rejoin(Task task) {
        ThreadState state = THREAD.get();
        lock.lock();
        try {
            if (!task.displaced) {
                return;
            }
            endDisplaced(task);
            if (free > 0 && waiting.isEmpty()) {
                free--;
                grant(task, task.level());
                return;
            }
            if (takeLent()) {
                grant(task, task.level());
                return;
            }
            enqueue(task);
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
            user.add(ran, now, userHalfLifeNanos);
        }
        if (!waiting.isEmpty()) {
            head = first();
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
        holders.add(task);
        task.since = System.nanoTime();
        task.lastCheck = task.since;
        Thread thread = task.waiter;
        task.waiter = null;
        task.runner = thread != null ? thread : Thread.currentThread();
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
        task.queued = true;
        ATTENTION.incrementAndGet();
        head = first();
    }

    private void dequeue(Task task) {
        if (waiting.remove(task)) {
            task.queued = false;
            ATTENTION.decrementAndGet();
            head = first();
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
        if (!a.user.equals(b.user)) {
            // One clock for both: decay keeps the order of two users' recent times between charges.
            long now = System.nanoTime();
            double ua = recentTime(a, now);
            double ub = recentTime(b, now);
            if (ua != ub) {
                return ua < ub;
            }
        }
        return sa < sb;
    }

    private double recentTime(Task task, long now) {
        UserShare user = users.get(task.user);
        return user == null ? 0 : user.usageAt(now, userHalfLifeNanos);
    }

    /** Counts a task of its user as busy (waiting or running), or no longer. */
    private void busy(Task task, int delta) {
        if (delta > 0) {
            task.counted = true;
            UserShare user = users.get(task.user);
            if (user == null) {
                user = new UserShare();
                users.put(task.user, user);
            }
            user.busy++;
        } else {
            if (!task.counted) {
                return;
            }
            task.counted = false;
            UserShare user = users.get(task.user);
            if (user != null && --user.busy == 0 && users.size() > MAX_IDLE_USERS) {
                // Forget idle users whose recent time has all but gone; if that is not enough, all idle ones.
                long now = System.nanoTime();
                users.values().removeIf(u -> u.busy == 0 && u.usageAt(now, userHalfLifeNanos) < FORGOTTEN_NANOS);
                if (users.size() > MAX_IDLE_USERS) {
                    users.values().removeIf(u -> u.busy == 0);
                }
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
        /** Waits in the queue for a slot. */
        private volatile boolean queued;
        /** Runs without a slot until its next checkpoint: its slot was taken while it was overdue. */
        private volatile boolean displaced;
        /** When the running task was granted its slot or last reached a checkpoint while others waited. */
        private volatile long lastCheck;
        /** The thread that runs the task (set when it is granted a slot). */
        private volatile Thread runner;
        /** How long the task waited in the queue for a slot, in all. */
        private final AtomicLong queuedNanos = new AtomicLong();
        /** How long the task gave its slot back to wait for memory ({@link #pauseCurrent}), in all. */
        private final AtomicLong pausedNanos = new AtomicLong();

        private Task(CpuScheduler scheduler, String user, AtomicBoolean cancelFlag) {
            this.scheduler = scheduler;
            this.user = requireNonNull(user, "user is null");
            this.cancelFlag = requireNonNull(cancelFlag, "cancelFlag is null");
        }

        public String user() {
            return user;
        }

        /** Whether the task waits for a slot right now. */
        public boolean isQueued() {
            return queued;
        }

        /** How long the task has waited in the queue for a run slot so far. */
        public Duration queuedTime() {
            return Duration.ofNanos(queuedNanos.get());
        }

        /** How long the task has given its slot back to wait for memory so far. */
        public Duration pausedTime() {
            return Duration.ofNanos(pausedNanos.get());
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
                        scheduler.unhold(this);
                        scheduler.busy(this, -1);
                        scheduler.handOff();
                    }
                } finally {
                    scheduler.lock.unlock();
                }
            }
        }
    }
}
