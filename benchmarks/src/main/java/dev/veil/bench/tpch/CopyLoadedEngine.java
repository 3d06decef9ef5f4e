package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An engine that loads the generated files with its own {@code COPY} statement, timed per table:
 * Veil (embedded, in a fresh warehouse) or DuckDB (in-process, on a fresh database file).
 */
final class CopyLoadedEngine implements BenchEngine {
    private static final String SCHEMA = "tpch";

    private final EngineId id;
    private final TpchLoader.Dialect dialect;
    private final Connection connection;

    private CopyLoadedEngine(EngineId id, TpchLoader.Dialect dialect, Connection connection) {
        this.id = requireNonNull(id, "id is null");
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.connection = requireNonNull(connection, "connection is null");
    }

    /**
     * Veil embedded in the warehouse in {@code dir}: a new one, if {@code dir} must not exist yet,
     * or the one an earlier worker loaded, if {@code reuse}.
     */
    static CopyLoadedEngine veil(Path dir, boolean reuse) throws SQLException, IOException {
        checkPresence(dir, reuse);
        Connection connection = DriverManager.getConnection(
                "jdbc:veil:embedded:" + dir.toAbsolutePath() + (reuse ? "" : ";create=true"));
        return new CopyLoadedEngine(EngineId.VEIL, TpchLoader.Dialect.VEIL, connection);
    }

    /**
     * DuckDB in-process on a new database file {@code file}, which must not exist yet, using {@code threads}
     * threads; with {@code reuse}, the file an earlier worker loaded. The file must not be named after
     * the schema ({@code tpch.duckdb}): DuckDB names the catalog after it.
     */
    static CopyLoadedEngine duckDb(Path file, int threads, boolean reuse) throws SQLException, IOException {
        checkPresence(file, reuse);
        Connection connection = DriverManager.getConnection("jdbc:duckdb:" + file.toAbsolutePath());
        try (Statement statement = connection.createStatement()) {
            statement.execute("PRAGMA threads=" + threads);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return new CopyLoadedEngine(EngineId.DUCKDB, TpchLoader.Dialect.DUCKDB, connection);
    }

    @Override
    public EngineId id() {
        return id;
    }

    @Override
    public boolean persistent() {
        return true;
    }

    @Override
    public String version() throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion();
    }

    @Override
    public List<TableLoad> load(Map<String, Path> files) throws SQLException, IOException {
        TpchLoader.createTables(connection, SCHEMA);
        List<TableLoad> loads = new ArrayList<>();
        for (String table : TpchSchema.TABLES) {
            Path file = requireNonNull(files.get(table), () -> "no data file for table " + table);
            long start = System.nanoTime();
            TpchLoader.copy(connection, dialect, SCHEMA, table, file);
            long nanos = System.nanoTime() - start;
            loads.add(new TableLoad(table, countRows(table), Files.size(file), nanos));
        }
        return List.copyOf(loads);
    }

    private long countRows(String table) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + SCHEMA + "." + table)) {
            rows.next();
            return rows.getLong(1);
        }
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }

    private static void checkPresence(Path path, boolean reuse) throws IOException {
        if (reuse && !Files.exists(path)) {
            throw new IOException("No database to reopen at " + path);
        }
        if (!reuse && Files.exists(path)) {
            throw new IOException("Refusing to reuse " + path + ": the benchmark loads into a fresh database");
        }
        Files.createDirectories(path.toAbsolutePath().getParent());
    }
}
