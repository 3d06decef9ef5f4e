package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import java.util.Optional;

/**
 * A stored {@code SET MIN GROUP SIZE} policy.
 *
 * @param table the table
 * @param role the role it applies to; empty for every non-admin role
 * @param size the minimum group size and what happens to smaller groups
 */
public record MinGroupSizePolicy(TableName table, Optional<String> role, MinGroupSize size) {
    public MinGroupSizePolicy {
        requireNonNull(table, "table is null");
        requireNonNull(role, "role is null");
        requireNonNull(size, "size is null");
        Scope.check(role);
    }

    /** {@code MIN GROUP SIZE 10 SUPPRESS}. */
    public String definition() {
        return "MIN GROUP SIZE " + size.k() + (size.remainder() ? " REMAINDER" : " SUPPRESS");
    }

    @Override
    public String toString() {
        return definition() + " on " + table + " " + Scope.describe(role);
    }
}
