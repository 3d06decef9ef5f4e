package dev.veil.audit;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.SqliteCatalog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * The append-only audit log in {@code veil.db}: who ran which statement when, whether it was
 * allowed, rejected or failed and why, how many rows a query returned, and the privacy budget it
 * spent. Each write is one catalog transaction. Entries cannot be deleted, and nothing
 * about an entry changes once written except that a statement's entry, written when it starts,
 * grows with its budget charges and is completed once, when it ends (for a query: when its result
 * is closed); triggers in the database enforce both.
 *
 * <p>When each write reaches the disk: a statement's entry as it starts, as it ends, and a
 * statement recorded whole (one that failed before it started, a refused login) are committed
 * without waiting for the disk ({@link SqliteCatalog#writeLogUnsynced}): every read sees them at
 * once and they survive the server's process dying, and the next synced commit puts them on disk.
 * A statement makes that synced commit before any of its results leave: the record of what it
 * reads, {@link #noteUse(long, String, String)} (for a query, {@link #noteUseInBackground} while it
 * runs, its first row or error waiting for it), which also puts on disk the charge of a query's
 * privacy cost, committed unsynced before it ran (statements that write their result elsewhere,
 * {@code INSERT ... SELECT} and {@code COPY ... TO}, charge synced). So one sync per statement, not
 * three to five, stands behind its entry; only a power failure between a statement's start and its synced commit, or within
 * {@value SqliteCatalog#UNSYNCED_MAX_MILLIS} ms of its end, can lose a record, and then a
 * record of nothing released (or only its end).
 *
 * <p>Callers pass statement text that holds no password (see {@link StatementText}).
 */
public final class AuditLog {
    private static final String COLUMNS =
            "id, at, user_name, kind, statement, decision, reason, rows_returned, epsilon, delta, finished_at, replays, purpose, reads";

    private final SqliteCatalog catalog;

    public AuditLog(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /**
     * Records a finished statement. Returns the entry's id.
     *
     * @param reason why it was rejected or failed; null when allowed
     */
    public long record(String user, StatementKind kind, String statement, Decision decision, String reason) {
        requireNonNull(decision, "decision is null");
        long now = System.currentTimeMillis();
        return insert(user, kind, statement, decision, reason, 0, 0, now, now, false);
    }

    /**
     * Records a query the policies allowed, before its rows leave (synced); {@link #finish}
     * completes it. Returns the entry's id.
     *
     * @param epsilon the epsilon its execution spends
     * @param delta the delta its execution spends
     */
    public long begin(String user, StatementKind kind, String statement, double epsilon, double delta) {
        if (!(epsilon >= 0) || !(delta >= 0)) {
            throw new IllegalArgumentException("privacy cost must be >= 0: " + epsilon + ", " + delta);
        }
        return insert(
                user, kind, statement, Decision.ALLOWED, null, epsilon, delta, System.currentTimeMillis(), null, true);
    }

    /**
     * Records a statement as it starts, before anything of it runs; {@link #complete} (or, for a
     * query, {@link #finish}) completes it. Its privacy cost grows with each budget charge
     * ({@link #addCost}). Returns the entry's id.
     */
    public long start(String user, StatementKind kind, String statement) {
        return insert(user, kind, statement, Decision.ALLOWED, null, 0, 0, System.currentTimeMillis(), null, false);
    }

    /**
     * Adds a budget charge to the privacy cost of the unfinished entry {@code id}, on
     * {@code catalog}: called inside the ledger's transaction, so the charge and its record commit
     * together.
     */
    public static void addCost(Connection catalog, long id, double epsilon, double delta) throws SQLException {
        requireNonNull(catalog, "catalog is null");
        if (!(epsilon >= 0) || !(delta >= 0)) {
            throw new IllegalArgumentException("privacy cost must be >= 0: " + epsilon + ", " + delta);
        }
        try (PreparedStatement ps = catalog.prepareStatement(
                "UPDATE audit_log SET epsilon = epsilon + ?, delta = delta + ? WHERE id = ? AND finished_at IS NULL")) {
            ps.setDouble(1, epsilon);
            ps.setDouble(2, delta);
            ps.setLong(3, id);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("audit entry " + id + " is not open");
            }
        }
    }

    /**
     * Records on the unfinished entry {@code id} the purpose its statement ran under and the tables
     * and columns (with their data categories) it read; nothing for a finished entry. Synced: once it
     * returns, the entry (and every record before it) is on disk.
     */
    public void noteUse(long id, String purpose, String reads) {
        catalog.writeLog(c -> {
            noteUse(c, id, purpose, reads);
            return null;
        });
    }

    /**
     * Records what {@link #noteUse(long, String, String)} records, on another thread: the future
     * completes once the entry is on disk (see {@link SqliteCatalog#writeLogInBackground}).
     */
    public CompletableFuture<Void> noteUseInBackground(long id, String purpose, String reads) {
        return catalog.writeLogInBackground(c -> {
            noteUse(c, id, purpose, reads);
            return null;
        });
    }

    /** Records what {@link #noteUse(long, String, String)} records, on {@code catalog} inside the caller's transaction. */
    public static void noteUse(Connection catalog, long id, String purpose, String reads) throws SQLException {
        requireNonNull(catalog, "catalog is null");
        try (PreparedStatement ps = catalog.prepareStatement(
                "UPDATE audit_log SET purpose = ?, reads = ? WHERE id = ? AND finished_at IS NULL")) {
            ps.setString(1, purpose);
            ps.setString(2, reads);
            ps.setLong(3, id);
            ps.executeUpdate();
        }
    }

    /**
     * Notes on the unfinished entry {@code id}, on {@code catalog}, that {@code releases} of its
     * differentially private releases were replays of stored ones, charged nothing: called inside
     * the transaction that decided so, with the statement's charge if it has one.
     */
    public static void addReplays(Connection catalog, long id, int releases) throws SQLException {
        requireNonNull(catalog, "catalog is null");
        if (releases < 0) {
            throw new IllegalArgumentException("releases must be >= 0: " + releases);
        }
        try (PreparedStatement ps = catalog.prepareStatement(
                "UPDATE audit_log SET replays = replays + ? WHERE id = ? AND finished_at IS NULL")) {
            ps.setInt(1, releases);
            ps.setLong(2, id);
            if (ps.executeUpdate() != 1) {
                throw new IllegalStateException("audit entry " + id + " is not open");
            }
        }
    }

    /**
     * Completes the entry of a statement that returns no rows with how it ended. An entry is
     * completed once; later calls change nothing.
     *
     * @param reason why it was rejected or failed (the error message); null when allowed
     */
    public void complete(long id, Decision decision, String reason) {
        requireNonNull(decision, "decision is null");
        catalog.writeLogUnsynced(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_log SET finished_at = ?, decision = ?, "
                    + "reason = ? WHERE id = ? AND finished_at IS NULL")) {
                ps.setLong(1, System.currentTimeMillis());
                ps.setString(2, decision.name());
                ps.setString(3, reason);
                ps.setLong(4, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /**
     * Completes a query's entry with the rows it returned and, if it broke off with an error, the
     * error (its decision becomes FAILED). An entry is completed once; later calls change nothing.
     */
    public void finish(long id, long rowsReturned, Optional<String> failure) {
        requireNonNull(failure, "failure is null");
        catalog.writeLogUnsynced(c -> {
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_log SET rows_returned = ?, finished_at = ?, "
                    + "decision = ?, reason = ? WHERE id = ? AND finished_at IS NULL")) {
                ps.setLong(1, rowsReturned);
                ps.setLong(2, System.currentTimeMillis());
                ps.setString(3, failure.isPresent() ? Decision.FAILED.name() : Decision.ALLOWED.name());
                ps.setString(4, failure.orElse(null));
                ps.setLong(5, id);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Every entry, oldest first. */
    public List<AuditEntry> entries() {
        return catalog.read(c -> query(c, "SELECT " + COLUMNS + " FROM audit_log ORDER BY id", null));
    }

    /** The entries of one user, oldest first. */
    public List<AuditEntry> entriesOf(String user) {
        requireNonNull(user, "user is null");
        return catalog.read(
                c -> query(c, "SELECT " + COLUMNS + " FROM audit_log WHERE user_name = ? ORDER BY id", user));
    }

    private long insert(
            String user,
            StatementKind kind,
            String statement,
            Decision decision,
            String reason,
            double epsilon,
            double delta,
            long at,
            Long finishedAt,
            boolean synced) {
        requireNonNull(user, "user is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(statement, "statement is null");
        String text = StatementText.limit(statement);
        SqliteCatalog.SqlWork<Long> work = c -> {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_log (at, user_name, kind, statement, "
                    + "decision, reason, epsilon, delta, finished_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, at);
                ps.setString(2, user);
                ps.setString(3, kind.name());
                ps.setString(4, text);
                ps.setString(5, decision.name());
                ps.setString(6, reason);
                ps.setDouble(7, epsilon);
                ps.setDouble(8, delta);
                if (finishedAt == null) {
                    ps.setNull(9, java.sql.Types.INTEGER);
                } else {
                    ps.setLong(9, finishedAt);
                }
                ps.executeUpdate();
            }
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
                rs.next();
                return rs.getLong(1);
            }
        };
        return synced ? catalog.writeLog(work) : catalog.writeLogUnsynced(work);
    }

    private static List<AuditEntry> query(Connection c, String sql, String user) throws SQLException {
        List<AuditEntry> entries = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (user != null) {
                ps.setString(1, user);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    long rows = rs.getLong(8);
                    OptionalLong rowsReturned = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(rows);
                    long finished = rs.getLong(11);
                    OptionalLong finishedAt = rs.wasNull() ? OptionalLong.empty() : OptionalLong.of(finished);
                    entries.add(new AuditEntry(
                            rs.getLong(1),
                            rs.getLong(2),
                            rs.getString(3),
                            StatementKind.valueOf(rs.getString(4)),
                            rs.getString(5),
                            Decision.valueOf(rs.getString(6)),
                            Optional.ofNullable(rs.getString(7)),
                            rowsReturned,
                            rs.getDouble(9),
                            rs.getDouble(10),
                            finishedAt,
                            rs.getInt(12),
                            Optional.ofNullable(rs.getString(13)),
                            Optional.ofNullable(rs.getString(14))));
                }
            }
        }
        return entries;
    }
}
