package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * Loads generated TPC-H files into a database over JDBC: {@code CREATE SCHEMA}, the
 * {@link TpchSchema} DDL, then one {@code COPY} per table in the target's dialect.
 */
public final class TpchLoader {
    /** The SQL dialect of a load target; they differ only in the {@code COPY} options syntax. */
    public enum Dialect {
        /** Veil: {@code COPY s.t FROM 'file' WITH (DELIMITER = '|', HEADER = FALSE)}. */
        VEIL,
        /** DuckDB: {@code COPY s.t FROM 'file' (DELIMITER '|', HEADER false)}. */
        DUCKDB;

        /** The dialect of the database behind a JDBC URL: DuckDB for {@code jdbc:duckdb:}, Veil otherwise. */
        public static Dialect forJdbcUrl(String url) {
            requireNonNull(url, "url is null");
            return url.startsWith("jdbc:duckdb:") ? DUCKDB : VEIL;
        }

        String copy(String qualifiedTable, Path file) {
            String source = "'" + file.toAbsolutePath().toString().replace("'", "''") + "'";
            switch (this) {
                case VEIL:
                    return "COPY " + qualifiedTable + " FROM " + source + " WITH (DELIMITER = '|', HEADER = FALSE)";
                case DUCKDB:
                    return "COPY " + qualifiedTable + " FROM " + source + " (DELIMITER '|', HEADER false)";
                default:
                    throw new IllegalStateException("Unknown dialect " + this);
            }
        }
    }

    private TpchLoader() {}

    /**
     * Creates {@code schema} with the eight TPC-H tables on {@code connection} and loads them
     * from {@code files} (as returned by {@link TpchData#generate}).
     *
     * @throws IllegalArgumentException if a table's file is missing from {@code files}
     */
    public static void load(Connection connection, Dialect dialect, String schema, Map<String, Path> files)
            throws SQLException {
        requireNonNull(connection, "connection is null");
        requireNonNull(dialect, "dialect is null");
        TpchSchema.checkIdentifier(schema, "schema");
        requireNonNull(files, "files is null");
        for (String table : TpchSchema.TABLES) {
            if (!files.containsKey(table)) {
                throw new IllegalArgumentException("No data file for TPC-H table '" + table + "'");
            }
        }
        createTables(connection, schema);
        for (String table : TpchSchema.TABLES) {
            copy(connection, dialect, schema, table, files.get(table));
        }
    }

    /** Creates {@code schema} with the eight empty TPC-H tables on {@code connection}. */
    public static void createTables(Connection connection, String schema) throws SQLException {
        requireNonNull(connection, "connection is null");
        TpchSchema.checkIdentifier(schema, "schema");
        try (Statement statement = connection.createStatement()) {
            execute(statement, "CREATE SCHEMA " + schema);
            for (String createTable : TpchSchema.ddl(schema)) {
                execute(statement, createTable);
            }
        }
    }

    /** Loads one TPC-H table, created by {@link #createTables}, from its generated {@code file} with one {@code COPY}. */
    public static void copy(Connection connection, Dialect dialect, String schema, String table, Path file)
            throws SQLException {
        requireNonNull(connection, "connection is null");
        requireNonNull(dialect, "dialect is null");
        TpchSchema.checkIdentifier(schema, "schema");
        if (!TpchSchema.TABLES.contains(table)) {
            throw new IllegalArgumentException("Not a TPC-H table: '" + table + "'");
        }
        requireNonNull(file, "file is null");
        try (Statement statement = connection.createStatement()) {
            execute(statement, dialect.copy(schema + "." + table, file));
        }
    }

    private static void execute(Statement statement, String sql) throws SQLException {
        try {
            statement.execute(sql);
        } catch (SQLException e) {
            throw new SQLException(
                    "TPC-H load statement failed: " + sql + "\n" + e.getMessage(),
                    e.getSQLState(),
                    e.getErrorCode(),
                    e);
        }
    }
}
