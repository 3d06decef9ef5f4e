package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The connections to remote databases and the foreign tables read through them, in the catalog
 * database. Every method is one catalog transaction; checking that the caller is an admin is the
 * caller's job. Connection passwords leave this class only inside {@link ConnectionDef}, whose
 * {@code toString} omits them.
 */
public final class ForeignTables {
    private final SqliteCatalog catalog;

    public ForeignTables(SqliteCatalog catalog) {
        this.catalog = requireNonNull(catalog, "catalog is null");
    }

    /**
     * Stores a connection; whether it was created (false: one of that name existed and
     * {@code ifNotExists} was given). ALREADY_EXISTS if it exists and {@code ifNotExists} is false.
     */
    public boolean createConnection(ConnectionDef connection, boolean ifNotExists, String by) {
        requireNonNull(connection, "connection is null");
        requireNonNull(by, "by is null");
        return catalog.write(c -> {
            if (load(c, connection.name()).isPresent()) {
                if (ifNotExists) {
                    return false;
                }
                throw new VeilException(
                        ErrorCode.ALREADY_EXISTS, "Connection '" + connection.name() + "' already exists");
            }
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO connections (name, kind, url, user_name,"
                    + " password, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                ps.setString(1, connection.name());
                ps.setString(2, connection.kind().name());
                ps.setString(3, connection.url());
                ps.setString(4, connection.user());
                ps.setString(5, connection.password());
                ps.setString(6, by);
                ps.setLong(7, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return true;
        });
    }

    /**
     * Drops a connection; whether there was one. NOT_EMPTY while foreign tables read through it
     * (drop them first), UNKNOWN_CONNECTION if there is none and {@code ifExists} is false.
     */
    public boolean dropConnection(String name, boolean ifExists) {
        requireNonNull(name, "name is null");
        return catalog.write(c -> {
            if (load(c, name).isEmpty()) {
                if (ifExists) {
                    return false;
                }
                throw unknown(name);
            }
            List<String> users = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT t.schema_name || '.' || t.name FROM foreign_tables f"
                    + " JOIN tables t ON t.id = f.table_id WHERE f.connection = ? ORDER BY 1")) {
                ps.setString(1, name);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        users.add(rs.getString(1));
                    }
                }
            }
            if (!users.isEmpty()) {
                throw new VeilException(
                        ErrorCode.NOT_EMPTY,
                        "Connection '" + name + "' is used by foreign table(s) " + String.join(", ", users)
                                + "; drop them first");
            }
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM connections WHERE name = ?")) {
                ps.setString(1, name);
                ps.executeUpdate();
            }
            return true;
        });
    }

    /** The connection of that name, password included, if there is one. */
    public Optional<ConnectionDef> connection(String name) {
        requireNonNull(name, "name is null");
        return catalog.read(c -> load(c, name));
    }

    /** The connection of that name; UNKNOWN_CONNECTION if there is none. */
    public ConnectionDef requireConnection(String name) {
        return connection(name).orElseThrow(() -> unknown(name));
    }

    /** The names of all connections, sorted. */
    public List<String> connectionNames() {
        return catalog.read(c -> {
            List<String> names = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT name FROM connections ORDER BY name");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    names.add(rs.getString(1));
                }
            }
            return names;
        });
    }

    /**
     * Creates a foreign table: a catalog table with {@code columns} (owned by nobody, an admin's)
     * and where its rows live, in one transaction. UNKNOWN_CONNECTION, UNKNOWN_SCHEMA, or
     * ALREADY_EXISTS as for any table.
     */
    public TableDef create(
            TableName name,
            List<Column> columns,
            String connection,
            String remoteSchema,
            String remoteTable,
            long rowCount) {
        requireNonNull(name, "name is null");
        return catalog.write(c -> {
            if (load(c, connection).isEmpty()) {
                throw unknown(connection);
            }
            TableDef table = catalog.createTable(name, columns, false, Optional.empty());
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO foreign_tables (table_id, connection,"
                    + " remote_schema, remote_table, row_count, refreshed_at) VALUES (?, ?, ?, ?, ?, ?)")) {
                ps.setLong(1, table.id());
                ps.setString(2, connection);
                ps.setString(3, remoteSchema);
                ps.setString(4, remoteTable);
                ps.setLong(5, Math.max(0, rowCount));
                ps.setLong(6, System.currentTimeMillis());
                ps.executeUpdate();
            }
            return table;
        });
    }

    /**
     * Replaces the columns and row estimate of a foreign table (REFRESH) and commits a new version
     * of it, in one transaction. The policies stay as they are: a policy on a column that is gone
     * no longer applies to anything.
     */
    public TableDef refresh(TableDef table, List<Column> columns, long rowCount) {
        requireNonNull(table, "table is null");
        requireNonNull(columns, "columns is null");
        if (columns.isEmpty()) {
            throw new VeilException(ErrorCode.INVALID_STATEMENT, "Foreign table '" + table.name() + "' has no columns");
        }
        return catalog.write(c -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM columns WHERE table_id = ?")) {
                ps.setLong(1, table.id());
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO columns (table_id, ordinal, name, type, nullable) VALUES (?, ?, ?, ?, ?)")) {
                for (int i = 0; i < columns.size(); i++) {
                    Column column = columns.get(i);
                    ps.setLong(1, table.id());
                    ps.setInt(2, i);
                    ps.setString(3, column.name());
                    ps.setString(4, column.type().sql());
                    ps.setInt(5, column.nullable() ? 1 : 0);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
            // A new (empty) version: what was computed from the old one, such as a stored DP
            // release, is retired, since the remote rows may have changed.
            catalog.commitVersion(table.id(), catalog.currentVersion(table.id()).version(), List.of());
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE foreign_tables SET row_count = ?, refreshed_at = ? WHERE table_id = ?")) {
                ps.setLong(1, Math.max(0, rowCount));
                ps.setLong(2, System.currentTimeMillis());
                ps.setLong(3, table.id());
                ps.executeUpdate();
            }
            return new TableDef(table.id(), table.name(), columns);
        });
    }

    /** Where the rows of the table with that id live, if it is a foreign table. */
    public Optional<ForeignTableDef> foreignTable(long tableId) {
        return catalog.read(c -> {
            try (PreparedStatement ps = c.prepareStatement(SELECT + " WHERE table_id = ?")) {
                ps.setLong(1, tableId);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() ? Optional.of(foreign(rs)) : Optional.<ForeignTableDef>empty();
                }
            }
        });
    }

    /** Every foreign table, by table id. */
    public Map<Long, ForeignTableDef> all() {
        return catalog.read(c -> {
            Map<Long, ForeignTableDef> all = new LinkedHashMap<>();
            try (PreparedStatement ps = c.prepareStatement(SELECT + " ORDER BY table_id");
                    ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ForeignTableDef f = foreign(rs);
                    all.put(f.tableId(), f);
                }
            }
            return all;
        });
    }

    private static final String SELECT =
            "SELECT table_id, connection, remote_schema, remote_table, row_count FROM foreign_tables";

    private static ForeignTableDef foreign(ResultSet rs) throws SQLException {
        return new ForeignTableDef(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5));
    }

    private static Optional<ConnectionDef> load(Connection c, String name) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT name, kind, url, user_name, password FROM connections WHERE name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new ConnectionDef(
                        rs.getString(1),
                        RemoteKind.valueOf(rs.getString(2)),
                        rs.getString(3),
                        rs.getString(4),
                        rs.getString(5)));
            }
        }
    }

    private static VeilException unknown(String name) {
        return new VeilException(ErrorCode.UNKNOWN_CONNECTION, "Connection '" + name + "' does not exist");
    }
}
