package dev.veil.sqltests.script;

import dev.veil.ErrorCode;
import dev.veil.sqltests.script.ScriptRecord.Outcome;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses the text of a SQL test script into {@link ScriptRecord}s. The format is described in
 * {@code sql-tests/README.md}: records are separated by blank lines, {@code #} starts a comment
 * line, a record's first line says what it is, the SQL follows, and {@code ----} separates a
 * query from its expected result.
 */
public final class ScriptParser {
    private static final String SEPARATOR = "----";

    private final String name;
    private final List<String> lines;
    private final Function<String, String> fixtures;
    private int next;

    private ScriptParser(String name, String text, Function<String, String> fixtures) {
        this.name = name;
        this.lines = text.lines().toList();
        this.fixtures = fixtures;
    }

    /**
     * The records of {@code text}, the script called {@code name} (used in error messages);
     * {@code fixtures} gives the text of an included fixture by name.
     */
    public static List<ScriptRecord> parse(String name, String text, Function<String, String> fixtures) {
        return new ScriptParser(name, text, fixtures).records();
    }

    private List<ScriptRecord> records() {
        List<ScriptRecord> records = new ArrayList<>();
        while (skipBlankAndComments()) {
            int line = next + 1;
            String header = lines.get(next++).strip();
            String[] words = header.split("\\s+");
            String kind = words[0].toLowerCase(Locale.ROOT);
            switch (kind) {
                case "connect" -> records.add(connect(line, header, words));
                case "timeout" -> records.add(timeout(line, words));
                case "file" -> records.add(file(line, words));
                case "include" -> records.add(include(line, words));
                case "statement" -> records.add(statement(line, header, words));
                case "query" -> records.add(query(line, words));
                case "explain" -> records.add(explain(line, words));
                case "concurrent" -> records.add(concurrent(line, words));
                case "columns" -> records.add(columns(line, words));
                default ->
                    throw error(
                            line,
                            "unknown record '" + words[0]
                                    + "' (expected connect, timeout, include, file, statement, query, explain privacy, concurrent or columns)");
            }
        }
        return records;
    }

    private ScriptRecord connect(int line, String header, String[] words) {
        if (words.length >= 5 && words[3].equalsIgnoreCase("error")) {
            // connect <user> <password> error <CODE> [regex]: the regex starts after the code.
            String rest = header.substring(header.indexOf(words[3], header.indexOf(words[2]) + words[2].length()));
            return new ScriptRecord.Connect(
                    line,
                    words[1],
                    Optional.of(words[2]),
                    Optional.of(error(line, rest, java.util.Arrays.copyOfRange(words, 2, words.length))));
        }
        if (words.length < 2 || words.length > 3) {
            throw error(
                    line,
                    "expected 'connect <user> [<password>]' or 'connect <user> <password> error <CODE> [<regex>]'");
        }
        return new ScriptRecord.Connect(
                line, words[1], words.length == 3 ? Optional.of(words[2]) : Optional.empty(), Optional.empty());
    }

    private ScriptRecord timeout(int line, String[] words) {
        requireWords(line, words, 2);
        long seconds = parseLong(line, words[1]);
        if (seconds < 0 || seconds > 3600) {
            throw error(line, "'timeout <seconds>' needs 0 <= seconds <= 3600");
        }
        return new ScriptRecord.Timeout(line, (int) seconds);
    }

    private ScriptRecord include(int line, String[] words) {
        if (words.length != 2 || !words[1].matches("[A-Za-z0-9_-]+")) {
            throw error(line, "expected 'include <fixture name>'");
        }
        String fixture = "fixtures/" + words[1] + ".fixture";
        return new ScriptRecord.Include(line, words[1], parse(fixture, fixtures.apply(words[1]), fixtures));
    }

    private ScriptRecord file(int line, String[] words) {
        if (words.length != 2 || !words[1].matches("[A-Za-z0-9_.-]+")) {
            throw error(line, "expected 'file <name>' with a plain file name");
        }
        StringBuilder content = new StringBuilder();
        while (next < lines.size() && !lines.get(next).isBlank()) {
            content.append(lines.get(next++)).append('\n');
        }
        return new ScriptRecord.FileBlock(line, words[1], content.toString());
    }

    private ScriptRecord statement(int line, String header, String[] words) {
        if (words.length < 2) {
            throw error(line, "expected 'statement ok', 'statement count <n>' or 'statement error <CODE> [<regex>]'");
        }
        Outcome outcome = switch (words[1].toLowerCase(Locale.ROOT)) {
            case "ok" -> {
                requireWords(line, words, 2);
                yield new Outcome.Ok();
            }
            case "count" -> {
                requireWords(line, words, 3);
                yield new Outcome.Count(parseLong(line, words[2]));
            }
            case "error" -> error(line, header, words);
            default -> throw error(line, "unknown statement expectation '" + words[1] + "'");
        };
        String sql = sql(line);
        if (next < lines.size() && lines.get(next).strip().equals(SEPARATOR)) {
            throw error(next + 1, "a statement has no expected result; use 'query'");
        }
        return new ScriptRecord.Statement(line, sql, outcome);
    }

    private Outcome.Error error(int line, String header, String[] words) {
        if (words.length < 3) {
            throw error(line, "expected 'statement error <CODE> [<regex>]'");
        }
        java.util.Set<Integer> codes = new java.util.TreeSet<>();
        for (String alternative : words[2].split("\\|")) {
            codes.add(errorCode(line, alternative).code());
        }
        // The regex is the rest of the line after the code, as written (it may contain spaces).
        int start = header.indexOf(words[2], header.indexOf(words[1]) + words[1].length()) + words[2].length();
        String regex = header.substring(start).strip();
        Optional<Pattern> message = Optional.empty();
        if (!regex.isEmpty()) {
            try {
                message = Optional.of(Pattern.compile(regex));
            } catch (PatternSyntaxException e) {
                throw error(line, "bad message pattern: " + e.getDescription());
            }
        }
        return new Outcome.Error(words[2], codes, message);
    }

    private ErrorCode errorCode(int line, String word) {
        for (ErrorCode code : ErrorCode.values()) {
            if (code.name().equalsIgnoreCase(word) || word.equals(Integer.toString(code.code()))) {
                return code;
            }
        }
        throw error(line, "unknown error code '" + word + "' (use a name of dev.veil.ErrorCode or its number)");
    }

    private ScriptRecord query(int line, String[] words) {
        boolean rowSort = false;
        boolean columnNames = false;
        for (int i = 1; i < words.length; i++) {
            switch (words[i].toLowerCase(Locale.ROOT)) {
                case "rowsort" -> rowSort = true;
                case "colnames" -> columnNames = true;
                case "nosort" -> rowSort = false;
                default -> throw error(line, "unknown query option '" + words[i] + "' (rowsort, nosort, colnames)");
            }
        }
        String sql = sql(line);
        return new ScriptRecord.Query(
                line, sql, new ScriptRecord.QueryOptions(rowSort, columnNames, false), expected(line));
    }

    private ScriptRecord explain(int line, String[] words) {
        if (words.length != 2 || !words[1].equalsIgnoreCase("privacy")) {
            throw error(line, "expected 'explain privacy'");
        }
        String sql = sql(line);
        return new ScriptRecord.Query(line, sql, new ScriptRecord.QueryOptions(false, false, true), expected(line));
    }

    private ScriptRecord columns(int line, String[] words) {
        if (words.length != 2 || !words[1].matches("[A-Za-z0-9_]+\\.[A-Za-z0-9_]+")) {
            throw error(line, "expected 'columns <schema>.<table>'");
        }
        String[] name = words[1].split("\\.");
        return new ScriptRecord.Columns(line, name[0], name[1], expected(line));
    }

    private ScriptRecord concurrent(int line, String[] words) {
        requireWords(line, words, 2);
        long copies = parseLong(line, words[1]);
        if (copies < 2 || copies > 64) {
            throw error(line, "'concurrent <n>' needs 2 <= n <= 64");
        }
        String sql = sql(line);
        return new ScriptRecord.Concurrent(line, sql, (int) copies, expected(line));
    }

    /** The SQL lines after a record's header: up to a blank line or {@code ----}. */
    private String sql(int line) {
        StringBuilder sql = new StringBuilder();
        while (next < lines.size()
                && !lines.get(next).isBlank()
                && !lines.get(next).strip().equals(SEPARATOR)) {
            String text = lines.get(next++);
            if (text.stripLeading().startsWith("#")) {
                continue;
            }
            sql.append(sql.length() == 0 ? "" : "\n").append(text.stripTrailing());
        }
        if (sql.length() == 0) {
            throw error(line, "the record has no SQL");
        }
        return sql.toString();
    }

    /** The expected lines after {@code ----}, up to a blank line; none when the result must be empty. */
    private List<String> expected(int line) {
        if (next >= lines.size() || !lines.get(next).strip().equals(SEPARATOR)) {
            throw error(line, "expected '----' and the result after the query (nothing after '----' for no rows)");
        }
        next++;
        List<String> expected = new ArrayList<>();
        while (next < lines.size() && !lines.get(next).isBlank()) {
            expected.add(lines.get(next++).stripTrailing());
        }
        return expected;
    }

    private boolean skipBlankAndComments() {
        while (next < lines.size()
                && (lines.get(next).isBlank() || lines.get(next).stripLeading().startsWith("#"))) {
            next++;
        }
        return next < lines.size();
    }

    private void requireWords(int line, String[] words, int count) {
        if (words.length != count) {
            throw error(
                    line, "unexpected words after '" + String.join(" ", java.util.Arrays.copyOf(words, count)) + "'");
        }
    }

    private long parseLong(int line, String word) {
        try {
            return Long.parseLong(word);
        } catch (NumberFormatException e) {
            throw error(line, "'" + word + "' is not a whole number");
        }
    }

    private IllegalArgumentException error(int line, String message) {
        return new IllegalArgumentException(name + ":" + line + ": " + message);
    }
}
