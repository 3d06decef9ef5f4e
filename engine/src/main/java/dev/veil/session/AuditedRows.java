package dev.veil.session;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.audit.AuditLog;
import dev.veil.control.CpuScheduler;
import dev.veil.control.StatementControl;
import dev.veil.exec.runtime.ExecutionErrors;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.apache.calcite.linq4j.Enumerator;

/**
 * A query's rows on their way to the client, counted as they are read: when the last row has gone
 * (or the result is closed, or it breaks off with an error) the query's audit entry is completed
 * with the count, and the query stops running. An error from its time limit or a cancel is
 * reported as such (STATEMENT_TIMEOUT, QUERY_CANCELLED).
 *
 * <p>Nothing of the query leaves before its audit entry is on disk: the first row, the end of the
 * rows, and any error wait for {@code recorded} (the entry's synced write, made while the query
 * runs); if that write fails, the query fails with it and releases nothing.
 */
final class AuditedRows implements Enumerator<Object[]> {
    private final Enumerator<Object[]> rows;
    private final AuditLog log;
    private final long entry;
    private final StatementControl control;
    private final Runnable ended;
    private final CompletableFuture<Void> recorded;
    private boolean released;
    private long count;
    private boolean counted = true;
    private Optional<String> failure = Optional.empty();
    private boolean finished;

    AuditedRows(
            Enumerator<Object[]> rows,
            AuditLog log,
            long entry,
            StatementControl control,
            CompletableFuture<Void> recorded,
            Runnable ended) {
        this.rows = requireNonNull(rows, "rows is null");
        this.log = requireNonNull(log, "log is null");
        this.entry = entry;
        this.control = requireNonNull(control, "control is null");
        this.recorded = requireNonNull(recorded, "recorded is null");
        this.ended = requireNonNull(ended, "ended is null");
    }

    @Override
    public Object[] current() {
        Object[] row;
        try {
            // The runtime computes some expressions only here, so errors can surface here too.
            row = rows.current();
        } catch (RuntimeException e) {
            throw failed(e);
        }
        if (!counted) {
            counted = true;
            count++;
        }
        return row;
    }

    @Override
    public boolean moveNext() {
        boolean more;
        try (CpuScheduler.Run run = control.run()) {
            more = rows.moveNext();
        } catch (RuntimeException e) {
            throw failed(e);
        }
        if (!released) {
            try {
                awaitRecorded();
            } catch (VeilException e) {
                throw failed(e);
            }
            released = true;
        }
        counted = false;
        if (!more) {
            finish();
        }
        return more;
    }

    private RuntimeException failed(RuntimeException e) {
        VeilException error = control.translate(e instanceof VeilException v ? v : ExecutionErrors.translate(e));
        if (!released) {
            released = true;
            try {
                awaitRecorded();
            } catch (VeilException unrecorded) {
                // The error that leaves is the storage failure: nothing else of the query is released.
                if (unrecorded != error) {
                    unrecorded.addSuppressed(error);
                }
                error = unrecorded;
            }
        }
        failure = Optional.of(error.clientMessage());
        finish();
        return error;
    }

    /** Waits until the audit entry is on disk; fails with the write's error if it is not. */
    private void awaitRecorded() {
        try {
            recorded.join();
        } catch (CompletionException | CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof VeilException v) {
                throw v;
            }
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR,
                    "The query's audit entry could not be stored: " + cause.getMessage(),
                    cause);
        }
    }

    @Override
    public void reset() {
        throw new UnsupportedOperationException("a query's rows are read once");
    }

    @Override
    public void close() {
        try {
            rows.close();
        } finally {
            finish();
        }
    }

    private void finish() {
        if (!finished) {
            finished = true;
            try {
                // The entry's completion comes after what the query read is recorded on it.
                try {
                    recorded.join();
                } catch (CompletionException | CancellationException e) {
                    // Reported by awaitRecorded to whoever reads rows; the completion is written anyway.
                }
                log.finish(entry, count, failure);
            } finally {
                ended.run();
            }
        }
    }
}
