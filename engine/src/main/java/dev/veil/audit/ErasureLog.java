package dev.veil.audit;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.SqliteCatalog;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The erasure log in {@code veil.db}: one append-only row per {@code ERASE PRIVACY UNIT} (and per
 * {@code EXPORT PRIVACY UNIT}): when, by whom, which unit table, the rows per table, and the
 * unit's <em>fingerprint</em>, never its value. The fingerprint is HMAC-SHA256 under a secret of
 * this warehouse (32 bytes from {@link SecureRandom}, made on first use and kept in the catalog
 * table {@code erasure_key}) of the unit table's name and the value's canonical text: the same
 * unit always has the same fingerprint, so a later reload of old data can be checked against the
 * log, but the log alone does not let anyone confirm a guessed value without the secret.
 * Triggers refuse updates and deletes of the log.
 */
public final class ErasureLog {
    /** What was done to the unit. */
    public enum Action {
        ERASE,
        EXPORT
    }

    /** One row of the log; {@code rowCounts} maps each table (qualified name) to its rows. */
    public record Entry(
            long id, long at, String user, Action action, String unitTable, String fingerprint, String rowCounts) {}

    private static final int KEY_BYTES = 32;
    private static final String MAC = "HmacSHA256";

    private final SqliteCatalog catalog;

    public ErasureLog(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /**
     * The fingerprint of a unit: hex HMAC-SHA256 of {@code unitTable}, a zero byte and
     * {@code canonicalValue} (the value as the unit column's type prints it).
     */
    public String fingerprint(String unitTable, String canonicalValue) {
        requireNonNull(unitTable, "unitTable is null");
        requireNonNull(canonicalValue, "canonicalValue is null");
        byte[] key = catalog.writeLog(ErasureLog::key);
        try {
            Mac mac = Mac.getInstance(MAC);
            mac.init(new SecretKeySpec(key, MAC));
            mac.update(unitTable.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return HexFormat.of().formatHex(mac.doFinal(canonicalValue.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new VeilException(ErrorCode.INTERNAL_ERROR, "HMAC-SHA256 is not available", e);
        }
    }

    /**
     * A reusable {@link #fingerprint} (the secret read once), for checking many values: not
     * thread-safe, one per load.
     */
    public java.util.function.BiFunction<String, String, String> fingerprinter() {
        byte[] key = catalog.writeLog(ErasureLog::key);
        Mac mac;
        try {
            mac = Mac.getInstance(MAC);
            mac.init(new SecretKeySpec(key, MAC));
        } catch (GeneralSecurityException e) {
            throw new VeilException(ErrorCode.INTERNAL_ERROR, "HMAC-SHA256 is not available", e);
        }
        return (unitTable, canonicalValue) -> {
            mac.update(unitTable.getBytes(StandardCharsets.UTF_8));
            mac.update((byte) 0);
            return HexFormat.of().formatHex(mac.doFinal(canonicalValue.getBytes(StandardCharsets.UTF_8)));
        };
    }

    /** The fingerprints of the units of {@code unitTable} (qualified name) that were erased. */
    public java.util.Set<String> erasedFingerprints(String unitTable) {
        requireNonNull(unitTable, "unitTable is null");
        return catalog.read(c -> {
            java.util.Set<String> erased = new java.util.HashSet<>();
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT unit_fingerprint FROM erasure_log WHERE unit_table = ? AND action = 'ERASE'")) {
                ps.setString(1, unitTable);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        erased.add(rs.getString(1));
                    }
                }
            }
            return erased;
        });
    }

    private static byte[] key(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT secret FROM erasure_key WHERE id = 1");
                ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                return rs.getBytes(1);
            }
        }
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO erasure_key (id, secret) VALUES (1, ?)")) {
            ps.setBytes(1, key);
            ps.executeUpdate();
        }
        return key;
    }

    /**
     * Appends a row in the caller's transaction (an erasure's row commits with its new table
     * versions, or not at all). {@code rowCounts} in the order given, e.g. {@code shop.orders=3}.
     */
    public static long append(
            Connection c, String user, Action action, String unitTable, String fingerprint, Map<String, Long> rowCounts)
            throws SQLException {
        StringJoiner counts = new StringJoiner(", ");
        rowCounts.forEach((table, rows) -> counts.add(table + "=" + rows));
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO erasure_log"
                + " (at, user_name, action, unit_table, unit_fingerprint, row_counts) VALUES (?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, System.currentTimeMillis());
            ps.setString(2, requireNonNull(user, "user is null"));
            ps.setString(3, action.name());
            ps.setString(4, requireNonNull(unitTable, "unitTable is null"));
            ps.setString(5, requireNonNull(fingerprint, "fingerprint is null"));
            ps.setString(6, counts.toString());
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("SELECT last_insert_rowid()");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Appends a row in its own transaction. */
    public long append(String user, Action action, String unitTable, String fingerprint, Map<String, Long> rows) {
        Map<String, Long> copy = new LinkedHashMap<>(rows);
        return catalog.writeLog(c -> append(c, user, action, unitTable, fingerprint, copy));
    }

    /** Whether the unit with this fingerprint was erased. */
    public boolean erased(String fingerprint) {
        requireNonNull(fingerprint, "fingerprint is null");
        return catalog.read(c -> {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT 1 FROM erasure_log WHERE unit_fingerprint = ? AND action = 'ERASE'")) {
                ps.setString(1, fingerprint);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Every row, oldest first. */
    public List<Entry> entries() {
        return catalog.read(c -> {
            List<Entry> entries = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT id, at, user_name, action, unit_table,"
                            + " unit_fingerprint, row_counts FROM erasure_log ORDER BY id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    entries.add(new Entry(
                            rs.getLong(1),
                            rs.getLong(2),
                            rs.getString(3),
                            Action.valueOf(rs.getString(4)),
                            rs.getString(5),
                            rs.getString(6),
                            rs.getString(7)));
                }
            }
            return entries;
        });
    }
}
