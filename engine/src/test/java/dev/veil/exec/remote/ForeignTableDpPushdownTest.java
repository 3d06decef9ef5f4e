package dev.veil.exec.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.storage.Warehouse;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The DP versions of the TPC-H queries of {@code veil bench federation} over Trino's
 * {@code tpch.tiny} as foreign tables, under the benchmark's policies (customer as the unit, fixed
 * value bounds): each one's DP aggregate reads rows that Trino bounded and summed per (group,
 * unit), so what Veil fetches is proportional to groups × units, never to the raw rows; with
 * bounds every unit fits in and epsilon 1e12, the answers are Trino's own up to noise of scale ~0.01. The clamps of the
 * bounded columns and the arithmetic over them run in Trino ({@link RemoteExpressions}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForeignTableDpPushdownTest {
    @TempDir
    static Path dir;

    private TrinoServer trino;
    private Path wh;

    @BeforeAll
    void setUp() throws Exception {
        trino = TrinoGate.start(0);
        wh = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(wh)) {
            w.catalog().createSchema("tpch", true);
        }
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
            s.execute("CREATE CONNECTION lake TYPE TRINO URL '" + trino.url() + "' USER '" + TrinoServer.USER + "'");
            s.execute("IMPORT FOREIGN SCHEMA 'tpch.tiny' FROM CONNECTION lake INTO tpch");
            s.execute("ALTER TABLE tpch.customer SET PRIVACY UNIT (c_custkey)");
            s.execute("ALTER TABLE tpch.orders SET PRIVACY UNIT VIA (o_custkey) REFERENCES tpch.customer (c_custkey)");
            s.execute(
                    "ALTER TABLE tpch.lineitem SET PRIVACY UNIT VIA (l_orderkey) REFERENCES tpch.orders (o_orderkey)");
            bounds(s, "lineitem", "l_quantity", "0", "50");
            bounds(s, "lineitem", "l_extendedprice", "0", "105000");
            bounds(s, "lineitem", "l_discount", "0", "0.1");
            bounds(s, "lineitem", "l_tax", "0", "0.08");
            bounds(s, "orders", "o_totalprice", "0", "600000");
            bounds(s, "customer", "c_acctbal", "-1000", "10000");
            for (String table : List.of("customer", "orders", "lineitem")) {
                // Epsilon 1e12: a unit's sum may reach 10,000 rows x 105,000 in each of 8 groups, so
                // at 1e9 the noise's scale was ~10 and a draw past the tolerance below (~0.1% of
                // sums) failed CI once; at 1e12 it is ~0.01 and such a draw has no real chance.
                s.execute("ALTER TABLE tpch." + table + " SET DIFFERENTIAL PRIVACY (EPSILON 1e12, DELTA 1e-5,"
                        + " MAX GROUPS PER UNIT 8, MAX ROWS PER UNIT PER GROUP 10000)");
            }
            s.execute("CREATE PRIVACY BUDGET big LIMIT (EPSILON 1e15, DELTA 0.5) WINDOW NEVER");
            s.execute("CREATE USER dana PASSWORD 'dana-pw-long-secret' ROLE analyst");
            s.execute("ALTER USER dana SET PRIVACY BUDGET big");
        }
    }

    private static void bounds(Statement s, String table, String column, String low, String high) throws SQLException {
        s.execute("ALTER TABLE tpch." + table + " ALTER COLUMN " + column + " SET POLICY AGGREGATE ONLY BOUNDS (" + low
                + ", " + high + ")");
    }

    @AfterAll
    void tearDown() {
        if (trino != null) {
            trino.close();
        }
    }

    private Connection connect(String user) throws SQLException {
        return ForeignTests.connect(wh, user);
    }

    static final String Q3 = "select count(*) as lines, sum(l_extendedprice * (1 - l_discount)) as revenue"
            + " from tpch.customer, tpch.orders, tpch.lineitem where c_mktsegment = 'BUILDING'"
            + " and c_custkey = o_custkey and l_orderkey = o_orderkey and o_orderdate < date '1995-03-15'"
            + " and l_shipdate > date '1995-03-15'";
    static final String Q10 = "select count(*) as lines, sum(l_extendedprice * (1 - l_discount)) as revenue"
            + " from tpch.customer, tpch.orders, tpch.lineitem, tpch.nation where c_custkey = o_custkey"
            + " and l_orderkey = o_orderkey and o_orderdate >= date '1993-10-01' and o_orderdate < date '1994-01-01'"
            + " and l_returnflag = 'R' and c_nationkey = n_nationkey";
    static final String Q18 = "select count(*) as lines, sum(l_quantity) as quantity from tpch.customer, tpch.orders,"
            + " tpch.lineitem where o_orderkey in (select l_orderkey from tpch.lineitem group by l_orderkey"
            + " having sum(l_quantity) > 250) and c_custkey = o_custkey and o_orderkey = l_orderkey";

    static Stream<Arguments> queries() throws IOException {
        return Stream.of(
                Arguments.of("q01", resource("q01")),
                Arguments.of("q03", Q3),
                Arguments.of("q05", resource("q05")),
                Arguments.of("q06", resource("q06")),
                Arguments.of("q10", Q10),
                Arguments.of("q12", resource("q12")),
                Arguments.of("q18", Q18));
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = ForeignTableDpPushdownTest.class.getResourceAsStream("/tpch/" + name + ".sql")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("queries")
    void dpVersionIsSummedPerGroupAndUnitInTrinoAndAnswersAsTrinoDoes(String name, String sql) throws Exception {
        String marker = "> -" + (1000 + name.hashCode() % 1000);
        String asked = sql.replaceFirst("(?i)\\bwhere\\b", "where l_linenumber " + marker + " and");
        List<List<Object>> noisy;
        try (Connection c = connect("dana")) {
            noisy = ForeignTableTrinoTest.rows(c, asked);
        }
        List<List<Object>> exact;
        try (Connection direct = trino.connect()) {
            exact = ForeignTableTrinoTest.rows(direct, asked.replace("tpch.", "tpch.tiny."));
        }
        // Every unit's rows fit in the bounds, so with epsilon 1e12 the answers are Trino's up to
        // the noise (and a sum's rounding).
        assertEquals(exact.size(), noisy.size(), name + ": " + exact + " vs " + noisy);
        for (int r = 0; r < exact.size(); r++) {
            for (int i = 0; i < exact.get(r).size(); i++) {
                Object e = exact.get(r).get(i);
                Object n = noisy.get(r).get(i);
                if (e instanceof Number x && n instanceof Number y) {
                    double a = x.doubleValue();
                    assertEquals(a, y.doubleValue(), 1e-4 * Math.abs(a) + 50, name + " row " + r + ": " + noisy);
                } else {
                    assertEquals(String.valueOf(e), String.valueOf(n), name + " row " + r);
                }
            }
        }
        // What Trino ran: the bounded rows summed per (group, unit) in one aggregation, so one row
        // per cell came back.
        String sent = sentTo(marker);
        assertTrue(sent.contains("array_agg("), sent);
        assertTrue(sent.contains(") AS \"q\""), sent);
        assertFalse(sent.contains("ROW_NUMBER"), sent);
        assertFalse(sent.contains("VEIL_"), sent);
    }

    @Test
    void preSummedStatementAggregatesInOneStepAndTheConnectionForgetsTheSetting() throws Exception {
        try (Connection c = connect("dana")) {
            ForeignTableTrinoTest.rows(
                    c,
                    "select l_returnflag, count(*), sum(l_quantity) from tpch.lineitem"
                            + " where l_linenumber > -2999 group by l_returnflag");
        }
        // The next statement on the pool takes the same connection (the most recently released).
        try (Connection c = connect(null)) {
            ForeignTableTrinoTest.rows(c, "select count(*) as zz_after_dp from tpch.nation where n_nationkey > -7");
        }
        String dp = queryInfo(queryId("> -2999"));
        assertTrue(dp.contains("array_agg("), dp);
        assertTrue(dp.matches("(?s).*\"prefer_partial_aggregation\"\\s*:\\s*\"false\".*"), dp);
        String after = queryInfo(queryId("zz_after_dp"));
        assertFalse(after.contains("prefer_partial_aggregation"), after);
    }

    /** The id of the last statement Veil sent to Trino whose text contains {@code marker}. */
    private String queryId(String marker) throws SQLException {
        try (Connection direct = trino.connect()) {
            List<List<Object>> ids = ForeignTableTrinoTest.rows(
                    direct,
                    "SELECT query_id FROM system.runtime.queries WHERE source = 'veil' AND query LIKE '%" + marker
                            + "%' AND query NOT LIKE '%system.runtime%' ORDER BY created DESC LIMIT 1");
            assertEquals(1, ids.size(), marker);
            return (String) ids.get(0).get(0);
        }
    }

    /** Trino's JSON information on query {@code id} (its text, session properties, statistics). */
    private String queryInfo(String id) throws IOException {
        String base = trino.url().replace("jdbc:trino://", "http://");
        HttpURLConnection http =
                (HttpURLConnection) URI.create(base + "/v1/query/" + id).toURL().openConnection();
        http.setRequestProperty("X-Trino-User", TrinoServer.USER);
        try (InputStream in = http.getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } finally {
            http.disconnect();
        }
    }

    /** The last statement Veil sent to Trino whose text contains {@code marker}. */
    private String sentTo(String marker) throws SQLException {
        try (Connection direct = trino.connect()) {
            List<List<Object>> sent = ForeignTableTrinoTest.rows(
                    direct,
                    "SELECT query FROM system.runtime.queries WHERE source = 'veil' AND query LIKE '%" + marker
                            + "%' AND query NOT LIKE '%system.runtime%' ORDER BY created DESC LIMIT 1");
            assertEquals(1, sent.size(), marker);
            return (String) sent.get(0).get(0);
        }
    }
}
