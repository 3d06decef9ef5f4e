package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableName;
import dev.veil.policy.PolicyResolver;
import dev.veil.policy.TableAccess;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A policy resolver that gives every principal unrestricted access to every table: the engine's
 * resolver until a policy store is installed, and the one for tools that run as the warehouse
 * owner (bulk loads).
 */
public final class UnrestrictedPolicies implements PolicyResolver {
    public static final UnrestrictedPolicies INSTANCE = new UnrestrictedPolicies();

    private UnrestrictedPolicies() {}

    /** The access that leaves {@code table} as stored. */
    public static TableAccess unrestricted(TableName table) {
        return new TableAccess(
                requireNonNull(table, "table is null"),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Map.of(),
                List.of());
    }

    @Override
    public TableAccess access(TableName table, Principal principal) {
        requireNonNull(principal, "principal is null");
        return unrestricted(table);
    }
}
