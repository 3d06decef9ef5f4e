package dev.veil.session;

import static java.util.Objects.requireNonNull;

import dev.veil.VeilException;
import dev.veil.catalog.ConcurrentStatementLimits;
import dev.veil.catalog.StatementTimeouts;
import dev.veil.control.CpuScheduler;
import dev.veil.control.StatementAdmission;
import dev.veil.control.StatementControl;
import dev.veil.exec.runtime.ExecutionErrors;
import dev.veil.sql.SessionSettings;
import dev.veil.sql.StatementContext;
import dev.veil.sql.StatementDescription;
import dev.veil.sql.StatementExecutor;
import dev.veil.sql.StatementResult;
import dev.veil.sql.ast.SqlCancelStatement;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.sql.SqlNode;

/**
 * A user's session: who runs the statements, with which settings. Runs one statement at a time
 * end to end (parse, validate, plan, rewrite, execute).
 */
public final class Session {
    private final Engine engine;
    private final String user;
    private final SessionSettings settings = new SessionSettings();
    private volatile Optional<Duration> defaultTimeout = Optional.empty();
    private volatile Optional<Integer> defaultConcurrency = Optional.empty();

    Session(Engine engine, String user) {
        this.engine = requireNonNull(engine, "engine is null");
        this.user = requireNonNull(user, "user is null");
    }

    public String user() {
        return user;
    }

    public Engine engine() {
        return engine;
    }

    /** The schema unqualified table names resolve in ({@code public} until changed). */
    public String schema() {
        return settings.schema();
    }

    /** Makes {@code schema} the session's schema, as {@code SET SCHEMA} does; UNKNOWN_SCHEMA if it does not exist. */
    public void useSchema(String schema) {
        settings.setSchema(schema, engine.warehouse().catalog());
    }

    /**
     * Limits each statement of this session to {@code timeout} (the server's default), unless a
     * role of the user overrides it. Without it, only the roles' overrides limit statements.
     */
    public Session limitStatementsTo(Duration timeout) {
        this.defaultTimeout = Optional.of(StatementTimeouts.check(requireNonNull(timeout, "timeout is null")));
        return this;
    }

    /**
     * Caps the statements this session's user runs at once, over all sessions, at {@code limit}
     * (the server's default), unless a role of the user overrides it. Without it, only the roles'
     * overrides cap them.
     */
    public Session limitConcurrentStatementsTo(int limit) {
        this.defaultConcurrency = Optional.of(ConcurrentStatementLimits.check(limit));
        return this;
    }

    /** The cap on the statements this session's user runs at once right now; empty when there is none. */
    public Optional<Integer> concurrentStatementLimit() {
        Optional<Integer> own =
                new ConcurrentStatementLimits(engine.warehouse().sqliteCatalog()).of(engine.principal(user));
        return own.isPresent() ? own : defaultConcurrency;
    }

    /**
     * Waits until the user runs fewer statements than the cap (TOO_MANY_STATEMENTS after the
     * admission's wait), listed as QUEUED meanwhile; the statement's end gives its place back.
     * {@link #execute} never holds CANCEL STATEMENT back, so that a user whose statements hang can
     * still stop them.
     */
    private void admit(StatementControl control) {
        Optional<Integer> limit = concurrentStatementLimit();
        if (limit.isPresent()) {
            StatementAdmission.Permit permit = control.admit(engine.admission(), user, limit.get());
            control.onFinish(permit::close);
        }
    }

    private StatementContext context(StatementControl control) {
        return new StatementContext(
                engine.warehouse(), engine.principal(user), engine.policies(), control, engine.rewriter(), settings);
    }

    /** The time limit of this session's statements right now; empty when they have none. */
    public Optional<Duration> statementTimeout() {
        Optional<Duration> own = new StatementTimeouts(engine.warehouse().sqliteCatalog()).of(engine.principal(user));
        return own.isPresent() ? own : defaultTimeout;
    }

    /**
     * Describes one statement without running it ({@link StatementDescription}): the columns it
     * returns and its parameters' types. It is planned, in a run slot, but nothing is read, released,
     * charged or recorded. Every failure is a {@link VeilException}.
     */
    public StatementDescription describe(String sql, AtomicBoolean cancelFlag) {
        requireNonNull(sql, "sql is null");
        StatementControl control = new StatementControl(cancelFlag);
        try {
            StatementContext context = context(control);
            // Planned under the same limits as an execution: a flood of prepares is no way around
            // the user's cap on statements at once or the time limit.
            statementTimeout().ifPresent(control::limitTo);
            control.scheduleAs(CpuScheduler.shared().task(user, cancelFlag));
            admit(control);
            try (CpuScheduler.Run run = control.run()) {
                return StatementDescription.describe(sql, context);
            }
        } catch (VeilException e) {
            throw control.translate(e);
        } catch (RuntimeException | StackOverflowError | AssertionError | OutOfMemoryError | LinkageError e) {
            throw control.translate(ExecutionErrors.translate(e));
        } finally {
            control.finish();
        }
    }

    /**
     * Executes one statement. Setting {@code cancelFlag} stops it at the next check (every row,
     * or every batch); so does its time limit, after which it fails with STATEMENT_TIMEOUT.
     * Every failure is a {@link VeilException}.
     */
    public StatementResult execute(String sql, AtomicBoolean cancelFlag) {
        requireNonNull(sql, "sql is null");
        StatementControl control = new StatementControl(cancelFlag);
        StatementAudit audit = new StatementAudit(engine.warehouse(), user, sql, control);
        try {
            SqlNode node = audit.parse();
            StatementContext context = context(control);
            statementTimeout().ifPresent(control::limitTo);
            // Started (audited, and listed in veil.running_statements as QUEUED) before it waits for
            // admission and for a CPU slot, so that a waiting statement can be seen and cancelled.
            audit.start();
            control.scheduleAs(CpuScheduler.shared().task(user, cancelFlag));
            if (!(node instanceof SqlCancelStatement)) {
                admit(control);
            }
            StatementResult result;
            // Planning and running take a run slot (a query's rows take one again as they are read,
            // see AuditedRows): planned outside, a new statement would compete for the processors
            // with every running one, and answer later.
            try (CpuScheduler.Run run = control.run()) {
                result = StatementExecutor.execute(node, context);
            }
            return audit.succeeded(result);
        } catch (VeilException e) {
            throw audit.failed(control.translate(e));
        } catch (RuntimeException | StackOverflowError | AssertionError | OutOfMemoryError | LinkageError e) {
            // Calcite reports broken invariants with AssertionError (a throw, not only an assert):
            // they are internal errors of this statement, not of the server. Running out of heap
            // despite the memory limits ends this statement (MEMORY_LIMIT_EXCEEDED), not the server. Generated code
            // that
            // fails in a static initializer (a constant expression such as 1 / 0 is evaluated
            // there) throws ExceptionInInitializerError, a LinkageError: its cause says what failed.
            throw audit.failed(control.translate(ExecutionErrors.translate(e)));
        }
    }
}
