package dev.veil.policy;

import java.util.Optional;

/** How policies say whom they apply to: one role, or (empty) every non-admin role. */
final class Scope {
    private Scope() {}

    /** {@code for role 'r'} or {@code for every non-admin role}, for descriptions and errors. */
    static String describe(Optional<String> role) {
        return role.map(r -> "for role '" + r + "'").orElse("for every non-admin role");
    }

    static void check(Optional<String> role) {
        if (role.isPresent() && role.get().isEmpty()) {
            throw new IllegalArgumentException("role is empty");
        }
    }
}
