package dev.veil.sqltests.script;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Fixtures whose tables live in a remote database ({@link RemotePlace}: PostgreSQL or Trino): a
 * fixture's {@code CREATE SCHEMA}, {@code CREATE TABLE} and {@code INSERT} statements run there
 * (one place per script), and the Veil side of the fixture creates the same schemas, a connection
 * to the place and imports each remote schema's tables as foreign tables under the fixture's
 * schema and table names; every other statement of the fixture (policies, purposes, consent
 * sources) runs in Veil unchanged. A script that includes such a fixture thus runs its statements
 * against foreign copies of the fixture's tables. A table the fixture declares as a {@code CONSENT
 * SOURCE} stays a table Veil stores (its {@code CREATE TABLE} and {@code INSERT} run in Veil),
 * since a consent source cannot be a foreign table.
 *
 * <p>The remote statements run when the fixture's text is asked for, that is when the script is
 * parsed, before its server starts.
 */
public final class ForeignFixtures implements Function<String, String> {
    private static final Pattern REMOTE = Pattern.compile("(?is)\\s*(CREATE\\s+TABLE|INSERT\\s+INTO)\\b.*");
    private static final Pattern SCHEMA = Pattern.compile("(?is)\\s*CREATE\\s+SCHEMA\\s+(\\w+)\\s*");
    private static final Pattern TARGET = Pattern.compile("(?is)\\s*(?:CREATE\\s+TABLE|INSERT\\s+INTO)\\s+([\\w.]+).*");
    private static final Pattern CONSENT_SOURCE =
            Pattern.compile("(?is)\\s*ALTER\\s+TABLE\\s+([\\w.]+)\\s+SET\\s+CONSENT\\s+SOURCE\\b.*");

    private final Function<String, String> local;
    private final RemotePlace place;

    /** Fixtures read by {@code local} (name to text), their tables placed in {@code place}. */
    public ForeignFixtures(Function<String, String> local, RemotePlace place) {
        this.local = requireNonNull(local, "local is null");
        this.place = requireNonNull(place, "place is null");
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
                remote.add(s.sql());
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
        place.run(remote);
        StringBuilder out = new StringBuilder();
        statement(out, place.createConnection(connection));
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
            imports(out, pending, connection, place);
            if (!(record instanceof ScriptRecord.Statement s) || !(s.outcome() instanceof ScriptRecord.Outcome.Ok)) {
                throw new IllegalArgumentException("fixture " + name
                        + ": only 'statement ok' records can be placed in a remote database: " + record);
            }
            statement(out, s.sql());
        }
        imports(out, pending, connection, place);
        return out.toString();
    }

    /** Whether {@code sql} creates or fills a consent source, which stays a table Veil stores. */
    private static boolean local(String sql, Set<String> consentSources) {
        java.util.regex.Matcher m = TARGET.matcher(sql);
        return m.matches() && consentSources.contains(m.group(1).toLowerCase(Locale.ROOT));
    }

    private static void imports(StringBuilder out, List<String> pending, String connection, RemotePlace place) {
        for (String schema : pending) {
            statement(
                    out,
                    "IMPORT FOREIGN SCHEMA '" + place.remoteSchema(schema) + "' FROM CONNECTION " + connection
                            + " INTO " + schema);
        }
        pending.clear();
    }

    private static void statement(StringBuilder out, String sql) {
        out.append("statement ok\n").append(sql.strip()).append("\n\n");
    }
}
