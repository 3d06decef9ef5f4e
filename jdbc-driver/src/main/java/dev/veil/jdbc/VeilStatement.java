package dev.veil.jdbc;

import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.avatica.AvaticaConnection;
import org.apache.calcite.avatica.AvaticaStatement;
import org.apache.calcite.avatica.Meta;

/**
 * A statement of the thin driver. Over Avatica's protocol a cancel would only stop the client
 * from reading; this one also stops the statement on the server: {@link #cancel()} sends a cancel
 * request, and {@link #setQueryTimeout} arms a timer that sends one when the timeout passes
 * (the execution then fails with {@code SQLTimeoutException}). Errors carry the server's message
 * without Avatica's echo of the statement's text.
 */
final class VeilStatement extends AvaticaStatement {
    private static final ScheduledExecutorService TIMER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "veil-jdbc-query-timeout");
        t.setDaemon(true);
        return t;
    });

    VeilStatement(
            AvaticaConnection connection,
            Meta.StatementHandle handle,
            int resultSetType,
            int resultSetConcurrency,
            int resultSetHoldability) {
        super(connection, handle, resultSetType, resultSetConcurrency, resultSetHoldability);
    }

    @Override
    protected void executeInternal(String sql) throws SQLException {
        // A cancel ends one execution, not the statement: the next one starts afresh.
        cancelFlag.set(false);
        int timeout = getQueryTimeout();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> timer = timeout <= 0
                ? null
                : TIMER.schedule(
                        () -> {
                            timedOut.set(true);
                            cancelOnServer();
                        },
                        timeout,
                        TimeUnit.SECONDS);
        try {
            super.executeInternal(sql);
        } catch (SQLException e) {
            if (timedOut.get() && e.getErrorCode() == Errors.QUERY_CANCELLED) {
                throw Errors.timedOut(timeout);
            }
            throw Errors.rebuild(e, sql);
        } catch (RuntimeException e) {
            if (timedOut.get()) {
                throw Errors.timedOut(timeout);
            }
            throw Errors.toSqlException(e);
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }

    /**
     * Cancels the running execution on the server, then marks the statement cancelled here. Unlike
     * Avatica's, it does not lock the statement: the executing thread holds that lock while it waits
     * for the server, so a locking cancel would wait for the very query it should stop.
     */
    @Override
    public void cancel() throws SQLException {
        checkOpen();
        cancelOnServer();
        cancelFlag.set(true);
    }

    private void cancelOnServer() {
        try {
            CancelRequest.send(connection, handle.id);
        } catch (IOException | RuntimeException e) {
            // Best effort, as JDBC allows: the statement runs on if the server cannot be told.
        }
    }
}
