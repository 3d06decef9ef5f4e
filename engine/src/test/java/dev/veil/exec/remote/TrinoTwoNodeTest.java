package dev.veil.exec.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Veil over a two-node Trino (a coordinator that also works, and one worker: two JVMs): the
 * statement Veil sends for an analyst's query runs as tasks on both nodes. Gated like
 * {@link ForeignTableTrinoTest}, and runs only when {@code VEIL_TRINO_TWO_NODE=1}: two Trino JVMs
 * take about 100 s on a busy 2-core machine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TrinoTwoNodeTest {
    @TempDir
    static Path dir;

    private TrinoServer trino;
    private Path wh;

    @BeforeAll
    void setUp() throws Exception {
        assumeTrue(
                "1".equals(System.getenv("VEIL_TRINO_TWO_NODE")),
                "the two-node Trino test runs with VEIL_TRINO_TWO_NODE=1");
        trino = TrinoGate.start(1);
        wh = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(wh)) {
            w.catalog().createSchema("tpch", true);
        }
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
            s.execute("CREATE USER ana PASSWORD 'ana-pw-long-secret'");
        }
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("CREATE CONNECTION lake TYPE TRINO URL '" + trino.url() + "' USER '" + TrinoServer.USER + "'");
            s.execute("CREATE FOREIGN TABLE tpch.customer FROM CONNECTION lake REMOTE 'tpch.tiny.customer'");
            s.execute("CREATE FOREIGN TABLE tpch.lineitem FROM CONNECTION lake REMOTE 'tpch.tiny.lineitem'");
            s.execute("CREATE FOREIGN TABLE tpch.orders FROM CONNECTION lake REMOTE 'tpch.tiny.orders'");
            s.execute("ALTER TABLE tpch.customer SET PRIVACY UNIT (c_custkey)");
            s.execute("ALTER TABLE tpch.orders SET PRIVACY UNIT VIA (o_custkey) REFERENCES tpch.customer (c_custkey)");
            s.execute(
                    "ALTER TABLE tpch.lineitem SET PRIVACY UNIT VIA (l_orderkey) REFERENCES tpch.orders (o_orderkey)");
            s.execute("ALTER TABLE tpch.lineitem SET MIN GROUP SIZE 5");
        }
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

    @Test
    void anAnalystsQueryRunsOnBothNodes() throws Exception {
        String query = "SELECT l_returnflag, l_linestatus, COUNT(*) AS two_node_marker, SUM(l_quantity)"
                + " FROM $ WHERE l_shipdate <= DATE '1998-09-02' GROUP BY l_returnflag, l_linestatus ORDER BY 1, 2";
        List<List<Object>> answer;
        try (Connection c = connect("ana")) {
            answer = ForeignTableTrinoTest.rows(c, query.replace("$", "tpch.lineitem"));
        }
        try (Connection direct = trino.connect()) {
            assertEquals(
                    List.of(List.of(2L)),
                    ForeignTableTrinoTest.rows(
                            direct, "SELECT COUNT(*) FROM system.runtime.nodes WHERE state = 'active'"));
            // Every group has hundreds of customers: the minimum group size drops none.
            ForeignTableTrinoTest.assertRows(
                    ForeignTableTrinoTest.rows(direct, query.replace("$", "tpch.tiny.lineitem")), answer, query);
            List<List<Object>> sent = ForeignTableTrinoTest.rows(
                    direct,
                    "SELECT query_id, query FROM system.runtime.queries WHERE source = 'veil'"
                            + " AND query LIKE '%two_node_marker%'");
            assertEquals(1, sent.size(), sent.toString());
            String sql = (String) sent.get(0).get(1);
            // The unit path (lineitem -> orders -> customer) is joined in Trino, with the threshold.
            assertTrue(sql.contains("COUNT(DISTINCT"), sql);
            assertTrue(sql.contains("JOIN"), sql);
            List<List<Object>> nodes = ForeignTableTrinoTest.rows(
                    direct,
                    "SELECT COUNT(DISTINCT node_id) FROM system.runtime.tasks WHERE query_id = '"
                            + sent.get(0).get(0) + "'");
            assertEquals(List.of(List.of(2L)), nodes, "tasks of " + sql);
            assertFalse(answer.isEmpty());
        }
    }
}
