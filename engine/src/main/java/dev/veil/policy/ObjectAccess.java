package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.SchemaGrants;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.catalog.TableGrants;
import dev.veil.catalog.TableName;
import dev.veil.catalog.ViewDef;
import dev.veil.catalog.Views;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Who may see and create which objects, for one principal during one statement.
 *
 * <p>Objects (tables and views) have owners. A schema, table or view that an admin creates belongs
 * to nobody and is seen by everyone (its policies then say what each user gets from it). One that a
 * user who is not an admin creates belongs to that user, and a table or view that belongs to a user
 * is seen only by that user, by admins, and by the users and roles they grant it to ({@link
 * TableGrants}, {@link Views}), or to whom the user grants SELECT on a schema they own: {@code
 * CREATE TABLE t AS SELECT ...} copies what the query released to its user, such as the rows a row
 * filter showed them, and that copy must not become readable by every other user. To everyone else
 * such an object does not exist.
 *
 * <p>A schema is open (every user sees its objects, as above) or restricted ({@code ALTER SCHEMA s
 * SET ACCESS RESTRICTED}, {@link SchemaGrants}): then only admins, the schema's owner, an object's
 * owner, and those granted SELECT on the schema or on the object see its objects.
 *
 * <p>A user who is not an admin creates tables and views only in the shared schema {@value
 * #SHARED_SCHEMA}, in schemas they created themselves, and in schemas where they were granted
 * CREATE, never beside the protected tables of an admin's schema. Schemas are visible to everyone.
 * Not thread-safe (one statement).
 */
public final class ObjectAccess {
    /** The schema where every user may create tables of their own. */
    public static final String SHARED_SCHEMA = "public";

    private final SqliteCatalog catalog;
    private final Principal principal;
    private final Map<String, Map<String, String>> ownersBySchema = new HashMap<>();
    private final Map<String, Map<String, Set<String>>> granteesBySchema = new HashMap<>();
    private final Map<String, Boolean> schemaSelect = new HashMap<>();
    private final Map<String, Boolean> restricted = new HashMap<>();

    public ObjectAccess(SqliteCatalog catalog, Principal principal) {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.principal = requireNonNull(principal, "principal is null");
    }

    /** Whether the principal may see (and read, as its policies allow) the table or view. */
    public boolean canSee(TableName table) {
        requireNonNull(table, "table is null");
        if (principal.isAdmin()) {
            return true;
        }
        String owner = owners(table.schema()).get(table.table());
        boolean mine = owner != null && owner.equals(principal.name());
        boolean granted = granted(grantees(table.schema()).getOrDefault(table.table(), Set.of()));
        boolean schemaGranted = schemaSelectGranted(table.schema());
        boolean ownerAllows = owner == null
                || mine
                || granted
                || (schemaGranted
                        && owner.equals(catalog.schemaOwner(table.schema()).orElse(null)));
        if (!ownerAllows) {
            return false;
        }
        return mine
                || granted
                || schemaGranted
                || !restricted.computeIfAbsent(table.schema(), new SchemaGrants(catalog)::restricted);
    }

    /** Whether the principal has SELECT on the schema: it owns it or was granted SELECT on it. */
    private boolean schemaSelectGranted(String schema) {
        return schemaSelect.computeIfAbsent(
                schema,
                s -> catalog.schemaOwner(s).map(principal.name()::equals).orElse(false)
                        || granted(new SchemaGrants(catalog).grantees(s, SchemaGrants.Privilege.SELECT)));
    }

    private Map<String, String> owners(String schema) {
        return ownersBySchema.computeIfAbsent(schema, s -> {
            Map<String, String> owners = new HashMap<>(catalog.tableOwners(s));
            owners.putAll(new Views(catalog).owners(s));
            return owners;
        });
    }

    private Map<String, Set<String>> grantees(String schema) {
        return granteesBySchema.computeIfAbsent(schema, s -> {
            Map<String, Set<String>> grantees = new HashMap<>(new TableGrants(catalog).grantees(s));
            grantees.putAll(new Views(catalog).grantees(s));
            return grantees;
        });
    }

    private boolean granted(Set<String> grantees) {
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

    /** Whether the principal may grant others to see the view, replace it or drop it: admins and its owner. */
    public boolean ownsView(ViewDef view) {
        requireNonNull(view, "view is null");
        return principal.isAdmin() || view.owner().map(principal.name()::equals).orElse(false);
    }

    /** Whether the principal may grant on a schema, or restrict or open it: admins and its owner. */
    public boolean ownsSchema(String schema) {
        requireNonNull(schema, "schema is null");
        return principal.isAdmin()
                || catalog.schemaOwner(schema).map(principal.name()::equals).orElse(false);
    }

    /** The owner a new object of the principal gets: the user, unless an admin creates it. */
    public Optional<String> ownerOfNew() {
        return principal.isAdmin() ? Optional.empty() : Optional.of(principal.name());
    }

    /**
     * Fails with ACCESS_DENIED unless the principal may create a table or view in {@code schema}:
     * admins anywhere, other users in {@value #SHARED_SCHEMA}, in schemas they own and in schemas
     * where they were granted CREATE.
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
        if (granted(new SchemaGrants(catalog).grantees(schema, SchemaGrants.Privilege.CREATE))) {
            return;
        }
        throw new VeilException(
                ErrorCode.ACCESS_DENIED,
                "User '" + principal.name() + "' may not create tables or views in schema '" + schema
                        + "'; users create them in schema " + SHARED_SCHEMA
                        + ", in schemas they created and in schemas where they were granted CREATE");
    }
}
