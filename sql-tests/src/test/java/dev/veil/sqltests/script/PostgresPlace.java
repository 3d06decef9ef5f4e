package dev.veil.sqltests.script;

import static java.util.Objects.requireNonNull;

import dev.veil.exec.remote.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A fixture's tables in one database of a throw-away PostgreSQL (one per script), under the
 * fixture's schema names; {@code DOUBLE} columns become {@code DOUBLE PRECISION}.
 */
public final class PostgresPlace implements RemotePlace {
    private static final Pattern DOUBLE = Pattern.compile("(?i)\\bDOUBLE\\b(?!\\s+PRECISION)");

    private final PostgresServer postgres;
    private final String database;
    private final Path passwordFile;
    private boolean created;

    /** Database {@code database} of {@code postgres} (created on first use); {@code folder} receives the password file. */
    public PostgresPlace(PostgresServer postgres, String database, Path folder) {
        this.postgres = requireNonNull(postgres, "postgres is null");
        this.database = requireNonNull(database, "database is null");
        try {
            Files.createDirectories(folder);
            this.passwordFile = postgres.passwordFile(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String createConnection(String name) {
        return "CREATE CONNECTION " + name + " TYPE POSTGRESQL URL '" + postgres.url(database) + "' USER '"
                + PostgresServer.USER + "' PASSWORD FILE '" + passwordFile + "'";
    }

    @Override
    public String remoteSchema(String schema) {
        return schema;
    }

    @Override
    public synchronized void run(List<String> statements) {
        try {
            if (!created) {
                postgres.createDatabase(database);
                created = true;
            }
            try (Connection c = postgres.connect(database);
                    Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(DOUBLE.matcher(sql).replaceAll("DOUBLE PRECISION"));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("placing a fixture in PostgreSQL failed: " + e.getMessage(), e);
        }
    }
}
