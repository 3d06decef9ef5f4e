package dev.veil.sqltests.script;

import static java.util.Objects.requireNonNull;

import dev.veil.sqltests.script.ScriptRecord.Outcome;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs the records of one script, in order, against one {@link ScriptServer}, and reports the
 * outcome of each test case. A failing case does not stop the script: later cases run and
 * report their own outcome.
 */
public final class ScriptRunner implements AutoCloseable {
    /** Seconds a statement may run before the driver cancels it. */
    static final int STATEMENT_TIMEOUT_SECONDS = 120;
    /** Rows of an unexpected result printed in a failure message. */
    private static final int PRINTED_ROWS = 200;

    private static final Pattern CREATE_USER = Pattern.compile(
            "(?is)^\\s*(?:CREATE|ALTER)\\s+USER\\s+(?:IF\\s+NOT\\s+EXISTS\\s+)?\"?(\\w+)\"?\\s+PASSWORD\\s+'([^']*)'.*");

    private final String script;
    private final ScriptServer server;
    private final Path files;
    private Connection connection;
    private String user;
    private int timeoutSeconds = STATEMENT_TIMEOUT_SECONDS;

    /** The outcome of one test case: empty failure when it passed. */
    public record CaseResult(int line, String title, Optional<String> failure) {
        public CaseResult {
            requireNonNull(title, "title is null");
            requireNonNull(failure, "failure is null");
        }
    }

    /**
     * A runner for {@code script} (its name, for messages) against {@code server}, with
     * {@code files} as the directory that {@code file} records write to and {@code ${dir}} names.
     */
    public ScriptRunner(String script, ScriptServer server, Path files) {
        this.script = requireNonNull(script, "script is null");
        this.server = requireNonNull(server, "server is null");
        this.files = requireNonNull(files, "files is null");
    }

    /** Runs {@code records} as {@code admin} until a {@code connect} says otherwise; one result per case. */
    public List<CaseResult> run(List<ScriptRecord> records) {
        return run(script, records);
    }

    private List<CaseResult> run(String source, List<ScriptRecord> records) {
        List<CaseResult> results = new ArrayList<>();
        for (ScriptRecord record : records) {
            Optional<String> failure;
            try {
                failure = execute(record);
            } catch (RuntimeException | SQLException e) {
                failure = Optional.of("the harness failed: " + e);
            }
            if (record.isCase()) {
                results.add(
                        new CaseResult(record.line(), title(record), failure.map(f -> location(source, record) + f)));
            } else if (failure.isPresent()) {
                // A directive that fails is reported as a case of its own, so it cannot go unnoticed.
                results.add(
                        new CaseResult(record.line(), title(record), failure.map(f -> location(source, record) + f)));
            }
        }
        return results;
    }

    private Optional<String> execute(ScriptRecord record) throws SQLException {
        if (record instanceof ScriptRecord.Connect c && c.error().isPresent()) {
            return failedConnect(c);
        } else if (record instanceof ScriptRecord.Connect c) {
            return connect(c.user(), c.password());
        } else if (record instanceof ScriptRecord.Timeout t) {
            timeoutSeconds = t.seconds() == 0 ? STATEMENT_TIMEOUT_SECONDS : t.seconds();
            return Optional.empty();
        } else if (record instanceof ScriptRecord.FileBlock f) {
            return writeFile(f);
        } else if (record instanceof ScriptRecord.Include i) {
            for (CaseResult result : run("fixtures/" + i.name() + ".fixture", i.records())) {
                if (result.failure().isPresent()) {
                    return Optional.of("fixture " + i.name() + " failed: "
                            + result.failure().get());
                }
            }
            return Optional.empty();
        } else if (record instanceof ScriptRecord.Statement s) {
            return statement(s);
        } else if (record instanceof ScriptRecord.Query q) {
            return query(q);
        } else if (record instanceof ScriptRecord.Concurrent c) {
            return concurrent(c);
        } else if (record instanceof ScriptRecord.Columns c) {
            return columns(c);
        }
        throw new IllegalArgumentException("Unknown record " + record);
    }

    private static String location(String source, ScriptRecord record) {
        return source + ":" + record.line() + ": ";
    }

    private static String title(ScriptRecord record) {
        String what;
        if (record instanceof ScriptRecord.Connect c) {
            what = "connect " + c.user()
                    + c.error().map(e -> " fails with " + e.describe()).orElse("");
        } else if (record instanceof ScriptRecord.Timeout t) {
            what = "timeout " + t.seconds();
        } else if (record instanceof ScriptRecord.FileBlock f) {
            what = "file " + f.name();
        } else if (record instanceof ScriptRecord.Include i) {
            what = "include " + i.name();
        } else if (record instanceof ScriptRecord.Statement s) {
            what = s.sql();
        } else if (record instanceof ScriptRecord.Query q) {
            what = (q.options().explain() ? "explain privacy " : "") + q.sql();
        } else if (record instanceof ScriptRecord.Columns c) {
            what = "columns " + c.schema() + "." + c.table();
        } else {
            ScriptRecord.Concurrent c = (ScriptRecord.Concurrent) record;
            what = "concurrent " + c.copies() + " " + c.sql();
        }
        String oneLine = what.replaceAll("\\s+", " ").strip();
        return "line " + record.line() + ": " + (oneLine.length() > 90 ? oneLine.substring(0, 87) + "..." : oneLine);
    }

    private Optional<String> connect(String name, Optional<String> password) throws SQLException {
        closeConnection();
        connection = server.connect(name, password);
        user = name;
        return Optional.empty();
    }

    private Optional<String> failedConnect(ScriptRecord.Connect record) {
        try (Connection c = server.connect(record.user(), record.password())) {
            // The driver may connect lazily: the first statement shows whether the server accepted it.
            try (Statement statement = c.createStatement();
                    ResultSet rows = statement.executeQuery("SELECT 1")) {
                rows.next();
            }
            return Optional.of("expected connecting as '" + record.user() + "' to fail with "
                    + record.error().get().describe() + " but it succeeded");
        } catch (SQLException e) {
            return checkError("connect " + record.user(), record.error().get(), e);
        }
    }

    private Connection connection() throws SQLException {
        if (connection == null) {
            connect("admin", Optional.empty());
        }
        return connection;
    }

    private Optional<String> writeFile(ScriptRecord.FileBlock file) {
        try {
            Files.createDirectories(files);
            Files.writeString(files.resolve(file.name()), file.content(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Optional.empty();
    }

    private String substitute(String sql) {
        return sql.replace("${dir}", files.toAbsolutePath().toString());
    }

    private Optional<String> statement(ScriptRecord.Statement record) throws SQLException {
        String sql = substitute(record.sql());
        try (Statement statement = connection().createStatement()) {
            statement.setQueryTimeout(timeoutSeconds);
            boolean hasRows;
            try {
                hasRows = statement.execute(sql);
            } catch (SQLException e) {
                return checkError(record.sql(), record.outcome(), e);
            }
            // A query run as a statement is read to the end: errors may come while fetching.
            long count = -1;
            if (hasRows) {
                try (ResultSet rows = statement.getResultSet()) {
                    while (rows.next()) {
                        // drain
                    }
                } catch (SQLException e) {
                    return checkError(record.sql(), record.outcome(), e);
                }
            } else {
                count = statement.getUpdateCount();
            }
            rememberPassword(sql);
            if (record.outcome() instanceof Outcome.Count expected) {
                return expected.rows() == count
                        ? Optional.empty()
                        : Optional.of(
                                "expected update count " + expected.rows() + " but got " + count + "\n" + record.sql());
            } else if (record.outcome() instanceof Outcome.Error error) {
                return Optional.of(
                        "expected error " + error.describe() + " but the statement succeeded\n" + record.sql());
            }
            return Optional.empty();
        }
    }

    private void rememberPassword(String sql) {
        Matcher matcher = CREATE_USER.matcher(sql);
        if (matcher.matches()) {
            server.rememberPassword(matcher.group(1).toLowerCase(java.util.Locale.ROOT), matcher.group(2));
        }
    }

    private static Optional<String> checkError(String sql, Outcome outcome, SQLException e) {
        String actual = describe(e);
        if (!(outcome instanceof Outcome.Error expected)) {
            return Optional.of("expected success but got " + actual + "\n" + sql);
        }
        if (!expected.codes().contains(e.getErrorCode())) {
            return Optional.of("expected error " + expected.describe() + " but got " + actual + "\n" + sql);
        }
        if (expected.message().isPresent()
                && !expected.message()
                        .get()
                        .matcher(String.valueOf(e.getMessage()))
                        .find()) {
            return Optional.of("expected error " + expected.describe() + " but the message does not match: " + actual
                    + "\n" + sql);
        }
        return Optional.empty();
    }

    private static String describe(SQLException e) {
        return "error " + e.getErrorCode() + " [" + e.getSQLState() + "] " + e.getMessage();
    }

    private Optional<String> query(ScriptRecord.Query record) throws SQLException {
        String sql = substitute(record.sql());
        List<String> actual = new ArrayList<>();
        try (Statement statement = connection().createStatement()) {
            statement.setQueryTimeout(timeoutSeconds);
            try (ResultSet rows = statement.executeQuery(record.options().explain() ? "EXPLAIN PRIVACY " + sql : sql)) {
                if (record.options().columnNames()) {
                    actual.add(ResultPrinter.header(rows));
                }
                for (String row :
                        ResultPrinter.rows(rows, record.options().explain() ? Integer.MAX_VALUE : PRINTED_ROWS)) {
                    if (record.options().explain()) {
                        actual.addAll(row.lines().toList());
                    } else {
                        actual.add(row);
                    }
                }
            }
        } catch (SQLException e) {
            return Optional.of("expected rows but got " + describe(e) + "\n" + record.sql());
        }
        List<String> expected = record.expected();
        if (record.options().rowSort()) {
            int skip = record.options().columnNames() ? 1 : 0;
            actual = sortedAfter(actual, skip);
            expected = sortedAfter(expected, skip);
        }
        if (LineMatcher.matches(expected, actual)) {
            return Optional.empty();
        }
        return Optional.of(
                "wrong result\n" + record.sql() + "\nexpected:\n" + indent(expected) + "actual:\n" + indent(actual));
    }

    private static List<String> sortedAfter(List<String> lines, int skip) {
        List<String> sorted = new ArrayList<>(lines.subList(Math.min(skip, lines.size()), lines.size()));
        Collections.sort(sorted);
        List<String> result = new ArrayList<>(lines.subList(0, Math.min(skip, lines.size())));
        result.addAll(sorted);
        return result;
    }

    private Optional<String> concurrent(ScriptRecord.Concurrent record) throws SQLException {
        String sql = substitute(record.sql());
        List<Connection> connections = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(record.copies());
        try {
            for (int i = 0; i < record.copies(); i++) {
                connections.add(server.connect(user == null ? "admin" : user, Optional.empty()));
            }
            CountDownLatch start = new CountDownLatch(1);
            List<Future<String>> outcomes = new ArrayList<>();
            for (Connection c : connections) {
                outcomes.add(pool.submit(() -> {
                    start.await();
                    return runForOutcome(c, sql);
                }));
            }
            start.countDown();
            Map<String, Integer> counts = new TreeMap<>();
            for (Future<String> outcome : outcomes) {
                counts.merge(outcome.get(STATEMENT_TIMEOUT_SECONDS, TimeUnit.SECONDS), 1, Integer::sum);
            }
            List<String> actual = new ArrayList<>();
            counts.forEach((outcome, n) -> actual.add(outcome + " " + n));
            List<String> expected = new ArrayList<>(record.expected());
            Collections.sort(expected);
            return expected.equals(actual)
                    ? Optional.empty()
                    : Optional.of("wrong outcomes\n" + record.sql() + "\nexpected:\n" + indent(expected) + "actual:\n"
                            + indent(actual));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            return Optional.of("a concurrent copy failed in the harness: " + e);
        } finally {
            pool.shutdownNow();
            for (Connection c : connections) {
                c.close();
            }
        }
    }

    private Optional<String> columns(ScriptRecord.Columns record) throws SQLException {
        List<String> actual = new ArrayList<>();
        try (ResultSet columns = connection().getMetaData().getColumns(null, record.schema(), record.table(), null)) {
            while (columns.next()) {
                actual.add(columns.getString("COLUMN_NAME") + " | " + columns.getString("TYPE_NAME"));
            }
        }
        return LineMatcher.matches(record.expected(), actual)
                ? Optional.empty()
                : Optional.of("wrong columns of " + record.schema() + "." + record.table() + "\nexpected:\n"
                        + indent(record.expected()) + "actual:\n" + indent(actual));
    }

    /** {@code ok}, or {@code error NAME} for a Veil error code. */
    private static String runForOutcome(Connection connection, String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(STATEMENT_TIMEOUT_SECONDS);
            if (statement.execute(sql)) {
                try (ResultSet rows = statement.getResultSet()) {
                    while (rows.next()) {
                        // drain
                    }
                }
            }
            return "ok";
        } catch (SQLException e) {
            return "error " + codeName(e.getErrorCode());
        }
    }

    private static String codeName(int code) {
        for (dev.veil.ErrorCode c : dev.veil.ErrorCode.values()) {
            if (c.code() == code) {
                return c.name();
            }
        }
        return Integer.toString(code);
    }

    private static String indent(List<String> lines) {
        StringBuilder text = new StringBuilder();
        for (String line : lines) {
            text.append("    ").append(line).append('\n');
        }
        return text.toString();
    }

    private void closeConnection() throws SQLException {
        if (connection != null) {
            Connection c = connection;
            connection = null;
            c.close();
        }
    }

    @Override
    public void close() throws SQLException {
        closeConnection();
    }
}
