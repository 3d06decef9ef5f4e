package dev.veil.policy;

import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableName;

/**
 * Resolves the stored policies into what applies to one principal. Fails closed: when policies
 * for several of a user's roles disagree, the most restrictive wins, and row filters of all of
 * them apply together.
 */
public interface PolicyResolver {
    /** The access of {@code principal} to {@code table}; admins get unrestricted access. */
    TableAccess access(TableName table, Principal principal);
}
