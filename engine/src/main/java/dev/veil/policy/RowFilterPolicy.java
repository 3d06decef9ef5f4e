package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import java.util.Optional;

/**
 * A stored {@code SET ROW FILTER} policy: rows outside {@code predicate} do not exist for the role.
 *
 * @param table the table
 * @param role the role it applies to; empty for every non-admin role
 * @param predicate the predicate as SQL over the table's own columns, in the canonical form the
 *     SQL layer validated and wrote (identifiers in double quotes)
 */
public record RowFilterPolicy(TableName table, Optional<String> role, String predicate) {
    public RowFilterPolicy {
        requireNonNull(table, "table is null");
        requireNonNull(role, "role is null");
        requireNonNull(predicate, "predicate is null");
        Scope.check(role);
        if (predicate.isBlank()) {
            throw new IllegalArgumentException("row filter predicate of " + table + " is empty");
        }
    }

    /** {@code ROW FILTER (predicate)}. */
    public String definition() {
        return "ROW FILTER (" + predicate + ")";
    }

    @Override
    public String toString() {
        return "ROW FILTER on " + table + " " + Scope.describe(role);
    }
}
