package dev.veil.session;

import static java.util.Objects.requireNonNull;

import dev.veil.storage.Warehouse;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.IntFunction;

/**
 * Test fixture: a new warehouse on disk (with its {@code public} schema) and one connection to it
 * through the embedded driver as the default user, with CSV loads through {@code COPY}.
 */
public final class EmbeddedWarehouse implements AutoCloseable {
    private final Path dir;
    private final Connection connection;
    private final Statement statement;

    private EmbeddedWarehouse(Path dir, Connection connection) throws SQLException {
        this.dir = dir;
        this.connection = connection;
        this.statement = connection.createStatement();
    }

    /** Creates the warehouse {@code dir/wh} and connects to it; load files go to {@code dir}. */
    public static EmbeddedWarehouse create(Path dir) throws SQLException {
        requireNonNull(dir, "dir is null");
        Path wh = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(wh)) {
            w.catalog().createSchema("public", true);
        }
        return new EmbeddedWarehouse(dir, DriverManager.getConnection(EmbeddedDriver.PREFIX + wh));
    }

    public Connection connection() {
        return connection;
    }

    /** The connection's one statement. */
    public Statement statement() {
        return statement;
    }

    /** Writes {@code csv} to a new file in {@code dir} and loads it into {@code schema.table} with {@code options}. */
    public void load(String schema, String table, CharSequence csv, String options) throws IOException, SQLException {
        Path file = Files.createTempFile(dir, table, ".csv");
        Files.writeString(file, csv);
        statement.execute("COPY " + schema + "." + table + " FROM '" + file + "' WITH (" + options + ")");
    }

    /** {@code rows} CSV lines, line {@code i} being {@code line.apply(i)}. */
    public static String lines(int rows, IntFunction<String> line) {
        StringBuilder csv = new StringBuilder();
        for (int i = 0; i < rows; i++) {
            csv.append(line.apply(i)).append('\n');
        }
        return csv.toString();
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
