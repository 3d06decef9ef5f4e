package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals.Principal;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Optional;

/**
 * The roles' overrides of the server's statement time limit, kept in {@code veil.db}
 * ({@code ALTER ROLE r SET STATEMENT_TIMEOUT = '30s'}). A user's statements are limited by the
 * largest override among the user's roles (a role grants time, it does not take it away from the
 * user's other roles), or by the server's default when none of the roles has one.
 */
public final class StatementTimeouts {
    /** The longest limit a role may have: one week. */
    public static final Duration MAX = Duration.ofDays(7);

    private final SqliteCatalog catalog;

    public StatementTimeouts(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** Sets {@code role}'s limit to {@code timeout}, or removes its override when empty. */
    public void set(String role, Optional<Duration> timeout) {
        requireNonNull(role, "role is null");
        requireNonNull(timeout, "timeout is null");
        timeout.ifPresent(StatementTimeouts::check);
        catalog.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM roles WHERE name = ?")) {
                ps.setString(1, role);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new VeilException(ErrorCode.UNKNOWN_PRINCIPAL, "Role '" + role + "' does not exist");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM role_statement_timeouts WHERE role_name = ?")) {
                ps.setString(1, role);
                ps.executeUpdate();
            }
            if (timeout.isPresent()) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO role_statement_timeouts (role_name, timeout_millis) VALUES (?, ?)")) {
                    ps.setString(1, role);
                    ps.setLong(2, timeout.get().toMillis());
                    ps.executeUpdate();
                }
            }
            return null;
        });
    }

    /** {@code role}'s override; empty when it has none. */
    public Optional<Duration> ofRole(String role) {
        requireNonNull(role, "role is null");
        return catalog.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT timeout_millis FROM role_statement_timeouts WHERE role_name = ?")) {
                ps.setString(1, role);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(Duration.ofMillis(rs.getLong(1))) : Optional.<Duration>empty();
                }
            }
        });
    }

    /** The largest override among {@code principal}'s roles; empty when none has one. */
    public Optional<Duration> of(Principal principal) {
        requireNonNull(principal, "principal is null");
        Optional<Duration> largest = Optional.empty();
        for (String role : principal.roles()) {
            Optional<Duration> own = ofRole(role);
            if (own.isPresent() && (largest.isEmpty() || own.get().compareTo(largest.get()) > 0)) {
                largest = own;
            }
        }
        return largest;
    }

    /** Fails with INVALID_ARGUMENT unless {@code timeout} is a usable limit (at least 1 ms, at most {@link #MAX}). */
    public static Duration check(Duration timeout) {
        requireNonNull(timeout, "timeout is null");
        if (timeout.toMillis() < 1 || timeout.compareTo(MAX) > 0) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "A statement time limit must be between 1 ms and "
                    + MAX.toDays() + " days; got " + timeout.toMillis() + " ms");
        }
        return timeout;
    }

    /**
     * Parses a time limit as written in SQL and on the command line: a number with a unit
     * {@code ms}, {@code s}, {@code min} or {@code h} ({@code 500ms}, {@code 30s}, {@code 10min},
     * {@code 2h}); a bare number is seconds. Fails with INVALID_ARGUMENT.
     */
    public static Duration parse(String text) {
        requireNonNull(text, "text is null");
        String t = text.strip().toLowerCase(java.util.Locale.ROOT);
        int split = 0;
        while (split < t.length() && Character.isDigit(t.charAt(split))) {
            split++;
        }
        String number = t.substring(0, split);
        String unit = t.substring(split).strip();
        if (number.isEmpty() || number.length() > 12) {
            throw badDuration(text);
        }
        long n = Long.parseLong(number);
        Duration d = switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "", "s", "sec", "seconds" -> Duration.ofSeconds(n);
            case "m", "min", "minutes" -> Duration.ofMinutes(n);
            case "h", "hours" -> Duration.ofHours(n);
            default -> throw badDuration(text);
        };
        return check(d);
    }

    private static VeilException badDuration(String text) {
        return new VeilException(ErrorCode.INVALID_ARGUMENT, "Invalid time limit '" + text
                + "'; write a whole number with a unit: ms, s, min or h (e.g. '30s', '10min')");
    }
}
