package dev.veil.bench.tpch;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** An engine under test: it loads the generated TPC-H files into schema {@code tpch}, then answers SQL over JDBC. */
interface BenchEngine extends AutoCloseable {
    /** Which engine this is. */
    EngineId id();

    /** The engine's name and version, as its JDBC driver reports them. */
    String version() throws SQLException;

    /** Whether loaded data outlives the JVM, so that a later worker can reopen it instead of loading again. */
    boolean persistent();

    /** Loads the eight tables from {@code files} (by table name), timing each table. */
    List<TableLoad> load(Map<String, Path> files) throws SQLException, IOException;

    /**
     * Why this engine cannot run the queries after loading (a Veil without DP-SQL), or empty if it can.
     * The report shows the reason in its cells instead of numbers.
     */
    default Optional<String> unavailable() {
        return Optional.empty();
    }

    /** The connection the queries run on. */
    Connection connection();

    @Override
    void close() throws SQLException;
}
