package dev.veil.sqltests.script;

import static java.util.Objects.requireNonNull;

import dev.veil.exec.remote.TrinoServer;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A fixture's tables in the {@code memory} catalog of a running Trino, each fixture schema under a
 * name of its own ({@code <prefix>_<schema>}) so that scripts sharing the server do not meet.
 * The fixture's schema names, wherever a statement qualifies a table with one, are rewritten to
 * those names; the statements are otherwise sent as written (Trino's {@code CREATE TABLE},
 * {@code INSERT ... VALUES} and {@code INSERT ... SELECT} take the fixtures' types, literals and
 * queries).
 */
public final class TrinoPlace implements RemotePlace {
    private static final Pattern SCHEMA = Pattern.compile("(?is)\\s*CREATE\\s+SCHEMA\\s+(\\w+)\\s*");

    private final TrinoServer trino;
    private final String prefix;
    private final Set<String> schemas = new HashSet<>();

    /** Schemas of {@code trino}'s memory catalog named {@code <prefix>_<schema>}. */
    public TrinoPlace(TrinoServer trino, String prefix) {
        this.trino = requireNonNull(trino, "trino is null");
        this.prefix = requireNonNull(prefix, "prefix is null");
    }

    @Override
    public String createConnection(String name) {
        return "CREATE CONNECTION " + name + " TYPE TRINO URL '" + trino.url() + "' USER '" + TrinoServer.USER + "'";
    }

    @Override
    public String remoteSchema(String schema) {
        return "memory." + local(schema);
    }

    private String local(String schema) {
        return (prefix + "_" + schema).toLowerCase(Locale.ROOT);
    }

    @Override
    public synchronized void run(List<String> statements) {
        for (String sql : statements) {
            Matcher schema = SCHEMA.matcher(sql);
            if (schema.matches()) {
                schemas.add(schema.group(1).toLowerCase(Locale.ROOT));
            }
        }
        String[] translated = new String[statements.size()];
        for (int i = 0; i < translated.length; i++) {
            String sql = statements.get(i);
            Matcher schema = SCHEMA.matcher(sql);
            if (schema.matches()) {
                translated[i] = "CREATE SCHEMA " + remoteSchema(schema.group(1));
                continue;
            }
            for (String name : schemas) {
                sql = Pattern.compile("(?i)(?<![\\w.'])" + Pattern.quote(name) + "\\.(?=\\w)")
                        .matcher(sql)
                        .replaceAll(Matcher.quoteReplacement(remoteSchema(name) + "."));
            }
            translated[i] = sql;
        }
        try {
            trino.execute(translated);
        } catch (SQLException e) {
            throw new IllegalStateException("placing a fixture in Trino failed: " + e.getMessage(), e);
        }
    }
}
