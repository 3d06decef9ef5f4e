package dev.veil.session;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.audit.AuditLog;
import dev.veil.audit.Decision;
import dev.veil.audit.StatementKind;
import dev.veil.audit.StatementText;
import dev.veil.control.RunningStatements;
import dev.veil.control.StatementControl;
import dev.veil.sql.RowsResult;
import dev.veil.sql.StatementRegistry;
import dev.veil.sql.StatementResult;
import dev.veil.sql.ast.SqlAlterUserPassword;
import dev.veil.sql.ast.SqlCreateUser;
import dev.veil.sql.ast.SqlEraseUnit;
import dev.veil.sql.ast.SqlExportUnit;
import dev.veil.sql.parser.InsertText;
import dev.veil.sql.parser.VeilParser;
import dev.veil.storage.Warehouse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one statement of a session in the audit log: parses it (so that the log can tell its
 * kind and never holds a password), records it as it starts (it is then listed in
 * {@code veil.running_statements}), and completes the entry with how it ended. Each budget
 * charge of the statement is added to its entry in the charge's own transaction, so the entry's
 * privacy cost is what the ledger charged, whether the statement succeeds or fails. A query's
 * entry is completed with its row count when its result is done; if the entry cannot be
 * written, nothing runs.
 *
 * <p>A statement that took longer than {@link #SLOW} in all is also logged for the server's
 * operators (at INFO, by its audit id, never its text or values), with where its time went: its
 * user's admission, the queue for a run slot, waits for memory, and the time it ran.
 */
final class StatementAudit {
    private static final Logger LOG = LoggerFactory.getLogger(StatementAudit.class);
    /** Statements that take longer than this are logged with their timeline. */
    static final Duration SLOW = Duration.ofSeconds(1);

    private final AuditLog log;
    private final RunningStatements running;
    private final String user;
    private final String sql;
    private final StatementControl control;
    private String text;
    private StatementKind kind = StatementKind.STATEMENT;
    private long entry = -1;
    private long startedNanos;
    /** The purpose and reads last recorded on the entry in a synced commit (null before); to skip a repeat. */
    private volatile List<String> useRecorded;

    StatementAudit(Warehouse warehouse, String user, String sql, StatementControl control) {
        this.log = new AuditLog(requireNonNull(warehouse, "warehouse is null").sqliteCatalog());
        this.running = RunningStatements.of(warehouse);
        this.user = requireNonNull(user, "user is null");
        this.sql = requireNonNull(sql, "sql is null");
        this.control = requireNonNull(control, "control is null");
        // Until the text parses, it may hide a password in any string literal, and a statement about
        // one privacy unit its value (a number, too), an INSERT the data it writes: such a statement
        // is recorded by its first word.
        this.text = StatementText.maskStringLiterals(sql.strip());
        String upper = text.toUpperCase(java.util.Locale.ROOT);
        for (String word : new String[] {"EXPORT", "ERASE", "INSERT", "REPORT"}) {
            if (upper.startsWith(word)) {
                this.text = word + " ... (not recorded: it did not parse)";
            }
        }
    }

    /** Parses the statement and notes the text and kind to record. */
    SqlNode parse() {
        SqlNode node = VeilParser.parse(sql);
        if (node instanceof SqlInsert) {
            // The values written are data, not what was asked (and would outlive an erasure).
            text = InsertText.withoutValues(sql);
        } else {
            text = carriesPassword(node) ? VeilParser.unparse(node) : sql.strip();
        }
        kind = kindOf(node);
        return node;
    }

    /**
     * The purpose and reads the statement's planning noted, if the entry does not hold them on disk
     * yet; null when there is nothing to record.
     */
    private List<String> unrecordedUse() {
        if (entry < 0 || control.readsUsed() == null) {
            return null;
        }
        List<String> use = Arrays.asList(control.purposeUsed(), control.readsUsed());
        return use.equals(useRecorded) ? null : use;
    }

    /**
     * Records on the entry the purpose and reads the statement's planning noted, if any, in a synced
     * commit (so the entry is on disk before any result leaves).
     */
    private void noteUse() {
        List<String> use = unrecordedUse();
        if (use != null) {
            log.noteUse(entry, use.get(0), use.get(1));
            useRecorded = use;
        }
    }

    /**
     * Records the use as {@link #noteUse()} does, on another thread while the query runs: the future
     * completes once the entry is on disk, and the query's first row or error waits for it.
     */
    private CompletableFuture<Void> noteUseInBackground() {
        List<String> use = unrecordedUse();
        if (use == null) {
            return CompletableFuture.completedFuture(null);
        }
        return log.noteUseInBackground(entry, use.get(0), use.get(1)).thenRun(() -> useRecorded = use);
    }

    /**
     * Records the use noted so far on the entry, inside a charge's transaction on {@code catalog}.
     * Not marked recorded: a query's charge commits unsynced, so its rows still wait for a synced
     * write of the entry (which puts the charge on disk with it).
     */
    private void noteUse(java.sql.Connection catalog, long id) throws java.sql.SQLException {
        if (control.readsUsed() != null) {
            AuditLog.noteUse(catalog, id, control.purposeUsed(), control.readsUsed());
        }
    }

    /** Records the parsed statement as started and running; its charges go to its entry from now on. */
    void start() {
        long now = System.currentTimeMillis();
        long nanos = System.nanoTime();
        startedNanos = nanos;
        entry = log.start(user, kind, text);
        long id = entry;
        control.onCharge(new StatementControl.ChargeListener() {
            @Override
            public void charged(java.sql.Connection catalog, double epsilon, double delta)
                    throws java.sql.SQLException {
                AuditLog.addCost(catalog, id, epsilon, delta);
                noteUse(catalog, id);
            }

            @Override
            public void replayed(java.sql.Connection catalog, int releases) throws java.sql.SQLException {
                AuditLog.addReplays(catalog, id, releases);
                noteUse(catalog, id);
            }
        });
        running.started(new RunningStatements.Running(id, user, now, nanos, StatementText.limit(text), control));
    }

    /** Records a statement that ran; a query's rows come back counted for its entry. */
    StatementResult succeeded(StatementResult result) {
        if (result instanceof RowsResult rows) {
            return new RowsResult(
                    rows.columns(),
                    new AuditedRows(rows.rows(), log, entry, control, noteUseInBackground(), this::ended),
                    control.epsilonCharged(),
                    control.deltaCharged(),
                    rows.notices());
        }
        try {
            noteUse();
            log.complete(entry, Decision.ALLOWED, null);
        } finally {
            ended();
        }
        return result;
    }

    /** Records a statement that was rejected or failed, and gives back its error to throw. */
    VeilException failed(VeilException error) {
        try {
            // A charge's transaction that recorded the use may have been rolled back: record it again.
            useRecorded = null;
            noteUse();
            if (entry < 0) {
                log.record(user, kind, text, decision(error.errorCode()), error.clientMessage());
            } else {
                log.complete(entry, decision(error.errorCode()), error.clientMessage());
            }
        } catch (RuntimeException e) {
            error.addSuppressed(e);
        } finally {
            ended();
        }
        return error;
    }

    private void ended() {
        control.finish();
        if (entry >= 0) {
            running.ended(entry);
            long took = System.nanoTime() - startedNanos;
            if (took > SLOW.toNanos() && LOG.isInfoEnabled()) {
                LOG.info(
                        "Slow statement {} of user '{}': {} ms in all (its rows read by the client included); {}",
                        entry,
                        user,
                        took / 1_000_000,
                        control.timeline());
            }
        }
    }

    static Decision decision(ErrorCode code) {
        return switch (code) {
            case ACCESS_DENIED, POLICY_VIOLATION, BUDGET_EXHAUSTED -> Decision.REJECTED;
            default -> Decision.FAILED;
        };
    }

    /** Statements whose text holds a password or a privacy unit's value; their nodes unparse it as '***'. */
    private static boolean carriesPassword(SqlNode node) {
        return node instanceof SqlCreateUser
                || node instanceof SqlAlterUserPassword
                || node instanceof SqlExportUnit
                || node instanceof SqlEraseUnit
                || node instanceof dev.veil.sql.ast.SqlReportDataUse;
    }

    static StatementKind kindOf(SqlNode node) {
        return StatementRegistry.auditKind(node);
    }
}
