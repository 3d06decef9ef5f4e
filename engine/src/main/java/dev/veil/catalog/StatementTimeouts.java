package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals.Principal;
import java.time.Duration;
import java.util.Optional;

/**
 * The roles' overrides of the server's statement time limit, kept as the role setting
 * {@value #SETTING} in {@link RoleSettings} ({@code ALTER ROLE r SET statement_timeout = '30s'}).
 * A user's statements are limited by the largest override among the user's roles (a role grants
 * time, it does not take it away from the user's other roles), or by the server's default when
 * none of the roles has one.
 */
public final class StatementTimeouts {
    /** The name of the role setting. */
    public static final String SETTING = "statement_timeout";
    /** The longest limit a role may have: one week. */
    public static final Duration MAX = Duration.ofDays(7);

    private final RoleSettings settings;

    public StatementTimeouts(SqliteCatalog catalog) {
        this.settings = new RoleSettings(requireNonNull(catalog, "catalog is null"));
    }

    /** Sets {@code role}'s limit to {@code timeout}, or removes its override when empty. */
    public void set(String role, Optional<Duration> timeout) {
        requireNonNull(role, "role is null");
        requireNonNull(timeout, "timeout is null");
        if (timeout.isPresent()) {
            settings.set(role, SETTING, Long.toString(check(timeout.get()).toMillis()));
        } else {
            settings.reset(role, SETTING);
        }
    }

    /** {@code role}'s override; empty when it has none. */
    public Optional<Duration> ofRole(String role) {
        requireNonNull(role, "role is null");
        return settings.get(role, SETTING).map(millis -> Duration.ofMillis(Long.parseLong(millis)));
    }

    /** The largest override among {@code principal}'s roles; empty when none has one. */
    public Optional<Duration> of(Principal principal) {
        requireNonNull(principal, "principal is null");
        return settings.of(principal.roles(), SETTING).values().stream()
                .map(millis -> Duration.ofMillis(Long.parseLong(millis)))
                .max(Duration::compareTo);
    }

    /** Fails with INVALID_ARGUMENT unless {@code timeout} is a usable limit (at least 1 ms, at most {@link #MAX}). */
    public static Duration check(Duration timeout) {
        requireNonNull(timeout, "timeout is null");
        if (timeout.toMillis() < 1 || timeout.compareTo(MAX) > 0) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "A statement time limit must be between 1 ms and " + MAX.toDays() + " days; got "
                            + timeout.toMillis() + " ms");
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
        return new VeilException(
                ErrorCode.INVALID_ARGUMENT,
                "Invalid time limit '" + text
                        + "'; write a whole number with a unit: ms, s, min or h (e.g. '30s', '10min')");
    }
}
