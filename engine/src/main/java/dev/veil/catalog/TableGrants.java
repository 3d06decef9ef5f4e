package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Who else may see a table that a user owns ({@code GRANT SELECT ON t TO ROLE r | USER u}), kept
 * in the catalog database by table id: dropping the table, the role or the user drops its grants,
 * so a new role or user of the same name never inherits one. Every method is one catalog
 * transaction; checking who may grant is the caller's job.
 */
public final class TableGrants {
    /** Whom a grant names. */
    public enum Grantee {
        ROLE("table_grants_to_roles", "role_name", "roles"),
        USER("table_grants_to_users", "user_name", "users");

        private final String table;
        private final String column;
        private final String principals;

        Grantee(String table, String column, String principals) {
            this.table = table;
            this.column = column;
            this.principals = principals;
        }

        /** How the grantee appears in {@link #grantees}: {@code role:r} or {@code user:u}. */
        public String key(String name) {
            return name().toLowerCase(java.util.Locale.ROOT) + ":" + name;
        }
    }

    private final SqliteCatalog catalog;

    public TableGrants(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /** Lets {@code name} see {@code table}; UNKNOWN_TABLE or UNKNOWN_PRINCIPAL if either does not exist. */
    public void grant(TableName table, Grantee kind, String name, String by) {
        requireNonNull(table, "table is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        requireNonNull(by, "by is null");
        catalog.write(c -> {
            long id = catalog.requireTable(table).id();
            requirePrincipal(c, kind, name);
            try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO " + kind.table + " (table_id, "
                    + kind.column + ", granted_by, granted_at) VALUES (?, ?, ?, ?)")) {
                ps.setLong(1, id);
                ps.setString(2, name);
                ps.setString(3, by);
                ps.setLong(4, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Takes a grant back; whether there was one. */
    public boolean revoke(TableName table, Grantee kind, String name) {
        requireNonNull(table, "table is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        return catalog.write(c -> {
            long id = catalog.requireTable(table).id();
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM " + kind.table + " WHERE table_id = ? AND " + kind.column + " = ?")) {
                ps.setLong(1, id);
                ps.setString(2, name);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** The grantees of the tables of one schema that have any, by table name ({@link Grantee#key} each). */
    public Map<String, Set<String>> grantees(String schema) {
        requireNonNull(schema, "schema is null");
        return catalog.read(c -> {
            Map<String, Set<String>> result = new HashMap<>();
            for (Grantee kind : Grantee.values()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT t.name, g." + kind.column + " FROM " + kind.table
                        + " g JOIN tables t ON t.id = g.table_id WHERE t.schema_name = ?")) {
                    ps.setString(1, schema);
                    try (ResultSet rs = ps.executeQuery()) {
                        while (rs.next()) {
                            result.computeIfAbsent(rs.getString(1), k -> new HashSet<>())
                                    .add(kind.key(rs.getString(2)));
                        }
                    }
                }
            }
            return result;
        });
    }

    private static void requirePrincipal(Connection c, Grantee kind, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM " + kind.principals + " WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw new VeilException(
                            ErrorCode.UNKNOWN_PRINCIPAL,
                            (kind == Grantee.ROLE ? "Role '" : "User '") + name + "' does not exist");
                }
            }
        }
    }
}
