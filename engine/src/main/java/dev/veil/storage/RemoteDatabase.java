package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.ConnectionDef;
import dev.veil.catalog.RemoteKind;
import dev.veil.catalog.VeilType;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A remote database reached through one connection of the catalog: a bounded pool of JDBC
 * connections ({@value #MAX_CONNECTIONS} at most; a statement that finds them all in use waits, and
 * its wait stays cancellable), and the remote's metadata (tables, columns mapped to Veil's types,
 * row estimates). Failures never carry the remote's message: it could hold a row's value. They
 * are logged for the server's operators and surface as REMOTE_QUERY_FAILED.
 */
public final class RemoteDatabase implements AutoCloseable {
    /** The most connections open to one remote database at once. */
    public static final int MAX_CONNECTIONS = 4;

    private static final Logger LOG = LoggerFactory.getLogger(RemoteDatabase.class);
    private static final long IDLE_CHECK_SECONDS = 2;

    private final ConnectionDef definition;
    private final Semaphore permits = new Semaphore(MAX_CONNECTIONS, true);
    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean closed;

    public RemoteDatabase(ConnectionDef definition) {
        this.definition = requireNonNull(definition, "definition is null");
    }

    /** The connection this database is reached through. */
    public ConnectionDef definition() {
        return definition;
    }

    /** The kind of database. */
    public RemoteKind kind() {
        return definition.kind();
    }

    /**
     * A connection from the pool, opened if none is idle; waits while {@link #MAX_CONNECTIONS} are
     * in use, and fails with QUERY_CANCELLED once {@code cancelFlag} is set meanwhile. Give it back
     * with {@link #release}.
     */
    public Connection borrow(AtomicBoolean cancelFlag) {
        requireNonNull(cancelFlag, "cancelFlag is null");
        try {
            while (!permits.tryAcquire(20, TimeUnit.MILLISECONDS)) {
                if (cancelFlag.get()) {
                    throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled", e);
        }
        try {
            while (true) {
                Connection pooled;
                synchronized (this) {
                    if (closed) {
                        throw new IllegalStateException("remote database " + definition.name() + " is closed");
                    }
                    pooled = idle.pollFirst();
                }
                if (pooled == null) {
                    return open();
                }
                if (isUsable(pooled)) {
                    return pooled;
                }
                closeQuietly(pooled);
            }
        } catch (RuntimeException | Error e) {
            permits.release();
            throw e;
        }
    }

    /** Gives back a connection from {@link #borrow}; a broken one is closed instead of kept. */
    public void release(Connection connection, boolean broken) {
        requireNonNull(connection, "connection is null");
        boolean keep = !broken;
        synchronized (this) {
            if (closed) {
                keep = false;
            }
            if (keep) {
                idle.addFirst(connection);
            }
        }
        if (!keep) {
            closeQuietly(connection);
        }
        permits.release();
    }

    private static boolean isUsable(Connection connection) {
        try {
            return connection.isValid((int) IDLE_CHECK_SECONDS) && connection.getAutoCommit();
        } catch (SQLException e) {
            return false;
        }
    }

    private Connection open() {
        Properties properties = new Properties();
        properties.setProperty("user", definition.user());
        if (!definition.password().isEmpty()) {
            properties.setProperty("password", definition.password());
        }
        switch (definition.kind()) {
            case POSTGRESQL -> {
                properties.setProperty("connectTimeout", "10");
                properties.setProperty("ApplicationName", "veil");
            }
            case TRINO -> {
                properties.setProperty("source", "veil");
                // A prepared statement runs as one EXECUTE IMMEDIATE, not PREPARE + EXECUTE.
                properties.setProperty("explicitPrepare", "false");
            }
        }
        try {
            Connection connection = DriverManager.getConnection(definition.url(), properties);
            connection.setAutoCommit(true);
            return connection;
        } catch (SQLException e) {
            throw failure("cannot connect", e);
        }
    }

    /**
     * The error for a failure of the remote database: REMOTE_QUERY_FAILED naming the connection and
     * {@code what} failed, never the remote's message (logged here for the server's operators).
     */
    public VeilException failure(String what, SQLException e) {
        LOG.info("Remote database '{}' ({}): {}: {}", definition.name(), definition.kind(), what, e.toString());
        return new VeilException(
                ErrorCode.REMOTE_QUERY_FAILED,
                "The remote database of connection '" + definition.name() + "' failed: " + what
                        + " (the remote's message is in the server log)");
    }

    /** A remote table as Veil would hold it: its columns in Veil's types, and its estimated rows. */
    public record RemoteTable(String schema, String table, List<Column> columns, long rowCount) {
        public RemoteTable {
            columns = List.copyOf(columns);
        }
    }

    /**
     * Reads a remote table's columns (mapped to Veil's types) and row estimate. UNKNOWN_TABLE if the
     * remote has no such table; UNSUPPORTED_REMOTE_TYPE naming the first column of a type Veil cannot hold.
     */
    public RemoteTable describe(String schema, String table) {
        return withConnection(c -> {
            List<Column> columns = new ArrayList<>();
            String[] catalogSchema = catalogAndSchema(schema);
            DatabaseMetaData meta = c.getMetaData();
            try (ResultSet rs = meta.getColumns(catalogSchema[0], catalogSchema[1], table, null)) {
                while (rs.next()) {
                    String name = rs.getString("COLUMN_NAME");
                    int sqlType = rs.getInt("DATA_TYPE");
                    String typeName = rs.getString("TYPE_NAME");
                    int size = rs.getInt("COLUMN_SIZE");
                    int digits = rs.getInt("DECIMAL_DIGITS");
                    boolean nullable = rs.getInt("NULLABLE") != DatabaseMetaData.columnNoNulls;
                    ColumnType type = map(schema + "." + table, name, sqlType, typeName, size, digits);
                    columns.add(new Column(name, type, nullable));
                }
            }
            if (columns.isEmpty()) {
                throw new VeilException(
                        ErrorCode.UNKNOWN_TABLE,
                        "Table '" + schema + "." + table + "' not found through connection '" + definition.name()
                                + "'");
            }
            return new RemoteTable(schema, table, columns, rowEstimate(c, schema, table));
        });
    }

    /** The tables (and views) of a remote schema, sorted by name. */
    public List<String> tables(String schema) {
        return withConnection(c -> {
            List<String> names = new ArrayList<>();
            String[] catalogSchema = catalogAndSchema(schema);
            try (ResultSet rs = c.getMetaData()
                    .getTables(
                            catalogSchema[0], catalogSchema[1], null, new String[] {"TABLE", "VIEW", "BASE TABLE"})) {
                while (rs.next()) {
                    names.add(rs.getString("TABLE_NAME"));
                }
            }
            names.sort(null);
            return names;
        });
    }

    /** For Trino a schema is {@code catalog.schema}; PostgreSQL's catalog is the database connected to. */
    private String[] catalogAndSchema(String schema) {
        int dot = schema.indexOf('.');
        if (definition.kind() == RemoteKind.TRINO && dot > 0) {
            return new String[] {schema.substring(0, dot), schema.substring(dot + 1)};
        }
        return new String[] {null, schema};
    }

    private long rowEstimate(Connection c, String schema, String table) {
        return switch (definition.kind()) {
            case POSTGRESQL -> postgresRowEstimate(c, schema, table);
            case TRINO -> trinoRowEstimate(c, schema, table);
        };
    }

    private static long postgresRowEstimate(Connection c, String schema, String table) {
        try (PreparedStatement ps = c.prepareStatement("SELECT c.reltuples::bigint FROM pg_catalog.pg_class c"
                + " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, schema);
            ps.setString(2, table);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Math.max(0, rs.getLong(1)) : 0;
            }
        } catch (SQLException e) {
            return 0;
        }
    }

    /** Trino's estimate ({@code SHOW STATS}: the row without a column name), 0 when it has none. */
    private long trinoRowEstimate(Connection c, String schema, String table) {
        StringBuilder name = new StringBuilder();
        for (String part : catalogAndSchema(schema)) {
            if (part != null) {
                name.append(quote(part)).append('.');
            }
        }
        name.append(quote(table));
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW STATS FOR " + name)) {
            long rows = 0;
            while (rs.next()) {
                if (rs.getString(1) == null) {
                    double estimate = rs.getDouble("row_count");
                    rows = rs.wasNull() || !(estimate > 0) ? 0 : (long) Math.min(estimate, Long.MAX_VALUE);
                }
            }
            return rows;
        } catch (SQLException e) {
            return 0;
        }
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * Veil's type for a remote column, or UNSUPPORTED_REMOTE_TYPE. Exact numerics keep their
     * precision and scale (a NUMERIC without them is refused: its values have no fixed scale).
     */
    static ColumnType map(String table, String column, int sqlType, String typeName, int size, int digits) {
        switch (sqlType) {
            case Types.BOOLEAN, Types.BIT:
                if (sqlType == Types.BIT && size > 1) {
                    break;
                }
                return ColumnType.of(VeilType.BOOLEAN);
            case Types.TINYINT, Types.SMALLINT, Types.INTEGER:
                return ColumnType.of(VeilType.INTEGER);
            case Types.BIGINT:
                return ColumnType.of(VeilType.BIGINT);
            case Types.REAL, Types.FLOAT, Types.DOUBLE:
                return ColumnType.of(VeilType.DOUBLE);
            case Types.NUMERIC, Types.DECIMAL:
                if (size >= 1 && size <= ColumnType.MAX_DECIMAL_PRECISION && digits >= 0 && digits <= size) {
                    return ColumnType.decimal(size, digits);
                }
                break;
            case Types.CHAR, Types.VARCHAR, Types.LONGVARCHAR, Types.NCHAR, Types.NVARCHAR, Types.LONGNVARCHAR:
                return ColumnType.of(VeilType.VARCHAR);
            case Types.DATE:
                return ColumnType.of(VeilType.DATE);
            case Types.TIMESTAMP:
                return ColumnType.of(VeilType.TIMESTAMP);
            default:
                break;
        }
        throw new VeilException(
                ErrorCode.UNSUPPORTED_REMOTE_TYPE,
                "Column '" + column + "' of remote table '" + table + "' has type " + typeName
                        + ", which Veil cannot hold; Veil maps BOOLEAN, SMALLINT/INTEGER, BIGINT, REAL/DOUBLE,"
                        + " NUMERIC(p,s) with p <= 38, CHAR/VARCHAR/TEXT, DATE and TIMESTAMP (without time zone):"
                        + " expose the table through a remote view that casts the column");
    }

    /**
     * The quoted name of remote table {@code table} of remote schema {@code schema} (for Trino
     * {@code catalog.schema}), for a statement written by Veil.
     */
    public String quotedName(String schema, String table) {
        StringBuilder name = new StringBuilder();
        for (String part : catalogAndSchema(schema)) {
            if (part != null) {
                name.append(quote(part)).append('.');
            }
        }
        return name.append(quote(table)).toString();
    }

    /** {@code identifier} quoted for the remote (both dialects quote with double quotes). */
    public static String quoted(String identifier) {
        return quote(identifier);
    }

    /**
     * Runs {@code sql}, a statement Veil wrote without parameters, and gives each row's values to
     * {@code action}; a remote failure is REMOTE_QUERY_FAILED without the remote's message. For the
     * admin's audit views, never for an analyst's statement (those run through {@code exec.remote}).
     */
    public void query(String sql, java.util.function.Consumer<Object[]> action) {
        requireNonNull(sql, "sql is null");
        requireNonNull(action, "action is null");
        Connection c = borrow(new AtomicBoolean());
        boolean broken = false;
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] row = new Object[columns];
                for (int i = 0; i < columns; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                action.accept(row);
            }
        } catch (SQLException e) {
            broken = true;
            throw failure("cannot answer an audit view's statement", e);
        } catch (RuntimeException | Error e) {
            broken = true;
            throw e;
        } finally {
            release(c, broken);
        }
    }

    /** Work on one pooled connection. */
    @FunctionalInterface
    private interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    private <T> T withConnection(Work<T> work) {
        Connection c = borrow(new AtomicBoolean());
        boolean broken = false;
        try {
            return work.run(c);
        } catch (SQLException e) {
            broken = true;
            throw failure("cannot read its metadata", e);
        } catch (RuntimeException | Error e) {
            broken = true;
            throw e;
        } finally {
            release(c, broken);
        }
    }

    private static void closeQuietly(Connection connection) {
        try {
            connection.close();
        } catch (SQLException e) {
            // Nothing to do: the connection is gone either way.
        }
    }

    /** Closes the idle connections; connections in use are closed when they are given back. */
    @Override
    public void close() {
        List<Connection> toClose;
        synchronized (this) {
            closed = true;
            toClose = new ArrayList<>(idle);
            idle.clear();
        }
        toClose.forEach(RemoteDatabase::closeQuietly);
    }
}
