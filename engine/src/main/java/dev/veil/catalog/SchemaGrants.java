package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Set;

/**
 * Schema-level access kept in the catalog database: which schemas are restricted ({@code ALTER
 * SCHEMA s SET ACCESS RESTRICTED}: only admins, owners and grantees see their tables) and the
 * grants on schemas ({@code GRANT {SELECT | CREATE} ON SCHEMA s TO {ROLE r | USER u}}). Dropping
 * the schema, the role or the user drops its rows. Every method is one catalog transaction;
 * checking who may change them is the caller's job.
 */
public final class SchemaGrants {
    /** What a schema grant allows. */
    public enum Privilege {
        /** See the schema's tables and views (as their policies allow), also when it is restricted. */
        SELECT,
        /** Create tables and views in the schema. */
        CREATE
    }

    private final SqliteCatalog catalog;

    public SchemaGrants(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** Whether the schema is restricted. */
    public boolean restricted(String schema) {
        requireNonNull(schema, "schema is null");
        return catalog.read(c -> {
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM restricted_schemas WHERE schema_name = ?")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next();
                }
            }
        });
    }

    /** Restricts the schema or opens it; UNKNOWN_SCHEMA if it does not exist. */
    public void setRestricted(String schema, boolean restricted, String by) {
        requireNonNull(schema, "schema is null");
        requireNonNull(by, "by is null");
        catalog.write(c -> {
            requireSchema(c, schema);
            String sql = restricted
                    ? "INSERT OR IGNORE INTO restricted_schemas (schema_name, set_by, set_at) VALUES (?, ?, ?)"
                    : "DELETE FROM restricted_schemas WHERE schema_name = ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, schema);
                if (restricted) {
                    ps.setString(2, by);
                    ps.setLong(3, System.currentTimeMillis());
                }
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Grants a privilege on a schema; UNKNOWN_SCHEMA or UNKNOWN_PRINCIPAL if either does not exist. */
    public void grant(String schema, Privilege privilege, TableGrants.Grantee kind, String name, String by) {
        requireNonNull(schema, "schema is null");
        requireNonNull(privilege, "privilege is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        requireNonNull(by, "by is null");
        catalog.write(c -> {
            requireSchema(c, schema);
            String principals = kind == TableGrants.Grantee.ROLE ? "roles" : "users";
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + principals + " WHERE name = ?")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new VeilException(
                                ErrorCode.UNKNOWN_PRINCIPAL,
                                (kind == TableGrants.Grantee.ROLE ? "Role '" : "User '") + name + "' does not exist");
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO " + table(kind) + " (schema_name,"
                    + " privilege, " + column(kind) + ", granted_by, granted_at) VALUES (?, ?, ?, ?, ?)")) {
                ps.setString(1, schema);
                ps.setString(2, privilege.name());
                ps.setString(3, name);
                ps.setString(4, by);
                ps.setLong(5, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Takes a schema grant back; whether there was one. */
    public boolean revoke(String schema, Privilege privilege, TableGrants.Grantee kind, String name) {
        requireNonNull(schema, "schema is null");
        requireNonNull(privilege, "privilege is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        return catalog.write(c -> {
            requireSchema(c, schema);
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table(kind)
                    + " WHERE schema_name = ? AND privilege = ? AND " + column(kind) + " = ?")) {
                ps.setString(1, schema);
                ps.setString(2, privilege.name());
                ps.setString(3, name);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** The grantees of a privilege on a schema ({@link TableGrants.Grantee#key} each). */
    public Set<String> grantees(String schema, Privilege privilege) {
        requireNonNull(schema, "schema is null");
        requireNonNull(privilege, "privilege is null");
        return catalog.read(c -> {
            Set<String> result = new HashSet<>();
            for (TableGrants.Grantee kind : TableGrants.Grantee.values()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT " + column(kind) + " FROM " + table(kind)
                        + " WHERE schema_name = ? AND privilege = ?")) {
                    ps.setString(1, schema);
                    ps.setString(2, privilege.name());
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            result.add(kind.key(rs.getString(1)));
                        }
                    }
                }
            }
            return Set.copyOf(result);
        });
    }

    private static void requireSchema(java.sql.Connection c, String schema) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM schemas WHERE name = ?")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new VeilException(ErrorCode.UNKNOWN_SCHEMA, "Schema '" + schema + "' not found");
                }
            }
        }
    }

    private static String table(TableGrants.Grantee kind) {
        return kind == TableGrants.Grantee.ROLE ? "schema_grants_to_roles" : "schema_grants_to_users";
    }

    private static String column(TableGrants.Grantee kind) {
        return kind == TableGrants.Grantee.ROLE ? "role_name" : "user_name";
    }
}
