package dev.veil.session;

import static java.util.Objects.requireNonNull;

import dev.veil.VeilException;
import dev.veil.exec.ExecutionErrors;
import dev.veil.sql.SessionSettings;
import dev.veil.sql.StatementContext;
import dev.veil.sql.StatementExecutor;
import dev.veil.sql.StatementResult;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A user's session: who runs the statements, with which settings. Runs one statement at a time
 * end to end (parse, validate, plan, rewrite, execute).
 */
public final class Session {
    private final Engine engine;
    private final String user;
    private final SessionSettings settings = new SessionSettings();

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

    /**
     * Executes one statement. Setting {@code cancelFlag} stops it at the next batch boundary.
     * Every failure is a {@link VeilException}.
     */
    public StatementResult execute(String sql, AtomicBoolean cancelFlag) {
        requireNonNull(sql, "sql is null");
        StatementContext context = new StatementContext(engine.warehouse(), engine.principal(user), engine.policies(),
                cancelFlag, engine.rewriter(), settings);
        StatementAudit audit = new StatementAudit(engine.warehouse(), user, sql);
        try {
            return audit.succeeded(StatementExecutor.execute(audit.parse(), context));
        } catch (VeilException e) {
            throw audit.failed(e);
        } catch (RuntimeException | StackOverflowError | AssertionError | LinkageError e) {
            // Calcite reports broken invariants with AssertionError (a throw, not only an assert):
            // they are internal errors of this statement, not of the server. Generated code that
            // fails in a static initializer (a constant expression such as 1 / 0 is evaluated
            // there) throws ExceptionInInitializerError, a LinkageError: its cause says what failed.
            throw audit.failed(ExecutionErrors.translate(e));
        }
    }
}
