package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.catalog.TableGrants;
import dev.veil.catalog.TableName;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may see and create which objects, for one principal during one statement.
 *
 * <p>Objects have owners. A schema or table that an admin creates belongs to nobody and is seen
 * by everyone (its policies then say what each user gets from it). A schema or table that a user
 * who is not an admin creates belongs to that user, and a table that belongs to a user is seen
 * only by that user, by admins, and by the users and roles they grant it to ({@link TableGrants}): {@code CREATE TABLE t AS SELECT ...} copies what the query
 * released to its user, such as the rows a row filter showed them, and that copy must not become
 * readable by every other user. To everyone else such a table does not exist.
 *
 * <p>A user who is not an admin creates tables only in the shared schema {@value #SHARED_SCHEMA}
 * and in schemas they created themselves, never beside the protected tables of an admin's schema.
 * Schemas are visible to everyone. Not thread-safe (one statement).
 */
public final class ObjectAccess {
    /** The schema where every user may create tables of their own. */
    public static final String SHARED_SCHEMA = "public";

    private final SqliteCatalog catalog;
    private final Principal principal;
    private final Map<String, Map<String, String>> ownersBySchema = new HashMap<>();
    private final Map<String, Map<String, Set<String>>> granteesBySchema = new HashMap<>();

    public ObjectAccess(SqliteCatalog catalog, Principal principal) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.principal = requireNonNull(principal, "principal is null");
    }

    /** Whether the principal may see (and read, as its policies allow) the table. */
    public boolean canSee(TableName table) {
        requireNonNull(table, "table is null");
        if (principal.isAdmin()) {
            return true;
        }
        String owner = ownersBySchema
                .computeIfAbsent(table.schema(), catalog::tableOwners)
                .get(table.table());
        if (owner == null || owner.equals(principal.name())) {
            return true;
        }
        Set<String> grantees = granteesBySchema
                .computeIfAbsent(table.schema(), new TableGrants(catalog)::grantees)
                .getOrDefault(table.table(), Set.of());
        if (grantees.contains(TableGrants.Grantee.USER.key(principal.name()))) {
            return true;
        }
        for (String role : principal.roles()) {
            if (grantees.contains(TableGrants.Grantee.ROLE.key(role))) {
                return true;
            }
        }
        return false;
    }

    /** Whether the principal may grant others to see the table: admins, and the user who owns it. */
    public boolean canGrant(TableName table) {
        requireNonNull(table, "table is null");
        return principal.isAdmin()
                || catalog.tableOwner(table).map(principal.name()::equals).orElse(false);
    }

    /** The owner a new object of the principal gets: the user, unless an admin creates it. */
    public Optional<String> ownerOfNew() {
        return principal.isAdmin() ? Optional.empty() : Optional.of(principal.name());
    }

    /**
     * Fails with ACCESS_DENIED unless the principal may create a table in {@code schema}: admins
     * anywhere, other users in {@value #SHARED_SCHEMA} and in schemas they own.
     */
    public void checkCreateTableIn(String schema) {
        requireNonNull(schema, "schema is null");
        if (principal.isAdmin() || schema.equals(SHARED_SCHEMA)) {
            return;
        }
        Optional<String> owner = catalog.schemaOwner(schema);
        if (owner.isPresent() && owner.get().equals(principal.name())) {
            return;
        }
        if (!catalog.schemaExists(schema)) {
            return; // the catalog reports the unknown schema
        }
        throw new VeilException(
                ErrorCode.ACCESS_DENIED,
                "User '" + principal.name() + "' may not create tables in schema '" + schema
                        + "'; users create tables in schema " + SHARED_SCHEMA + " and in schemas they created");
    }
}
