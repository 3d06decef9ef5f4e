package dev.veil.sqltests.script;

import static java.util.Objects.requireNonNull;

import dev.veil.exec.remote.PostgresServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Fixtures whose tables live in PostgreSQL: a fixture's {@code CREATE TABLE} and {@code INSERT}
 * statements run in one PostgreSQL database (one per script), and the Veil side of the fixture
 * creates the same schemas, a connection to that database and imports each schema's tables as
 * foreign tables under the same names; every other statement of the fixture (policies, purposes,
 * consent sources) runs in Veil unchanged. A script that includes such a fixture thus runs its
 * statements against foreign copies of the fixture's tables. A table the fixture declares as a
 * {@code CONSENT SOURCE} stays a table Veil stores (its {@code CREATE TABLE} and {@code INSERT}
 * run in Veil), since a consent source cannot be a foreign table.
 *
 * <p>The PostgreSQL statements run when the fixture's text is asked for, that is when the script
 * is parsed, before its server starts.
 */
public final class ForeignFixtures implements Function<String, String> {
    private static final Pattern REMOTE = Pattern.compile("(?is)\\s*(CREATE\\s+TABLE|INSERT\\s+INTO)\\b.*");
    private static final Pattern SCHEMA = Pattern.compile("(?is)\\s*CREATE\\s+SCHEMA\\s+(\\w+)\\s*");
    private static final Pattern TARGET = Pattern.compile("(?is)\\s*(?:CREATE\\s+TABLE|INSERT\\s+INTO)\\s+([\\w.]+).*");
    private static final Pattern CONSENT_SOURCE =
            Pattern.compile("(?is)\\s*ALTER\\s+TABLE\\s+([\\w.]+)\\s+SET\\s+CONSENT\\s+SOURCE\\b.*");
    private static final Pattern DOUBLE = Pattern.compile("(?i)\\bDOUBLE\\b(?!\\s+PRECISION)");

    private final Function<String, String> local;
    private final PostgresServer postgres;
    private final String database;
    private final Path passwordFile;
    private boolean created;

    /**
     * Fixtures read by {@code local} (name to text), placed in database {@code database} of
     * {@code postgres} (created on first use); {@code folder} receives the connection's password file.
     */
    public ForeignFixtures(Function<String, String> local, PostgresServer postgres, String database, Path folder) {
        this.local = requireNonNull(local, "local is null");
        this.postgres = requireNonNull(postgres, "postgres is null");
        this.database = requireNonNull(database, "database is null");
        try {
            java.nio.file.Files.createDirectories(folder);
            this.passwordFile = postgres.passwordFile(folder);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public synchronized String apply(String name) {
        String text = local.apply(name);
        List<ScriptRecord> records = ScriptParser.parse("fixtures/" + name + ".fixture", text, local);
        List<String> remote = new ArrayList<>();
        List<String> schemas = new ArrayList<>();
        Set<String> consentSources = new HashSet<>();
        for (ScriptRecord record : records) {
            if (record instanceof ScriptRecord.Statement s) {
                java.util.regex.Matcher m = CONSENT_SOURCE.matcher(s.sql());
                if (m.matches()) {
                    consentSources.add(m.group(1).toLowerCase(Locale.ROOT));
                }
            }
        }
        for (ScriptRecord record : records) {
            if (record instanceof ScriptRecord.Statement s
                    && REMOTE.matcher(s.sql()).matches()
                    && !local(s.sql(), consentSources)) {
                remote.add(DOUBLE.matcher(s.sql()).replaceAll("DOUBLE PRECISION"));
            } else if (record instanceof ScriptRecord.Statement s
                    && SCHEMA.matcher(s.sql()).matches()) {
                java.util.regex.Matcher m = SCHEMA.matcher(s.sql());
                m.matches();
                schemas.add(m.group(1).toLowerCase(Locale.ROOT));
                remote.add(s.sql());
            }
        }
        if (remote.isEmpty()) {
            return text;
        }
        String connection = "fixture_" + name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        runRemote(remote);
        StringBuilder out = new StringBuilder();
        statement(
                out,
                "CREATE CONNECTION " + connection + " TYPE POSTGRESQL URL '" + postgres.url(database) + "' USER '"
                        + PostgresServer.USER + "' PASSWORD FILE '" + passwordFile + "'");
        List<String> pending = new ArrayList<>();
        for (ScriptRecord record : records) {
            if (record instanceof ScriptRecord.Statement s
                    && REMOTE.matcher(s.sql()).matches()
                    && !local(s.sql(), consentSources)) {
                continue;
            }
            if (record instanceof ScriptRecord.Statement s
                    && SCHEMA.matcher(s.sql()).matches()) {
                statement(out, s.sql());
                java.util.regex.Matcher m = SCHEMA.matcher(s.sql());
                m.matches();
                pending.add(m.group(1));
                continue;
            }
            imports(out, pending, connection);
            if (!(record instanceof ScriptRecord.Statement s) || !(s.outcome() instanceof ScriptRecord.Outcome.Ok)) {
                throw new IllegalArgumentException(
                        "fixture " + name + ": only 'statement ok' records can be placed in PostgreSQL: " + record);
            }
            statement(out, s.sql());
        }
        imports(out, pending, connection);
        return out.toString();
    }

    /** Whether {@code sql} creates or fills a consent source, which stays a table Veil stores. */
    private static boolean local(String sql, Set<String> consentSources) {
        java.util.regex.Matcher m = TARGET.matcher(sql);
        return m.matches() && consentSources.contains(m.group(1).toLowerCase(Locale.ROOT));
    }

    private static void imports(StringBuilder out, List<String> pending, String connection) {
        for (String schema : pending) {
            statement(out, "IMPORT FOREIGN SCHEMA " + schema + " FROM CONNECTION " + connection + " INTO " + schema);
        }
        pending.clear();
    }

    private static void statement(StringBuilder out, String sql) {
        out.append("statement ok\n").append(sql.strip()).append("\n\n");
    }

    private void runRemote(List<String> statements) {
        try {
            if (!created) {
                postgres.createDatabase(database);
                created = true;
            }
            try (Connection c = postgres.connect(database);
                    Statement s = c.createStatement()) {
                for (String sql : statements) {
                    s.execute(sql);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("placing a fixture in PostgreSQL failed: " + e.getMessage(), e);
        }
    }
}
