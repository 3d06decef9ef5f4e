package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The stored views of the catalog database ({@code CREATE VIEW}), and their grants. A view's name
 * is unique among the tables and views of its schema. Every method is one catalog transaction;
 * checking who may create, replace, drop or grant is the caller's job.
 */
public final class Views {
    private final SqliteCatalog catalog;

    public Views(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /**
     * Stores a view; with {@code replace}, an existing view of that name is replaced (its id, and so
     * its grants, are kept; the owner is the caller's to check). Fails with UNKNOWN_SCHEMA, or with
     * ALREADY_EXISTS if a table has the name, or a view has it and {@code replace} is false.
     */
    public ViewDef create(ViewDef view, boolean replace, String by) {
        requireNonNull(view, "view is null");
        requireNonNull(by, "by is null");
        return catalog.write(c -> {
            if (!exists(c, "SELECT 1 FROM schemas WHERE name = ?", view.name().schema(), null)) {
                throw new VeilException(
                        ErrorCode.UNKNOWN_SCHEMA, "Schema '" + view.name().schema() + "' not found");
            }
            if (exists(
                    c,
                    "SELECT 1 FROM tables WHERE schema_name = ? AND name = ?",
                    view.name().schema(),
                    view.name().table())) {
                throw new VeilException(ErrorCode.ALREADY_EXISTS, "A table named '" + view.name() + "' already exists");
            }
            Optional<ViewDef> existing = load(c, view.name());
            long id;
            if (existing.isPresent()) {
                if (!replace) {
                    throw new VeilException(ErrorCode.ALREADY_EXISTS, "View '" + view.name() + "' already exists");
                }
                id = existing.get().id();
                try (PreparedStatement ps = c.prepareStatement(
                        "UPDATE views SET sql_text = ?, schema_path = ?, explicit_columns = ?, created_by = ?, created_at = ?"
                                + " WHERE id = ?")) {
                    ps.setString(1, view.sql());
                    ps.setString(2, view.schemaPath());
                    ps.setInt(3, view.explicitColumns() ? 1 : 0);
                    ps.setString(4, by);
                    ps.setLong(5, System.currentTimeMillis());
                    ps.setLong(6, id);
                    ps.executeUpdate();
                }
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM view_columns WHERE view_id = ?")) {
                    ps.setLong(1, id);
                    ps.executeUpdate();
                }
            } else {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO views (schema_name, name, owner, sql_text,"
                        + " schema_path, explicit_columns, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")) {
                    ps.setString(1, view.name().schema());
                    ps.setString(2, view.name().table());
                    ps.setString(3, view.owner().orElse(null));
                    ps.setString(4, view.sql());
                    ps.setString(5, view.schemaPath());
                    ps.setInt(6, view.explicitColumns() ? 1 : 0);
                    ps.setString(7, by);
                    ps.setLong(8, System.currentTimeMillis());
                    ps.executeUpdate();
                }
                try (Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("SELECT last_insert_rowid()")) {
                    rs.next();
                    id = rs.getLong(1);
                }
            }
            try (PreparedStatement ps =
                    c.prepareStatement("INSERT INTO view_columns (view_id, ordinal, name, type) VALUES (?, ?, ?, ?)")) {
                for (int i = 0; i < view.columnNames().size(); i++) {
                    ps.setLong(1, id);
                    ps.setInt(2, i);
                    ps.setString(3, view.columnNames().get(i));
                    ps.setString(4, view.columnTypes().get(i));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            return load(c, view.name()).orElseThrow();
        });
    }

    /** Drops a view and its grants; whether there was one. */
    public boolean drop(TableName name) {
        requireNonNull(name, "name is null");
        return catalog.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM views WHERE schema_name = ? AND name = ?")) {
                ps.setString(1, name.schema());
                ps.setString(2, name.table());
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** The view of that name, if there is one. */
    public Optional<ViewDef> view(TableName name) {
        requireNonNull(name, "name is null");
        return catalog.read(c -> load(c, name));
    }

    /** The views of one schema, ordered by name (none for a schema that does not exist). */
    public List<ViewDef> views(String schema) {
        requireNonNull(schema, "schema is null");
        return catalog.read(c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT name FROM views WHERE schema_name = ? ORDER BY name")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        names.add(rs.getString(1));
                    }
                }
            }
            List<ViewDef> views = new ArrayList<>();
            for (String name : names) {
                views.add(load(c, new TableName(schema, name)).orElseThrow());
            }
            return views;
        });
    }

    /** The owners of the views of one schema that users who are not admins created, by view name. */
    public Map<String, String> owners(String schema) {
        requireNonNull(schema, "schema is null");
        return catalog.read(c -> {
            Map<String, String> owners = new HashMap<>();
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT name, owner FROM views WHERE schema_name = ? AND owner IS NOT NULL")) {
                ps.setString(1, schema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        owners.put(rs.getString(1), rs.getString(2));
                    }
                }
            }
            return Map.copyOf(owners);
        });
    }

    /** Lets {@code name} see the view; UNKNOWN_TABLE or UNKNOWN_PRINCIPAL if either does not exist. */
    public void grant(TableName view, TableGrants.Grantee kind, String name, String by) {
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        requireNonNull(by, "by is null");
        catalog.write(c -> {
            long id = requireId(c, view);
            String principals = kind == TableGrants.Grantee.ROLE ? "roles" : "users";
            if (!exists(c, "SELECT 1 FROM " + principals + " WHERE name = ?", name, null)) {
                throw new VeilException(
                        ErrorCode.UNKNOWN_PRINCIPAL,
                        (kind == TableGrants.Grantee.ROLE ? "Role '" : "User '") + name + "' does not exist");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT OR IGNORE INTO " + grantTable(kind) + " (view_id, "
                    + grantColumn(kind) + ", granted_by, granted_at) VALUES (?, ?, ?, ?)")) {
                ps.setLong(1, id);
                ps.setString(2, name);
                ps.setString(3, by);
                ps.setLong(4, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return null;
        });
    }

    /** Takes a grant of a view back; whether there was one. */
    public boolean revoke(TableName view, TableGrants.Grantee kind, String name) {
        requireNonNull(kind, "kind is null");
        requireNonNull(name, "name is null");
        return catalog.write(c -> {
            long id = requireId(c, view);
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM " + grantTable(kind) + " WHERE view_id = ? AND " + grantColumn(kind) + " = ?")) {
                ps.setLong(1, id);
                ps.setString(2, name);
                return ps.executeUpdate() > 0;
            }
        });
    }

    /** The grantees of the views of one schema that have any, by view name ({@link TableGrants.Grantee#key}). */
    public Map<String, Set<String>> grantees(String schema) {
        requireNonNull(schema, "schema is null");
        return catalog.read(c -> {
            Map<String, Set<String>> result = new HashMap<>();
            for (TableGrants.Grantee kind : TableGrants.Grantee.values()) {
                try (PreparedStatement ps = c.prepareStatement("SELECT v.name, g." + grantColumn(kind) + " FROM "
                        + grantTable(kind) + " g JOIN views v ON v.id = g.view_id WHERE v.schema_name = ?")) {
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

    /** The names of the views of a schema, for the checks of {@link SqliteCatalog} (in its transaction). */
    static List<String> names(Connection c, String schema) throws SQLException {
        List<String> names = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT name FROM views WHERE schema_name = ? ORDER BY name")) {
            ps.setString(1, schema);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
        }
        return names;
    }

    private static String grantTable(TableGrants.Grantee kind) {
        return kind == TableGrants.Grantee.ROLE ? "view_grants_to_roles" : "view_grants_to_users";
    }

    private static String grantColumn(TableGrants.Grantee kind) {
        return kind == TableGrants.Grantee.ROLE ? "role_name" : "user_name";
    }

    private static long requireId(Connection c, TableName view) throws SQLException {
        return load(c, view)
                .orElseThrow(() -> new VeilException(ErrorCode.UNKNOWN_TABLE, "View '" + view + "' does not exist"))
                .id();
    }

    private static boolean exists(Connection c, String sql, String first, String second) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, first);
            if (second != null) {
                ps.setString(2, second);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static Optional<ViewDef> load(Connection c, TableName name) throws SQLException {
        long id;
        String owner;
        String sql;
        String path;
        boolean explicit;
        try (PreparedStatement ps = c.prepareStatement("SELECT id, owner, sql_text, schema_path, explicit_columns"
                + " FROM views WHERE schema_name = ? AND name = ?")) {
            ps.setString(1, name.schema());
            ps.setString(2, name.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                id = rs.getLong(1);
                owner = rs.getString(2);
                sql = rs.getString(3);
                path = rs.getString(4);
                explicit = rs.getInt(5) != 0;
            }
        }
        List<String> names = new ArrayList<>();
        List<String> types = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement("SELECT name, type FROM view_columns WHERE view_id = ? ORDER BY ordinal")) {
            ps.setLong(1, id);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                    types.add(rs.getString(2));
                }
            }
        }
        return Optional.of(new ViewDef(id, name, Optional.ofNullable(owner), sql, path, names, types, explicit));
    }
}
