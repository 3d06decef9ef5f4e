package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.ANA_PASSWORD;
import static dev.veil.jdbc.TestServer.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.exec.remote.TrinoGate;
import dev.veil.exec.remote.TrinoServer;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An analyst's queries over TPC-H tables that live in a real Trino ({@code tpch.tiny}, started by
 * the engine's {@link TrinoServer} harness; skipped without a Trino unless {@code
 * VEIL_REQUIRE_TRINO} is set), through the thin driver and a served warehouse: minimum group sizes
 * suppress the small groups Trino has, differentially private counts and sums agree with Trino's
 * exact answers (epsilon 1e9), a row-level query is refused, and for a DP count over orders Trino
 * did the heavy work (the statement Veil sent it sums each unit's bounded rows per group).
 */
@Timeout(value = 400, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class FederationIT {
    @TempDir
    static Path dir;

    private static TrinoServer trino;
    private static VeilServer server;
    private static String url;

    @BeforeAll
    static void start() throws Exception {
        trino = TrinoGate.start(0);
        Path warehouse = TestServer.createWarehouse(dir);
        server = VeilServer.start(ServerConfig.of(warehouse).withPort(0));
        url = server.jdbcUrl();
        try (Connection c = connect(url, "admin", ADMIN_PASSWORD);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA tpch");
            s.execute("CREATE CONNECTION lake TYPE TRINO URL '" + trino.url() + "' USER '" + TrinoServer.USER + "'");
            s.execute("IMPORT FOREIGN SCHEMA 'tpch.tiny' FROM CONNECTION lake INTO tpch");
            s.execute("ALTER TABLE tpch.customer SET PRIVACY UNIT (c_custkey)");
            s.execute("ALTER TABLE tpch.customer SET MIN GROUP SIZE 5");
            s.execute("ALTER TABLE tpch.orders SET PRIVACY UNIT VIA (o_custkey) REFERENCES tpch.customer (c_custkey)");
            s.execute(
                    "ALTER TABLE tpch.lineitem SET PRIVACY UNIT VIA (l_orderkey) REFERENCES tpch.orders (o_orderkey)");
            s.execute("ALTER TABLE tpch.lineitem ALTER COLUMN l_quantity SET POLICY AGGREGATE ONLY BOUNDS (0, 50)");
            for (String table : List.of("orders", "lineitem")) {
                s.execute("ALTER TABLE tpch." + table + " SET DIFFERENTIAL PRIVACY (EPSILON 1e9, DELTA 1e-5,"
                        + " MAX GROUPS PER UNIT 5, MAX ROWS PER UNIT PER GROUP 1000)");
            }
            s.execute("CREATE PRIVACY BUDGET lake_budget LIMIT (EPSILON 1e12, DELTA 0.5) WINDOW NEVER");
            s.execute("ALTER USER ana SET PRIVACY BUDGET lake_budget");
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (trino != null) {
            trino.close();
        }
    }

    private static Map<String, List<Number>> byKey(Connection c, String sql) throws SQLException {
        Map<String, List<Number>> rows = new LinkedHashMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Number> values = new ArrayList<>();
                for (int i = 2; i <= columns; i++) {
                    values.add((Number) rs.getObject(i));
                }
                rows.put(rs.getString(1), values);
            }
        }
        return rows;
    }

    @Test
    void minimumGroupSizesSuppressTheSmallGroupsTrinoHas() throws Exception {
        String query = "SELECT CAST(c_nationkey AS VARCHAR) || '/' || c_mktsegment AS k, COUNT(*) AS n"
                + " FROM $customer WHERE c_acctbal > 8000 GROUP BY c_nationkey, c_mktsegment";
        Map<String, List<Number>> truth;
        try (Connection direct = trino.connect()) {
            truth = byKey(direct, query.replace("$", "tpch.tiny."));
        }
        Map<String, List<Number>> released;
        try (Connection c = connect(url, "ana", ANA_PASSWORD)) {
            released = byKey(c, query.replace("$", "tpch."));
        }
        int small = 0;
        for (Map.Entry<String, List<Number>> group : truth.entrySet()) {
            long n = group.getValue().get(0).longValue();
            if (n < 5) {
                small++;
                assertFalse(released.containsKey(group.getKey()), group.toString());
            } else {
                assertEquals(n, released.get(group.getKey()).get(0).longValue(), group.toString());
            }
        }
        assertTrue(small > 0, "the query has groups below the minimum size: " + truth);
        assertEquals(truth.size() - small, released.size());
    }

    @Test
    void differentiallyPrivateAggregatesAgreeWithTrinoAndTrinoDidTheWork() throws Exception {
        String query = "SELECT l_returnflag, COUNT(*) AS n, SUM(l_quantity) AS q FROM $lineitem"
                + " WHERE l_linenumber > -7 GROUP BY l_returnflag";
        Map<String, List<Number>> truth;
        try (Connection direct = trino.connect()) {
            truth = byKey(direct, query.replace("$", "tpch.tiny."));
        }
        Map<String, List<Number>> released;
        try (Connection c = connect(url, "ana", ANA_PASSWORD)) {
            released = byKey(c, query.replace("$", "tpch."));
            // Rows of single people are not released.
            SQLException e = assertThrows(
                    SQLException.class, () -> byKey(c, "SELECT o_comment, o_totalprice" + " FROM tpch.orders"));
            assertFalse(e.getMessage().isEmpty());
        }
        assertEquals(truth.keySet(), released.keySet());
        for (String flag : truth.keySet()) {
            double n = truth.get(flag).get(0).doubleValue();
            double q = truth.get(flag).get(1).doubleValue();
            assertEquals(n, released.get(flag).get(0).doubleValue(), 1.0, flag);
            assertEquals(q, released.get(flag).get(1).doubleValue(), 1.0, flag);
        }
        // Over orders (whose unit is a column of the row), Trino bounds each unit's rows and sums
        // them per (group, unit): the statement Veil sent says so.
        String orders = "SELECT o_orderpriority, COUNT(*) AS n FROM $orders WHERE o_shippriority > -7"
                + " GROUP BY o_orderpriority";
        Map<String, List<Number>> exact;
        try (Connection direct = trino.connect()) {
            exact = byKey(direct, orders.replace("$", "tpch.tiny."));
        }
        Map<String, List<Number>> noisy;
        try (Connection c = connect(url, "ana", ANA_PASSWORD)) {
            noisy = byKey(c, orders.replace("$", "tpch."));
        }
        assertEquals(exact.keySet(), noisy.keySet());
        for (String priority : exact.keySet()) {
            assertEquals(
                    exact.get(priority).get(0).doubleValue(),
                    noisy.get(priority).get(0).doubleValue(),
                    1.0,
                    priority);
        }
        try (Connection direct = trino.connect();
                Statement s = direct.createStatement();
                ResultSet rs = s.executeQuery("SELECT query FROM system.runtime.queries WHERE source = 'veil'"
                        + " AND query LIKE '%veil_row%' AND query LIKE '%-7%' ORDER BY created DESC LIMIT 1")) {
            assertTrue(rs.next(), "Veil sent Trino a bounded statement");
            String sent = rs.getString(1);
            assertTrue(sent.contains("GROUP BY"), sent);
            assertTrue(sent.contains("\"tpch\".\"tiny\".\"orders\""), sent);
        }
    }
}
