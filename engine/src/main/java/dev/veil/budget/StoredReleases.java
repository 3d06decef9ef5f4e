package dev.veil.budget;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.SqliteCatalog;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.WeakHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The differentially private releases Veil has made, by the fingerprint of the question each
 * answered (consistent answers, in the manner of LinkedIn's PriPeARL): asked again on the same
 * data, under the same policies and with the same ε, a question gets the stored release back, the
 * same rows with the same noise, at no charge, whoever asks. Sharing a release is post-processing
 * of a DP output, so it spends nothing; averaging repeated answers gains nothing, since they are
 * identical.
 *
 * <p>Kept in the catalog (table {@code dp_releases}), so they survive restarts. A release's row is
 * written, without its rows, in the transaction of the budget charge that pays for it
 * ({@link #reserve}); its rows are written ({@link #store}) after they are drawn and before any of
 * them leaves the engine. A crash in between leaves a paid row without rows: nothing was released,
 * and the next ask is a first ask again, charged. A release of a question is stored once: a later
 * {@link #store} of the same fingerprint never replaces rows already stored.
 *
 * <p>A first ask is serialized per fingerprint within the server ({@link #claim}): a second
 * statement asking the same question waits until the first has stored its release (then replays
 * it) or ended without one (then it is the first ask). Statements of the same session never wait
 * for each other (a client may hold an unread result open and ask again); such a second ask is
 * charged as a first ask and its rows are not stored.
 *
 * <p>A question's fingerprint holds the table versions it read, so a commit to a table retires the
 * releases that read an older version: they are never replayed again, and are deleted (as are
 * those of dropped tables) whenever a release is stored. The store keeps at most
 * {@link #CAPACITY} releases, dropping the least recently used.
 */
public final class StoredReleases {
    /** The most releases kept; the least recently used go first. */
    public static final int CAPACITY = 10_000;

    private static final Logger LOG = LoggerFactory.getLogger(StoredReleases.class);

    /** The fingerprints being asked for the first time, per catalog (server-wide), with their holder. */
    private static final Map<SqliteCatalog, Claims> CLAIMS = new WeakHashMap<>();

    private final SqliteCatalog catalog;

    private StoredReleases(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** The releases stored in {@code catalog}. */
    public static StoredReleases of(SqliteCatalog catalog) {
        return new StoredReleases(catalog);
    }

    /**
     * Holds {@code fingerprints} for a statement of session {@code session} until it stores their
     * releases or ends: waits, calling {@code check} (which throws to give up, for a cancel or a
     * time limit) every 100 ms, while a statement of another session holds any of them. They are
     * taken in a fixed order, so two statements never wait for each other. Before it first waits,
     * {@code pause} is called (to give back the thread's run slot, so that the statement it waits
     * for can run); the action it returns is run once the wait is over.
     */
    public Claim claim(Collection<String> fingerprints, Object session, Runnable check, Supplier<Runnable> pause) {
        requireNonNull(session, "session is null");
        requireNonNull(check, "check is null");
        requireNonNull(pause, "pause is null");
        Claims claims;
        synchronized (CLAIMS) {
            claims = CLAIMS.computeIfAbsent(catalog, c -> new Claims());
        }
        Claim claim = new Claim(claims, session);
        Runnable[] resume = {null};
        try {
            for (String fingerprint : new TreeSet<>(fingerprints)) {
                claims.acquire(fingerprint, claim, check, () -> {
                    if (resume[0] == null) {
                        resume[0] = pause.get();
                    }
                });
            }
        } catch (RuntimeException | Error e) {
            claim.close();
            throw e;
        } finally {
            if (resume[0] != null) {
                resume[0].run();
            }
        }
        return claim;
    }

    /** The fingerprints some statement holds, server-wide; the lock of their map is the map. */
    private static final class Claims {
        private final Map<String, Claim> held = new HashMap<>();

        synchronized void acquire(String fingerprint, Claim claim, Runnable check, Runnable beforeWait) {
            while (true) {
                Claim holder = held.get(fingerprint);
                if (holder == null) {
                    held.put(fingerprint, claim);
                    claim.held.add(fingerprint);
                    return;
                }
                if (holder.session == claim.session) {
                    return; // the same session: never wait for oneself; not held, so not stored
                }
                check.run();
                beforeWait.run();
                try {
                    wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new VeilException(ErrorCode.QUERY_CANCELLED, "The statement was interrupted");
                }
            }
        }

        synchronized void release(String fingerprint, Claim claim) {
            if (held.get(fingerprint) == claim) {
                held.remove(fingerprint);
                notifyAll();
            }
        }
    }

    /** The fingerprints one statement holds; closing it lets go of those it still holds. */
    public static final class Claim implements AutoCloseable {
        private final Claims claims;
        private final Object session;
        private final java.util.Set<String> held = java.util.concurrent.ConcurrentHashMap.newKeySet();

        private Claim(Claims claims, Object session) {
            this.claims = claims;
            this.session = session;
        }

        /** Whether this statement holds {@code fingerprint} (a same-session ask does not). */
        public boolean holds(String fingerprint) {
            return held.contains(fingerprint);
        }

        /** Lets go of {@code fingerprint}: a statement waiting for it goes on. */
        public void release(String fingerprint) {
            if (held.remove(fingerprint)) {
                claims.release(fingerprint, this);
            }
        }

        @Override
        public void close() {
            for (String fingerprint : List.copyOf(held)) {
                release(fingerprint);
            }
        }
    }

    /** Whether a release of {@code fingerprint} is stored (for EXPLAIN PRIVACY; reads nothing of the data). */
    public boolean has(String fingerprint) {
        return catalog.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT 1 FROM dp_releases WHERE fingerprint = ? AND rows IS NOT NULL")) {
                ps.setString(1, fingerprint);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** The stored rows of each of {@code fingerprints} that has them, on {@code c} (inside a transaction). */
    public static Map<String, List<Object[]>> stored(Connection c, Collection<String> fingerprints)
            throws SQLException {
        Map<String, List<Object[]>> found = new HashMap<>();
        long now = System.currentTimeMillis();
        for (String fingerprint : fingerprints) {
            byte[] bytes = null;
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT rows FROM dp_releases WHERE fingerprint = ? AND rows IS NOT NULL")) {
                ps.setString(1, fingerprint);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        bytes = rs.getBytes(1);
                    }
                }
            }
            if (bytes == null) {
                continue;
            }
            Optional<List<Object[]>> rows = decode(bytes);
            if (rows.isPresent()) {
                found.put(fingerprint, rows.get());
                try (PreparedStatement ps =
                        c.prepareStatement("UPDATE dp_releases SET used_at = ? WHERE fingerprint = ?")) {
                    ps.setLong(1, now);
                    ps.setString(2, fingerprint);
                    ps.executeUpdate();
                }
            }
        }
        return found;
    }

    /**
     * Records, on {@code c} inside the transaction of the charge that pays for it, that the
     * release of {@code fingerprint} is paid for and about to be drawn: a row without rows (one
     * left by an earlier ask that never drew is replaced).
     */
    public static void reserve(Connection c, String fingerprint) throws SQLException {
        long now = System.currentTimeMillis();
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO dp_releases (fingerprint, rows, created_at, used_at) VALUES (?, NULL, ?, ?) "
                        + "ON CONFLICT (fingerprint) DO UPDATE SET created_at = excluded.created_at, "
                        + "used_at = excluded.used_at WHERE dp_releases.rows IS NULL")) {
            ps.setString(1, fingerprint);
            ps.setLong(2, now);
            ps.setLong(3, now);
            ps.executeUpdate();
        }
    }

    /**
     * Stores the drawn {@code rows} of {@code fingerprint}, which read the tables of
     * {@code versions} (table id to version), before they are released; keeps rows already stored.
     * The commit does not wait for the disk ({@link SqliteCatalog#writeLogUnsynced}): the release
     * was paid for by a synced charge already, and a power failure that loses the stored rows only
     * makes the next ask draw afresh, charged again (its reservation is then replaced). Deletes the releases that read an older version of a table or a dropped one, and the least
     * recently used beyond {@link #CAPACITY}. Rows of a type the store cannot hold are not stored
     * (the question is simply asked afresh next time); a catalog failure fails the statement.
     */
    public void store(String fingerprint, List<Object[]> rows, Map<Long, Long> versions) {
        requireNonNull(fingerprint, "fingerprint is null");
        requireNonNull(versions, "versions is null");
        Optional<byte[]> bytes = encode(rows);
        if (bytes.isEmpty()) {
            return;
        }
        long now = System.currentTimeMillis();
        catalog.writeLogUnsynced(c -> {
            // Retired: releases that read a table since changed (a newer version) or dropped.
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM dp_releases WHERE fingerprint IN "
                    + "(SELECT r.fingerprint FROM dp_release_reads r LEFT JOIN tables t ON t.id = r.table_id "
                    + "WHERE t.id IS NULL OR t.version > r.version)")) {
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO dp_releases (fingerprint, rows, created_at, used_at) VALUES (?, ?, ?, ?) "
                            + "ON CONFLICT (fingerprint) DO UPDATE SET rows = excluded.rows, used_at = excluded.used_at "
                            + "WHERE dp_releases.rows IS NULL")) {
                ps.setString(1, fingerprint);
                ps.setBytes(2, bytes.get());
                ps.setLong(3, now);
                ps.setLong(4, now);
                ps.executeUpdate();
            }
            for (Map.Entry<Long, Long> read : versions.entrySet()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT OR IGNORE INTO dp_release_reads (fingerprint, table_id, version) VALUES (?, ?, ?)")) {
                    ps.setString(1, fingerprint);
                    ps.setLong(2, read.getKey());
                    ps.setLong(3, read.getValue());
                    ps.executeUpdate();
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM dp_releases WHERE fingerprint IN "
                            + "(SELECT fingerprint FROM dp_releases ORDER BY used_at DESC, created_at DESC LIMIT -1 OFFSET ?)")) {
                ps.setInt(1, CAPACITY);
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** How many releases are stored with their rows (for tests and operators). */
    public int size() {
        return catalog.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM dp_releases WHERE rows IS NOT NULL");
                    ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    /** The classes a stored row may hold: the values of {@code VeilType}'s representation. */
    private static final ObjectInputFilter ROW_CLASSES = ObjectInputFilter.Config.createFilter(
            "maxdepth=8;java.util.ArrayList;java.lang.Object;java.lang.Number;java.lang.Long;java.lang.Integer;"
                    + "java.lang.Short;java.lang.Byte;java.lang.Double;java.lang.Float;java.lang.String;"
                    + "java.lang.Boolean;java.math.BigDecimal;java.math.BigInteger;"
                    + "org.apache.calcite.avatica.util.ByteString;!*");

    private static Optional<byte[]> encode(List<Object[]> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(new ArrayList<>(rows));
        } catch (IOException e) {
            LOG.warn("A differentially private release could not be stored for replay: {}", e.toString());
            return Optional.empty();
        }
        byte[] encoded = bytes.toByteArray();
        if (decode(encoded).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(encoded);
    }

    @SuppressWarnings("unchecked")
    private static Optional<List<Object[]>> decode(byte[] bytes) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
            in.setObjectInputFilter(ROW_CLASSES);
            return Optional.of(List.copyOf((List<Object[]>) in.readObject()));
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            LOG.warn("A stored differentially private release could not be read back: {}", e.toString());
            return Optional.empty();
        }
    }
}
