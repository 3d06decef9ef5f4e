package dev.veil.sqltests.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.bench.tpch.TpchData;
import dev.veil.bench.tpch.TpchLoader;
import dev.veil.bench.tpch.TpchSchema;
import dev.veil.catalog.Principals;
import dev.veil.exec.runtime.ExecutionOptions;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import dev.veil.sqltests.QueryResult;
import dev.veil.sqltests.ResultComparator;
import dev.veil.storage.Warehouse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Random SQL as admin (raw data, no policies) over TPC-H at scale factor 0.01 and a small table of
 * NULLs and edge values ({@link DifferentialSchema}), each query run on DuckDB and on Veil with the
 * columnar layer on and off, on one thread and on two ({@link ExecutionOptions}). The tables are
 * loaded in several statements, so that they have several segments and the two-thread paths split
 * real work.
 *
 * <p>A query fails when Veil answers differently from DuckDB (rows as multisets unless the query
 * orders them; DOUBLE and AVG within a relative 1e-9, DECIMAL exactly with any scale), when two of
 * Veil's paths answer differently (or one fails and another does not), or when Veil fails with an
 * internal error (code 1000 and up) or a message without a Veil code. A query DuckDB refuses is
 * skipped, and so is one that runs past {@value #TIMEOUT_SECONDS} s or past the statement memory
 * limit on some path (the paths hold different amounts of memory; such queries are listed); one Veil refuses on every path with the same user error code (NOT_SUPPORTED, say) is
 * counted by code and printed, not failed. Every failure prints the run's seed, the query's number
 * and its SQL.
 *
 * <p>System properties: {@value #QUERIES} (default {@value #DEFAULT_QUERIES}, about a minute and a
 * half), {@value #SEED} (default {@value #DEFAULT_SEED}) and {@value #FIRST} (the number of the
 * first query, default 0): query {@code i} of seed {@code s} is drawn from
 * {@code new Random(s * 1000003 + i)}, so {@code -Dveil.fuzz.first=i -Dveil.fuzz.queries=1}
 * replays it alone.
 */
class DifferentialFuzzTest {
    static final String QUERIES = "veil.fuzz.queries";
    static final String SEED = "veil.fuzz.seed";
    static final String FIRST = "veil.fuzz.first";
    static final int DEFAULT_QUERIES = 300;
    static final long DEFAULT_SEED = 20261207L;

    private static final double SCALE_FACTOR = 0.01;
    private static final int PARTS = 3;
    private static final int TIMEOUT_SECONDS = 60;
    private static final String ADMIN_PASSWORD = "fuzz-admin-pw";
    private static final int STATEMENT_TIMEOUT = 27;
    private static final int MEMORY_LIMIT_EXCEEDED = 28;
    private static final Pattern VEIL_CODE = Pattern.compile("VEIL-(\\d{4}) ([A-Z_]+)");

    private static final List<ExecutionOptions> MODES = List.of(
            new ExecutionOptions(true, 1),
            new ExecutionOptions(true, 2),
            new ExecutionOptions(false, 1),
            new ExecutionOptions(false, 2));

    @TempDir
    static Path dir;

    private static VeilServer server;
    private static Connection engine;
    private static Connection reference;

    /** What one path of Veil, or DuckDB, made of a query: rows, or an error. */
    private record Outcome(QueryResult result, String error, int code) {
        boolean failed() {
            return result == null;
        }
    }

    @BeforeAll
    static void load() throws Exception {
        Path warehouse = dir.resolve("warehouse");
        try (Warehouse w = Warehouse.create(warehouse)) {
            w.catalog().createSchema("public", true);
            new Principals(w.sqliteCatalog()).createUser(Principals.ADMIN, ADMIN_PASSWORD, Principals.ADMIN, false);
        }
        server = VeilServer.start(ServerConfig.of(warehouse).withPort(0));
        Properties admin = new Properties();
        admin.setProperty("user", Principals.ADMIN);
        admin.setProperty("password", ADMIN_PASSWORD);
        engine = DriverManager.getConnection(server.jdbcUrl(), admin);
        reference = DriverManager.getConnection("jdbc:duckdb:");
        Map<String, Path> files = TpchData.generate(SCALE_FACTOR, dir.resolve("data"));
        TpchLoader.createTables(engine, "tpch");
        for (String table : TpchSchema.TABLES) {
            for (Path part : split(files.get(table), PARTS)) {
                TpchLoader.copy(engine, TpchLoader.Dialect.VEIL, "tpch", table, part);
            }
        }
        TpchLoader.load(reference, TpchLoader.Dialect.DUCKDB, "tpch", files);
        for (Connection connection : List.of(engine, reference)) {
            try (Statement statement = connection.createStatement()) {
                for (String sql : DifferentialSchema.edgeDdl()) {
                    statement.execute(sql);
                }
                for (String sql : DifferentialSchema.edgeInserts()) {
                    statement.execute(sql);
                }
            }
        }
    }

    @AfterAll
    static void close() throws SQLException {
        ExecutionOptions.set(ExecutionOptions.DEFAULT);
        try (Connection first = engine;
                Connection second = reference) {
            // closes both, even if one fails
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    @Test
    @Timeout(value = 12, unit = TimeUnit.HOURS)
    void veilAgreesWithDuckDbOnEveryPath() {
        int queries = Integer.getInteger(QUERIES, DEFAULT_QUERIES);
        String seedText = System.getProperty(SEED, "");
        long seed = seedText.isBlank() ? DEFAULT_SEED : Long.parseLong(seedText.strip());
        int first = Integer.getInteger(FIRST, 0);
        System.out.printf(
                "DifferentialFuzzTest: %d queries from #%d, seed %d (-D%s=%d replays this run)%n",
                queries, first, seed, SEED, seed);
        DifferentialGenerator generator = new DifferentialGenerator(new DifferentialSchema());
        Map<String, Integer> rejected = new TreeMap<>();
        List<String> rejectedSamples = new ArrayList<>();
        List<String> referenceErrors = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        List<String> slow = new ArrayList<>();
        int agreed = 0;
        long started = System.nanoTime();
        for (int i = first; i < first + queries; i++) {
            DifferentialQuery query = generator.next(new Random(seed * 1_000_003L + i));
            String name = "seed " + seed + " query #" + i;
            Optional<String> failure;
            try {
                failure = check(query, name, rejected, rejectedSamples, referenceErrors, slow);
            } catch (RuntimeException e) {
                failure = Optional.of(name + ": the harness failed: " + e + "\n  SQL: " + query.sql());
            }
            if (failure.isPresent()) {
                failures.add(failure.get());
                System.out.println("FAILURE " + failure.get());
            } else {
                agreed++;
            }
            if ((i - first + 1) % 500 == 0) {
                System.out.printf(
                        "DifferentialFuzzTest: %d queries, %d failures, %.0f s%n",
                        i - first + 1, failures.size(), (System.nanoTime() - started) / 1e9);
            }
        }
        ExecutionOptions.set(ExecutionOptions.DEFAULT);
        System.out.printf(
                "DifferentialFuzzTest: %d queries in %.0f s: %d checked (agreed or refused alike), %d failures, "
                        + "%d skipped (DuckDB refused), %d skipped (past %d s or the memory limit on a path), Veil refused %s%n",
                queries,
                (System.nanoTime() - started) / 1e9,
                agreed,
                failures.size(),
                referenceErrors.size(),
                slow.size(),
                TIMEOUT_SECONDS,
                rejected);
        slow.forEach(s -> System.out.println("  past a limit: " + s));
        rejectedSamples.forEach(s -> System.out.println("  refused: " + s));
        referenceErrors.stream().limit(10).forEach(s -> System.out.println("  DuckDB refused: " + s));
        assertTrue(failures.isEmpty(), failures.size() + " queries failed:\n" + String.join("\n", failures));
    }

    /** Runs {@code query} on DuckDB and on each of Veil's paths; the failure, if any. */
    private static Optional<String> check(
            DifferentialQuery query,
            String name,
            Map<String, Integer> rejected,
            List<String> rejectedSamples,
            List<String> referenceErrors,
            List<String> slow) {
        Outcome expected = run(reference, query.sql());
        if (expected.failed()) {
            referenceErrors.add(expected.error() + "\n    " + query.sql());
            return Optional.empty();
        }
        List<Outcome> outcomes = new ArrayList<>();
        for (ExecutionOptions mode : MODES) {
            ExecutionOptions.set(mode);
            outcomes.add(run(engine, query.sql()));
        }
        ExecutionOptions.set(ExecutionOptions.DEFAULT);
        String sqlLine = "\n  SQL: " + query.sql();
        if (outcomes.stream().anyMatch(o -> o.code() == STATEMENT_TIMEOUT || o.code() == MEMORY_LIMIT_EXCEEDED)) {
            slow.add(name + sqlLine);
            return Optional.empty();
        }
        for (int m = 0; m < MODES.size(); m++) {
            Outcome outcome = outcomes.get(m);
            String path = name + " " + describe(MODES.get(m));
            if (outcome.failed() && (outcome.code() <= 0 || outcome.code() >= 1000)) {
                return Optional.of(path + ": Veil failed: " + outcome.error() + sqlLine);
            }
        }
        Outcome firstPath = outcomes.get(0);
        for (int m = 1; m < MODES.size(); m++) {
            Outcome outcome = outcomes.get(m);
            String path = name + " " + describe(MODES.get(m)) + " against " + describe(MODES.get(0));
            if (outcome.failed() != firstPath.failed()) {
                return Optional.of(path + ": one path failed and the other did not: "
                        + (outcome.failed() ? outcome.error() : firstPath.error()) + sqlLine);
            }
            if (outcome.failed() && outcome.code() != firstPath.code()) {
                return Optional.of(
                        path + ": different errors: " + firstPath.error() + " / " + outcome.error() + sqlLine);
            }
            if (!outcome.failed()) {
                Optional<String> difference =
                        ResultComparator.difference(path, firstPath.result(), outcome.result(), query.order());
                if (difference.isPresent()) {
                    return Optional.of(difference.get() + sqlLine);
                }
            }
        }
        if (firstPath.failed()) {
            Matcher matcher = VEIL_CODE.matcher(firstPath.error());
            String code = matcher.find() ? matcher.group(2) : String.valueOf(firstPath.code());
            rejected.merge(code, 1, Integer::sum);
            if (rejectedSamples.size() < 15) {
                rejectedSamples.add(firstPath.error().lines().findFirst().orElse("") + "\n    " + query.sql());
            }
            return Optional.empty();
        }
        Optional<String> difference = ResultComparator.difference(
                name + " " + describe(MODES.get(0)) + " against DuckDB",
                expected.result(),
                firstPath.result(),
                query.order());
        return difference.map(d -> d + sqlLine);
    }

    private static String describe(ExecutionOptions mode) {
        return "[columnar " + (mode.columnar() ? "on" : "off") + ", " + mode.threads() + " thread"
                + (mode.threads() == 1 ? "" : "s") + "]";
    }

    private static Outcome run(Connection connection, String sql) {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(TIMEOUT_SECONDS);
            try (ResultSet resultSet = statement.executeQuery(sql)) {
                return new Outcome(QueryResult.read(resultSet), null, 0);
            }
        } catch (SQLException e) {
            int code = e.getErrorCode();
            Matcher matcher = VEIL_CODE.matcher(String.valueOf(e.getMessage()));
            if (matcher.find()) {
                code = Integer.parseInt(matcher.group(1));
            }
            return new Outcome(null, String.valueOf(e.getMessage()), code);
        }
    }

    /** {@code file}'s lines in {@code parts} files of about equal length (fewer if it is short). */
    private static List<Path> split(Path file, int parts) {
        try {
            List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
            int size = Math.max(1, (lines.size() + parts - 1) / parts);
            List<Path> out = new ArrayList<>();
            for (int from = 0, i = 0; from < lines.size(); from += size, i++) {
                Path part = file.resolveSibling(file.getFileName() + "." + i);
                Files.write(part, lines.subList(from, Math.min(lines.size(), from + size)), StandardCharsets.UTF_8);
                out.add(part);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
