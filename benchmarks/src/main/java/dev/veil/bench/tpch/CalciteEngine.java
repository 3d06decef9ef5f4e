package dev.veil.bench.tpch;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.calcite.jdbc.CalciteConnection;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.schema.impl.AbstractSchema;

/**
 * Calcite's stock enumerable engine over the TPC-H tables in memory, through Calcite's own JDBC
 * driver ({@code jdbc:calcite:}) with its default planner rules and type system.
 *
 * <p>Its "load" reads each generated file into {@link InMemoryTable} rows; it is timed like the
 * other engines' loads but is not comparable with them, since nothing is written to disk.
 * Unquoted identifiers are folded to lower case, as in Veil, so the same query texts run.
 */
final class CalciteEngine implements BenchEngine {
    private final Connection connection;
    private final SchemaPlus schema;

    private CalciteEngine(Connection connection, SchemaPlus schema) {
        this.connection = connection;
        this.schema = schema;
    }

    /** A Calcite connection with an empty schema {@code tpch}. */
    static CalciteEngine open() throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("unquotedCasing", "TO_LOWER");
        properties.setProperty("quotedCasing", "UNCHANGED");
        properties.setProperty("caseSensitive", "true");
        Connection connection = DriverManager.getConnection("jdbc:calcite:", properties);
        SchemaPlus root = connection.unwrap(CalciteConnection.class).getRootSchema();
        return new CalciteEngine(connection, root.add("tpch", new AbstractSchema()));
    }

    @Override
    public EngineId id() {
        return EngineId.CALCITE;
    }

    @Override
    public boolean persistent() {
        return false;
    }

    @Override
    public String version() throws SQLException {
        DatabaseMetaData meta = connection.getMetaData();
        return meta.getDatabaseProductName() + " " + meta.getDatabaseProductVersion() + " (enumerable, in memory)";
    }

    @Override
    public List<TableLoad> load(Map<String, Path> files) throws IOException {
        List<TableLoad> loads = new ArrayList<>();
        for (String table : TpchSchema.TABLES) {
            Path file = files.get(table);
            if (file == null) {
                throw new IllegalArgumentException("No data file for TPC-H table '" + table + "'");
            }
            long start = System.nanoTime();
            InMemoryTable rows = new InMemoryTable(table, CalciteRows.read(table, file));
            schema.add(table, rows);
            long nanos = System.nanoTime() - start;
            loads.add(new TableLoad(table, rows.size(), Files.size(file), nanos));
        }
        return List.copyOf(loads);
    }

    @Override
    public Connection connection() {
        return connection;
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
