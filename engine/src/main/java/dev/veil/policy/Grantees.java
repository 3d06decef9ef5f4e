package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableGrants;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;

/**
 * The roles and users a privilege or a purpose is granted to, each list sorted and without
 * duplicates: what a policy file writes under {@code select}, {@code create}, {@code granted_to}
 * and {@code default_for}.
 *
 * @param roles role names
 * @param users user names
 */
public record Grantees(List<String> roles, List<String> users) {
    private static final Grantees NONE = new Grantees(List.of(), List.of());

    public Grantees {
        roles = List.copyOf(new TreeSet<>(requireNonNull(roles, "roles is null")));
        users = List.copyOf(new TreeSet<>(requireNonNull(users, "users is null")));
    }

    /** Nobody. */
    public static Grantees none() {
        return NONE;
    }

    /** The grantees of keys as {@link TableGrants.Grantee#key} writes them ({@code role:r}, {@code user:u}). */
    public static Grantees ofKeys(Collection<String> keys) {
        requireNonNull(keys, "keys is null");
        List<String> roles = new ArrayList<>();
        List<String> users = new ArrayList<>();
        for (String key : keys) {
            int colon = key.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("not a grantee key: " + key);
            }
            String kind = key.substring(0, colon).toUpperCase(Locale.ROOT);
            String name = key.substring(colon + 1);
            switch (TableGrants.Grantee.valueOf(kind)) {
                case ROLE -> roles.add(name);
                case USER -> users.add(name);
            }
        }
        return new Grantees(roles, users);
    }

    /** The names of one kind. */
    public List<String> of(TableGrants.Grantee kind) {
        return kind == TableGrants.Grantee.ROLE ? roles : users;
    }

    public boolean isEmpty() {
        return roles.isEmpty() && users.isEmpty();
    }
}
