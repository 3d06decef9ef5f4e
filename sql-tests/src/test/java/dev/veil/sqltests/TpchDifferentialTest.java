package dev.veil.sqltests;

import static java.util.Map.entry;

import dev.veil.bench.tpch.TpchData;
import dev.veil.bench.tpch.TpchLoader;
import dev.veil.bench.tpch.TpchQueries;
import dev.veil.catalog.Principals;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Runs the 22 TPC-H queries at scale factor 0.01 on the engine under test and on DuckDB, and
 * requires the same results.
 *
 * <p>The engine under test is reached through the JDBC URL in system property
 * {@value #URL_PROPERTY}; by default it is a Veil server on an ephemeral port, serving a fresh
 * warehouse in a temporary directory, reached through the thin driver as admin. A
 * {@code jdbc:veil:embedded:DIR;create=true} URL runs Veil in-process instead, and a
 * {@code jdbc:duckdb:} URL runs DuckDB against DuckDB, which checks the harness itself. The
 * data is generated once per class and loaded into both with {@code COPY}, in each side's
 * dialect.
 */
class TpchDifferentialTest {
    /** System property holding the JDBC URL of the engine under test. */
    static final String URL_PROPERTY = "veil.tpch.url";

    private static final double SCALE_FACTOR = 0.01;
    private static final String SCHEMA = "tpch";

    /** The ORDER BY keys of each query, as 1-based output columns; single-row queries are unordered. */
    static final Map<String, RowOrder> ORDERS = Map.ofEntries(
            entry("q01", RowOrder.by(1, 2)),
            entry("q02", RowOrder.by(1, 3, 2, 4)),
            entry("q03", RowOrder.by(2, 3)),
            entry("q04", RowOrder.by(1)),
            entry("q05", RowOrder.by(2)),
            entry("q06", RowOrder.UNORDERED),
            entry("q07", RowOrder.by(1, 2, 3)),
            entry("q08", RowOrder.by(1)),
            entry("q09", RowOrder.by(1, 2)),
            entry("q10", RowOrder.by(3)),
            entry("q11", RowOrder.by(2)),
            entry("q12", RowOrder.by(1)),
            entry("q13", RowOrder.by(2, 1)),
            entry("q14", RowOrder.UNORDERED),
            entry("q15", RowOrder.by(1)),
            entry("q16", RowOrder.by(4, 1, 2, 3)),
            entry("q17", RowOrder.UNORDERED),
            entry("q18", RowOrder.by(5, 4)),
            entry("q19", RowOrder.UNORDERED),
            entry("q20", RowOrder.by(1)),
            entry("q21", RowOrder.by(2, 1)),
            entry("q22", RowOrder.by(1)));

    @TempDir
    static Path dir;

    static final String ADMIN_PASSWORD = "tpch-admin-pw";

    private static Connection reference;
    private static Connection engine;
    private static VeilServer server;

    @BeforeAll
    static void loadBothEngines() throws Exception {
        String url = System.getProperty(URL_PROPERTY, "").strip();
        if (url.isEmpty()) {
            server = startServer(dir.resolve("warehouse"));
            url = server.jdbcUrl();
            Properties admin = new Properties();
            admin.setProperty("user", Principals.ADMIN);
            admin.setProperty("password", ADMIN_PASSWORD);
            engine = DriverManager.getConnection(url, admin);
        } else {
            engine = connect(url);
        }
        Map<String, Path> files = TpchData.generate(SCALE_FACTOR, dir.resolve("data"));
        TpchLoader.load(engine, TpchLoader.Dialect.forJdbcUrl(url), SCHEMA, files);
        reference = DriverManager.getConnection("jdbc:duckdb:");
        TpchLoader.load(reference, TpchLoader.Dialect.DUCKDB, SCHEMA, files);
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

    /** A fresh warehouse with an admin user, served on an ephemeral port. */
    static VeilServer startServer(Path warehouse) {
        try (Warehouse w = Warehouse.create(warehouse)) {
            w.catalog().createSchema("public", true);
            new Principals(w.sqliteCatalog()).createUser(Principals.ADMIN, ADMIN_PASSWORD, Principals.ADMIN, false);
        }
        return VeilServer.start(ServerConfig.of(warehouse).withPort(0));
    }

    static List<String> queries() {
        return TpchQueries.NAMES;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void queryGivesTheSameResultAsDuckDb(String query) throws SQLException {
        String sql = TpchQueries.sql(query);
        QueryResult expected = run(reference, "DuckDB", query, sql);
        QueryResult actual = run(engine, "the engine under test", query, sql);
        ResultComparator.assertSameResult(query, expected, actual, ORDERS.get(query));
    }

    static QueryResult run(Connection connection, String side, String query, String sql) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            return QueryResult.read(resultSet);
        } catch (SQLException e) {
            throw new SQLException(
                    query + " failed on " + side + ": " + e.getMessage(), e.getSQLState(), e.getErrorCode(), e);
        }
    }

    private static Connection connect(String url) throws SQLException {
        try {
            DriverManager.getDriver(url);
        } catch (SQLException e) {
            throw new SQLException(
                    "No JDBC driver accepts " + url + "; to check only the harness, run with -D" + URL_PROPERTY
                            + "=jdbc:duckdb:",
                    e);
        }
        return DriverManager.getConnection(url);
    }
}
