package dev.veil.control;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;

/**
 * The controls of one executing statement: its cancel flag, which every operator checks at least
 * every few thousand rows or once per batch (see {@code CancelChecks} of {@code exec}), why it was stopped (a
 * cancel, its time limit, its client going away, an admin), its deadline, and the privacy cost
 * charged for it so far, which its audit entry repeats.
 *
 * <p>Operators only see the flag; the reason is kept here so that the statement ends with the
 * right error: QUERY_CANCELLED, or STATEMENT_TIMEOUT when its time limit set the flag.
 */
public final class StatementControl {
    /** Why a statement was stopped. */
    public enum Stop {
        /** Its client cancelled it ({@code Statement.cancel()}, or its own {@code setQueryTimeout}). */
        CANCELLED,
        /** It ran longer than its time limit. */
        TIMED_OUT,
        /** Its client disconnected or its connection expired. */
        CLIENT_GONE,
        /** {@code CANCEL STATEMENT} by its owner or an admin. */
        CANCEL_STATEMENT
    }

    /** Called, inside the budget ledger's write transaction, with each charge for the statement. */
    @FunctionalInterface
    public interface ChargeListener {
        void charged(Connection catalog, double epsilon, double delta) throws SQLException;

        /**
         * Called, inside a catalog write transaction, when {@code releases} of the statement's
         * differentially private releases are replays of stored ones, charged nothing.
         */
        default void replayed(Connection catalog, int releases) throws SQLException {}
    }

    private static final ScheduledExecutorService TIMER = timer();

    private static ScheduledExecutorService timer() {
        ScheduledThreadPoolExecutor timer = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "veil-statement-deadlines");
            t.setDaemon(true);
            return t;
        });
        // Most statements end long before their deadline: drop theirs at once, not when it would fire.
        timer.setRemoveOnCancelPolicy(true);
        return timer;
    }

    private final AtomicBoolean cancelFlag;
    private volatile Stop stop;
    private volatile String stoppedBy;
    private Duration limit;
    private ScheduledFuture<?> deadline;
    private boolean finished;
    private double epsilon;
    private double delta;
    private ChargeListener listener;
    private int replays;
    private volatile CpuScheduler.Task cpu;
    private volatile boolean admitting;
    private volatile long admissionNanos;
    private final java.util.List<Runnable> finishActions = new java.util.ArrayList<>();
    private final long statementTime = System.currentTimeMillis();
    private volatile String purposeUsed;
    private volatile String readsUsed;

    /** Controls a statement through {@code cancelFlag}, which its client may set to cancel it. */
    public StatementControl(AtomicBoolean cancelFlag) {
        this.cancelFlag = requireNonNull(cancelFlag, "cancelFlag is null");
    }

    /** Controls for a statement nobody else can cancel (tools, tests). */
    public static StatementControl detached() {
        return new StatementControl(new AtomicBoolean());
    }

    /**
     * The statement's time, in milliseconds since the epoch: when its controls were made, before it
     * was planned. Consent validity and retention cutoffs of the whole statement use this one instant.
     */
    public long statementTime() {
        return statementTime;
    }

    /**
     * Notes the purpose the statement runs under and what it reads ({@code schema.table.column:category,
     * ...}), for its audit entry; a statement that plans several queries notes the last.
     */
    public void used(String purpose, String reads) {
        this.purposeUsed = purpose;
        this.readsUsed = requireNonNull(reads, "reads is null");
    }

    /** The purpose noted by {@link #used}, or null. */
    public String purposeUsed() {
        return purposeUsed;
    }

    /** What the statement read, as noted by {@link #used}, or null if it planned no query. */
    public String readsUsed() {
        return readsUsed;
    }

    /** The flag operators check; set, the statement stops at the next check. */
    public AtomicBoolean cancelFlag() {
        return cancelFlag;
    }

    /**
     * Limits the statement to {@code limit} from now: when it passes, the statement is stopped and
     * fails with STATEMENT_TIMEOUT. Called once, before the statement starts.
     */
    public synchronized void limitTo(Duration limit) {
        requireNonNull(limit, "limit is null");
        if (limit.isNegative() || limit.isZero()) {
            throw new IllegalArgumentException("limit must be positive: " + limit);
        }
        if (this.limit != null) {
            throw new IllegalStateException("the statement already has a time limit");
        }
        this.limit = limit;
        deadline = TIMER.schedule(this::timeUp, limit.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** The statement's time limit; empty when it has none. */
    public synchronized Optional<Duration> limit() {
        return Optional.ofNullable(limit);
    }

    private synchronized void timeUp() {
        if (!finished) {
            stop(Stop.TIMED_OUT, null);
        }
    }

    /** Stops the statement at its next check, for {@code why}; {@code by} names who asked, if anyone. */
    public synchronized void stop(Stop why, String by) {
        requireNonNull(why, "why is null");
        if (finished) {
            return;
        }
        if (stop == null) {
            stop = why;
            stoppedBy = by;
        }
        cancelFlag.set(true);
    }

    /** Whether the statement has been told to stop (by anyone, its client's flag included). */
    public boolean isStopping() {
        return cancelFlag.get();
    }

    /** Ends the statement's control: its deadline no longer fires, stops no longer apply, its run slot goes back. */
    public synchronized void finish() {
        finished = true;
        if (deadline != null) {
            deadline.cancel(false);
        }
        if (cpu != null) {
            cpu.close();
        }
        for (Runnable action : finishActions) {
            action.run();
        }
        finishActions.clear();
    }

    /** Runs {@code action} when the statement's control ends ({@link #finish}), such as giving back its admission. */
    public synchronized void onFinish(Runnable action) {
        requireNonNull(action, "action is null");
        if (finished) {
            action.run();
        } else {
            finishActions.add(action);
        }
    }

    // ----- processor time

    /** Makes the statement run as {@code task} of a {@link CpuScheduler}. Called once, before it starts. */
    public void scheduleAs(CpuScheduler.Task task) {
        requireNonNull(task, "task is null");
        if (cpu != null) {
            throw new IllegalStateException("the statement is already scheduled");
        }
        cpu = task;
    }

    /**
     * Waits for the admission of the statement's user ({@link StatementAdmission#enter}), the
     * statement being {@linkplain #isQueued queued} meanwhile; closing the permit gives the place back.
     */
    public StatementAdmission.Permit admit(StatementAdmission admission, String user, int limit) {
        requireNonNull(admission, "admission is null");
        admitting = true;
        long started = System.nanoTime();
        try {
            return admission.enter(user, limit, cancelFlag);
        } finally {
            admissionNanos = System.nanoTime() - started;
            admitting = false;
        }
    }

    /**
     * Where the statement's time went so far, for the server's slow-statement log: waiting for its
     * user's admission, waiting for a run slot, waiting for memory, and running in slots.
     */
    public String timeline() {
        CpuScheduler.Task task = cpu;
        long queued = task == null ? 0 : task.queuedTime().toMillis();
        long memory = task == null ? 0 : task.pausedTime().toMillis();
        long ran = task == null ? 0 : task.runTime().toMillis();
        return admissionNanos / 1_000_000 + " ms waiting for admission, " + queued + " ms for a run slot, " + memory
                + " ms for memory, " + ran + " ms running in slots";
    }

    /** Whether the statement waits for its user's admission or for a CPU slot right now. */
    public boolean isQueued() {
        CpuScheduler.Task task = cpu;
        return admitting || (task != null && task.isQueued());
    }

    /**
     * Makes the current thread hold a run slot for the statement until the returned run is closed
     * (see {@link CpuScheduler.Task#run}); a statement without a task runs at once.
     */
    public CpuScheduler.Run run() {
        CpuScheduler.Task task = cpu;
        return task == null ? () -> {} : task.run();
    }

    /**
     * The error a statement that failed with {@code error} reports: a cancellation caused by its
     * time limit becomes STATEMENT_TIMEOUT, and one caused by {@code CANCEL STATEMENT} or a lost
     * client says so; any other error is returned as is.
     */
    public VeilException translate(VeilException error) {
        requireNonNull(error, "error is null");
        if (error.errorCode() != ErrorCode.QUERY_CANCELLED) {
            return error;
        }
        Stop why = stop;
        if (why == null) {
            return error;
        }
        return switch (why) {
            case TIMED_OUT -> timedOut();
            case CLIENT_GONE ->
                new VeilException(
                        ErrorCode.QUERY_CANCELLED,
                        "The statement was cancelled: its client disconnected or its connection expired",
                        error);
            case CANCEL_STATEMENT ->
                new VeilException(
                        ErrorCode.QUERY_CANCELLED,
                        "The statement was cancelled by CANCEL STATEMENT"
                                + (stoppedBy == null ? "" : " (user '" + stoppedBy + "')"),
                        error);
            case CANCELLED -> error;
        };
    }

    private VeilException timedOut() {
        Optional<Duration> d = limit();
        return new VeilException(
                ErrorCode.STATEMENT_TIMEOUT,
                "The statement ran longer than its time limit of "
                        + d.map(StatementControl::format).orElse("?") + " and was stopped");
    }

    /** A duration as an admin writes it: {@code 90 s}, {@code 10 min}, {@code 500 ms}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 3_600_000 == 0) {
            return ms / 3_600_000 + " h";
        }
        if (ms % 60_000 == 0) {
            return ms / 60_000 + " min";
        }
        if (ms % 1000 == 0) {
            return ms / 1000 + " s";
        }
        return ms + " ms";
    }

    // ----- privacy cost

    /** Sets who hears of the statement's budget charges (its audit entry). */
    public synchronized void onCharge(ChargeListener listener) {
        this.listener = requireNonNull(listener, "listener is null");
    }

    /**
     * Notes a charge of the budget ledger for this statement; called inside the ledger's write
     * transaction, so that the charge and its record commit together.
     */
    public synchronized void charged(Connection catalog, double epsilon, double delta) throws SQLException {
        if (listener != null) {
            listener.charged(catalog, epsilon, delta);
        }
        this.epsilon += epsilon;
        this.delta += delta;
    }

    /**
     * Notes that {@code releases} of the statement's DP releases are replays charged nothing;
     * called inside the catalog write transaction that decided so.
     */
    public synchronized void replayed(Connection catalog, int releases) throws SQLException {
        if (listener != null && releases > 0) {
            listener.replayed(catalog, releases);
        }
        this.replays += releases;
    }

    /** How many of the statement's DP releases so far were replays of stored ones. */
    public synchronized int replays() {
        return replays;
    }

    /** The epsilon charged to the budget ledger for this statement so far. */
    public synchronized double epsilonCharged() {
        return epsilon;
    }

    /** The delta charged to the budget ledger for this statement so far. */
    public synchronized double deltaCharged() {
        return delta;
    }

    // ----- checks in operators

    /**
     * Fails with QUERY_CANCELLED when {@code flag} is set; else gives the statement's run slot to
     * a waiting statement if its quantum is over (see {@link CpuScheduler#checkpoint}).
     */
    public static void check(AtomicBoolean flag) {
        if (flag.get()) {
            throw cancelled();
        }
        CpuScheduler.checkpoint();
    }

    /** Fails with QUERY_CANCELLED when the statement of {@code root} has been told to stop. */
    public static void check(DataContext root) {
        check(cancelFlag(root));
    }

    /** The cancel flag of a context; a fresh, never-set flag for contexts that have none. */
    public static AtomicBoolean cancelFlag(DataContext context) {
        Object flag = context.get(DataContext.Variable.CANCEL_FLAG.camelName);
        return flag instanceof AtomicBoolean b ? b : new AtomicBoolean();
    }

    /** The error an operator raises when it finds its statement stopped. */
    public static VeilException cancelled() {
        return new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
    }
}
