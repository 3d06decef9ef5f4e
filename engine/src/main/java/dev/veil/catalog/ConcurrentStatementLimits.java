package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals.Principal;
import java.util.Optional;

/**
 * The roles' overrides of the server's cap on the statements one user runs at once, kept as the
 * role setting {@value #SETTING} in {@link RoleSettings} ({@code ALTER ROLE r SET
 * max_concurrent_statements = '4'}). A user's cap is the largest override among the user's roles
 * (a role grants, it does not take away), or the server's default when none of them has one.
 */
public final class ConcurrentStatementLimits {
    /** The name of the role setting. */
    public static final String SETTING = "max_concurrent_statements";
    /** The largest cap a role may have. */
    public static final int MAX = 10_000;

    private final RoleSettings settings;

    public ConcurrentStatementLimits(SqliteCatalog catalog) {
        this.settings = new RoleSettings(requireNonNull(catalog, "catalog is null"));
    }

    /** Sets {@code role}'s cap to {@code limit}, or removes its override when empty. */
    public void set(String role, Optional<Integer> limit) {
        requireNonNull(role, "role is null");
        requireNonNull(limit, "limit is null");
        if (limit.isPresent()) {
            settings.set(role, SETTING, Integer.toString(check(limit.get())));
        } else {
            settings.reset(role, SETTING);
        }
    }

    /** The largest override among {@code principal}'s roles; empty when none has one. */
    public Optional<Integer> of(Principal principal) {
        requireNonNull(principal, "principal is null");
        return settings.of(principal.roles(), SETTING).values().stream()
                .flatMap(v -> parsed(v).stream())
                .max(Integer::compare);
    }

    private static Optional<Integer> parsed(String value) {
        try {
            return Optional.of(Integer.parseInt(value));
        } catch (NumberFormatException e) {
            return Optional.empty(); // not written by ALTER ROLE: the default applies
        }
    }

    /** Fails with INVALID_ARGUMENT unless {@code limit} is a usable cap (1 to {@value #MAX}). */
    public static int check(int limit) {
        if (limit < 1 || limit > MAX) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "A limit of concurrent statements must be between 1 and " + MAX + "; got " + limit);
        }
        return limit;
    }

    /** Parses a cap as written in SQL and on the command line: a whole number from 1 to {@value #MAX}. */
    public static int parse(String text) {
        requireNonNull(text, "text is null");
        String t = text.strip();
        if (t.isEmpty() || t.length() > 6 || !t.chars().allMatch(Character::isDigit)) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "Invalid " + SETTING + " '" + text + "'; write a whole number from 1 to " + MAX);
        }
        return check(Integer.parseInt(t));
    }
}
