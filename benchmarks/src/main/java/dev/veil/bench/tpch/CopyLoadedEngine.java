package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import dev.veil.storage.MasterKey;
import dev.veil.storage.Warehouse;
import dev.veil.storage.WarehouseKeys;
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
import java.util.Optional;
import java.util.Properties;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * An engine that loads the generated files with its own {@code COPY} statement, timed per table:
 * Veil (embedded, or over its JDBC server, in a fresh warehouse) or DuckDB (in-process, on a fresh
 * database file).
 */
final class CopyLoadedEngine implements BenchEngine {
    private static final String SCHEMA = "tpch";
    /** The administrator's password on the benchmark's warehouse, which only a loopback server serves. */
    static final String ADMIN_PASSWORD = "bench-admin-password";

    private final EngineId id;
    private final TpchLoader.Dialect dialect;
    private final Connection connection;
    /** What the connection needs, closed after it in reverse order (a server, the server's admin session). */
    private final List<AutoCloseable> resources;
    /** Veil's server: an in-process connection to the served warehouse in this JVM; null otherwise. */
    private final @Nullable Connection inProcess;

    private CopyLoadedEngine(
            EngineId id, TpchLoader.Dialect dialect, Connection connection, List<AutoCloseable> resources) {
        this(id, dialect, connection, resources, null);
    }

    private CopyLoadedEngine(
            EngineId id,
            TpchLoader.Dialect dialect,
            Connection connection,
            List<AutoCloseable> resources,
            @Nullable Connection inProcess) {
        this.id = requireNonNull(id, "id is null");
        this.dialect = requireNonNull(dialect, "dialect is null");
        this.connection = requireNonNull(connection, "connection is null");
        this.resources = List.copyOf(requireNonNull(resources, "resources is null"));
        this.inProcess = inProcess;
    }

    /**
     * Veil's server only: the administrator's in-process connection to the served warehouse, in the
     * same JVM as the server, for the thin driver's cost measured against it turn by turn.
     */
    Optional<Connection> inProcess() {
        return Optional.ofNullable(inProcess);
    }

    /**
     * Veil embedded in the warehouse in {@code dir}: a new one, if {@code dir} must not exist yet,
     * or the one an earlier worker loaded, if {@code reuse}.
     */
    static CopyLoadedEngine veil(Path dir, boolean reuse) throws SQLException, IOException {
        checkPresence(dir, reuse);
        Connection connection = DriverManager.getConnection(
                "jdbc:veil:embedded:" + dir.toAbsolutePath() + (reuse ? "" : ";create=true"));
        return new CopyLoadedEngine(EngineId.VEIL, TpchLoader.Dialect.VEIL, connection, List.of());
    }

    /**
     * Veil embedded in a new encrypted warehouse in {@code dir} (or the one an earlier worker
     * loaded, if {@code reuse}), under a random master key kept next to it in {@code dir + ".key"}.
     */
    static CopyLoadedEngine veilEncrypted(Path dir, boolean reuse) throws SQLException, IOException {
        checkPresence(dir, reuse);
        Path keyFile = dir.resolveSibling(dir.getFileName() + ".key");
        MasterKey key;
        if (reuse) {
            key = MasterKey.fromFile(keyFile);
        } else {
            Files.deleteIfExists(keyFile);
            key = MasterKey.generateTo(keyFile);
            try (Warehouse warehouse = Warehouse.create(dir, key)) {
                warehouse.catalog().createSchema("public", true);
            }
        }
        WarehouseKeys.register(dir, key);
        Connection connection = DriverManager.getConnection("jdbc:veil:embedded:" + dir.toAbsolutePath());
        return new CopyLoadedEngine(EngineId.VEIL_ENCRYPTED, TpchLoader.Dialect.VEIL, connection, List.of());
    }

    /** A loader onto an open Veil connection, for an engine that loads through its own connection. */
    static CopyLoadedEngine onConnection(EngineId id, Connection connection) {
        return new CopyLoadedEngine(id, TpchLoader.Dialect.VEIL, connection, List.of());
    }

    /**
     * Veil over its JDBC server: the warehouse in {@code dir} (new, or reopened if {@code reuse}) is
     * served on a free loopback port, and the connection is the thin driver's ({@code jdbc:veil://}),
     * logged in as the administrator, as a BI tool on the same machine would connect.
     */
    static CopyLoadedEngine veilServer(Path dir, boolean reuse) throws SQLException, IOException {
        checkPresence(dir, reuse);
        Connection admin = DriverManager.getConnection(
                "jdbc:veil:embedded:" + dir.toAbsolutePath() + (reuse ? "" : ";create=true"));
        VeilServer server = null;
        try {
            try (Statement statement = admin.createStatement()) {
                statement.execute("CREATE USER IF NOT EXISTS " + Principals.ADMIN + " PASSWORD '" + ADMIN_PASSWORD
                        + "' ROLE " + Principals.ADMIN);
            }
            server = VeilServer.start(ServerConfig.of(dir.toAbsolutePath()).withPort(0));
            Properties login = new Properties();
            login.setProperty("user", Principals.ADMIN);
            login.setProperty("password", ADMIN_PASSWORD);
            Connection connection = DriverManager.getConnection(server.jdbcUrl(), login);
            return new CopyLoadedEngine(
                    EngineId.VEIL_JDBC, TpchLoader.Dialect.VEIL, connection, List.of(admin, server), admin);
        } catch (SQLException | RuntimeException e) {
            if (server != null) {
                server.close();
            }
            admin.close();
            throw e;
        }
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
        return new CopyLoadedEngine(EngineId.DUCKDB, TpchLoader.Dialect.DUCKDB, connection, List.of());
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
        SQLException failure = null;
        try {
            connection.close();
        } catch (SQLException e) {
            failure = e;
        }
        for (int i = resources.size() - 1; i >= 0; i--) {
            try {
                resources.get(i).close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = new SQLException("Cannot close " + id.label() + ": " + e.getMessage(), e);
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
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
