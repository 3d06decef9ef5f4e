package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import java.util.Set;

/**
 * Who runs a statement: a user and the roles granted to them. Users holding the {@code admin}
 * role are governed by no policy.
 */
public record Principal(String user, Set<String> roles) {
    public static final String ADMIN_ROLE = "admin";
    public static final String ANALYST_ROLE = "analyst";

    public Principal {
        requireNonNull(user, "user is null");
        roles = Set.copyOf(requireNonNull(roles, "roles is null"));
    }

    public boolean isAdmin() {
        return roles.contains(ADMIN_ROLE);
    }
}
