package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Purposes;

/**
 * What a policy file holds for one purpose: its declaration ({@code CREATE PURPOSE}), whom it is
 * granted to ({@code GRANT PURPOSE}), and whose default purpose it is ({@code ALTER ROLE r SET
 * PURPOSE}, {@code ALTER USER u SET PURPOSE}).
 *
 * @param purpose the purpose's name, comment and renewal period
 * @param grantedTo the roles and users it is granted to
 * @param defaultFor the roles and users whose default purpose it is
 */
public record PurposeRules(Purposes.Purpose purpose, Grantees grantedTo, Grantees defaultFor) {
    public PurposeRules {
        requireNonNull(purpose, "purpose is null");
        requireNonNull(grantedTo, "grantedTo is null");
        requireNonNull(defaultFor, "defaultFor is null");
        if (purpose.name().equals(Purposes.ADMINISTRATION)) {
            throw new IllegalArgumentException("the built-in purpose " + Purposes.ADMINISTRATION + " has no rules");
        }
    }
}
