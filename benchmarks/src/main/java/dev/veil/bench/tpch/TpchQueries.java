package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The 22 TPC-H queries with the specification's validation parameters, as standard SQL over
 * schema {@code tpch} that both DuckDB and Calcite accept.
 *
 * <p>The texts live in the resources {@code tpch/q01.sql} .. {@code tpch/q22.sql}; they have no
 * trailing semicolon. Deviations from the specification's text, all allowed by its rules for
 * minor query modifications: row limits are {@code LIMIT n}; Q11's column alias {@code value}
 * (reserved in Calcite) is {@code part_value}; Q13's derived column list is written as aliases;
 * Q15's view is a {@code WITH} clause.
 */
public final class TpchQueries {
    /** Number of TPC-H queries. */
    public static final int COUNT = 22;

    /** The query names {@code q01} .. {@code q22}, in order. */
    public static final List<String> NAMES = names();

    private static final Map<String, String> TEXTS = load();

    private TpchQueries() {}

    /** The text of query {@code number} (1 .. 22). */
    public static String sql(int number) {
        if (number < 1 || number > COUNT) {
            throw new IllegalArgumentException("TPC-H query number must be 1.." + COUNT + ": " + number);
        }
        return TEXTS.get(name(number));
    }

    /** The text of the query named {@code name} ({@code q01} .. {@code q22}). */
    public static String sql(String name) {
        requireNonNull(name, "name is null");
        String text = TEXTS.get(name);
        if (text == null) {
            throw new IllegalArgumentException("Unknown TPC-H query '" + name + "'; expected q01.." + name(COUNT));
        }
        return text;
    }

    /** The name of query {@code number}: {@code q01} .. {@code q22}. */
    public static String name(int number) {
        return String.format("q%02d", number);
    }

    private static List<String> names() {
        List<String> names = new ArrayList<>();
        for (int number = 1; number <= COUNT; number++) {
            names.add(name(number));
        }
        return List.copyOf(names);
    }

    private static Map<String, String> load() {
        Map<String, String> texts = new LinkedHashMap<>();
        for (String name : NAMES) {
            String resource = "/tpch/" + name + ".sql";
            try (InputStream in = TpchQueries.class.getResourceAsStream(resource)) {
                if (in == null) {
                    throw new IllegalStateException("Missing resource " + resource);
                }
                texts.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8).strip());
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read resource " + resource, e);
            }
        }
        return Map.copyOf(texts);
    }
}
