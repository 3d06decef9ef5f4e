package dev.veil.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.bench.tpch.TpchData;
import dev.veil.bench.tpch.TpchLoader;
import dev.veil.bench.tpch.TpchQueries;
import dev.veil.bench.tpch.TpchSchema;
import dev.veil.catalog.Principals;
import dev.veil.exec.runtime.ExecutionOptions;
import dev.veil.server.VeilServer;
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
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each of the 22 TPC-H queries (scale factor 0.01) with the columnar layer on and off, on one
 * thread and on two, through the thin driver: the four runs must return exactly the same rows,
 * values and types (a DOUBLE sum to the last bit: two threads merge in segment order; rows whose
 * ORDER BY keys tie may come in either order), and the same rows in the same order as DuckDB. The tables are loaded in {@value #PARTS} parts each, so that every large
 * table has several segments and the two-thread paths (the parallel aggregation, the pipelined scan
 * of a DP aggregate) split real work.
 */
class TpchExecutionPathsTest {
    private static final double SCALE_FACTOR = 0.01;
    private static final String SCHEMA = "tpch";
    private static final int PARTS = 3;

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

    @BeforeAll
    static void load() throws Exception {
        server = TpchDifferentialTest.startServer(dir.resolve("warehouse"));
        Properties admin = new Properties();
        admin.setProperty("user", Principals.ADMIN);
        admin.setProperty("password", TpchDifferentialTest.ADMIN_PASSWORD);
        engine = DriverManager.getConnection(server.jdbcUrl(), admin);
        Map<String, Path> files = TpchData.generate(SCALE_FACTOR, dir.resolve("data"));
        TpchLoader.createTables(engine, SCHEMA);
        for (String table : TpchSchema.TABLES) {
            for (Path part : split(files.get(table), PARTS)) {
                TpchLoader.copy(engine, TpchLoader.Dialect.VEIL, SCHEMA, table, part);
            }
        }
        reference = DriverManager.getConnection("jdbc:duckdb:");
        TpchLoader.load(reference, TpchLoader.Dialect.DUCKDB, SCHEMA, files);
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

    @AfterEach
    void restore() {
        ExecutionOptions.set(ExecutionOptions.DEFAULT);
    }

    @AfterAll
    static void close() throws SQLException {
        try (Connection first = engine;
                Connection second = reference) {
            // closes both, even if one fails
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }

    static List<String> queries() {
        return TpchQueries.NAMES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    @Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void everyPathReturnsTheSameRows(String query) throws SQLException {
        String sql = TpchQueries.sql(query);
        QueryResult expected = run(reference, sql);
        QueryResult first = null;
        for (ExecutionOptions mode : MODES) {
            ExecutionOptions.set(mode);
            QueryResult actual = run(engine, sql);
            ResultComparator.assertSameResult(
                    query + " " + mode, expected, actual, TpchDifferentialTest.ORDERS.get(query));
            if (first == null) {
                first = actual;
            } else {
                assertEquals(first.columnNames(), actual.columnNames(), query + " " + mode);
                assertEquals(canonical(first), canonical(actual), query + " " + mode + " against " + MODES.get(0));
            }
        }
    }

    /**
     * The rows in one order (rows whose ORDER BY keys tie may come in either order from two plans),
     * each value exactly as returned: a DOUBLE to the last bit, a DECIMAL with its scale.
     */
    private static List<String> canonical(QueryResult result) {
        List<String> rows = new ArrayList<>();
        for (List<Object> row : result.rows()) {
            StringBuilder text = new StringBuilder();
            for (Object value : row) {
                text.append(value == null ? "NULL" : value.getClass().getSimpleName() + ":" + value)
                        .append('|');
            }
            rows.add(text.toString());
        }
        rows.sort(null);
        return rows;
    }

    @Test
    void theColumnarSwitchChangesThePlan() throws SQLException {
        String q01 = TpchQueries.sql("q01");
        String q03 = TpchQueries.sql("q03");
        ExecutionOptions.set(ExecutionOptions.DEFAULT);
        assertTrue(plan(q01).contains("ArrowAggregateScan"));
        assertTrue(plan(q03).contains("LongHashJoin"));
        ExecutionOptions.set(ExecutionOptions.DEFAULT.withColumnar(false));
        assertFalse(plan(q01).contains("ArrowAggregateScan"));
        assertFalse(plan(q03).contains("LongHashJoin"));
    }

    private static String plan(String sql) throws SQLException {
        StringBuilder text = new StringBuilder();
        try (Statement statement = engine.createStatement();
                ResultSet rs = statement.executeQuery("EXPLAIN PLAN FOR " + sql)) {
            while (rs.next()) {
                text.append(rs.getString(1)).append('\n');
            }
        }
        return text.toString();
    }

    private static QueryResult run(Connection connection, String sql) throws SQLException {
        return TpchDifferentialTest.run(connection, connection == reference ? "DuckDB" : "Veil", "", sql);
    }
}
