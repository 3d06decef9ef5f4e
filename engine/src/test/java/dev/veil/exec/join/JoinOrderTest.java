package dev.veil.exec.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.session.EmbeddedWarehouse;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Plans over a small star schema (a 20,000-row fact table, dimensions of 1,000 and 25 rows):
 * the column statistics must make every hash join probe with the fact side and build on the
 * dimension side, however the query lists the tables.
 */
class JoinOrderTest {
    @TempDir
    Path dir;

    private EmbeddedWarehouse warehouse;
    private Connection connection;
    private Statement statement;

    @BeforeEach
    void open() throws Exception {
        warehouse = EmbeddedWarehouse.create(dir);
        connection = warehouse.connection();
        statement = warehouse.statement();
        statement.execute("CREATE SCHEMA s");
        statement.execute("CREATE TABLE s.sales (sale_id BIGINT NOT NULL, store_id BIGINT NOT NULL, "
                + "amount DECIMAL(12,2) NOT NULL, sold DATE NOT NULL)");
        statement.execute("CREATE TABLE s.store (store_id BIGINT NOT NULL, region_id BIGINT NOT NULL, name VARCHAR)");
        statement.execute("CREATE TABLE s.region (region_id BIGINT NOT NULL, name VARCHAR NOT NULL)");
        load("sales", 20_000, i -> i + "," + (i % 1000) + "," + (i % 97) + ".25,2024-01-" + (1 + i % 28));
        load("store", 1_000, i -> i + "," + (i % 25) + ",store " + i);
        load("region", 25, i -> i + ",region " + i);
    }

    private interface Line {
        String of(int i);
    }

    private void load(String table, int rows, Line line) throws IOException, SQLException {
        warehouse.load("s", table, EmbeddedWarehouse.lines(rows, line::of), "HEADER = FALSE");
    }

    @AfterEach
    void close() throws Exception {
        warehouse.close();
    }

    private List<String> plan(String sql) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery("EXPLAIN PLAN FOR " + sql)) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return lines;
    }

    @Test
    void hashJoinsBuildOnTheDimensionsWhateverTheWrittenOrder() throws SQLException {
        String sql = "SELECT r.name, SUM(f.amount) FROM s.region r, s.store d, s.sales f "
                + "WHERE f.store_id = d.store_id AND d.region_id = r.region_id AND r.name = 'region 3' "
                + "GROUP BY r.name";
        List<String> plan = plan(sql);
        String text = String.join("\n", plan);
        // The joins by their text: a SemiJoinScan shows the join of region and store as its build
        // side and again within the join it falls back to.
        Set<String> joins = new HashSet<>();
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).contains("HashJoin(")) {
                joins.add(plan.get(i).trim());
                assertFalse(subtree(plan, i, 1).contains("sales"), "the fact table is on a build side:\n" + text);
            }
        }
        assertEquals(2, joins.size(), text);
        try (ResultSet rs = statement.executeQuery(sql)) {
            assertTrue(rs.next());
            assertEquals("region 3", rs.getString(1));
            // stores 3, 28, ..., 978 (40 stores); each has 20 sales.
            assertEquals(expectedRegion3Total(), rs.getBigDecimal(2).doubleValue(), 1e-6);
            assertFalse(rs.next());
        }
    }

    @Test
    void aSingleJoinBuildsOnItsSmallerInputWhateverTheWrittenOrder() throws SQLException {
        for (String from : List.of("s.store d, s.sales f", "s.sales f, s.store d")) {
            String sql = "SELECT COUNT(*), SUM(f.amount) FROM " + from
                    + " WHERE f.store_id = d.store_id AND d.region_id = 3";
            List<String> plan = plan(sql);
            String text = String.join("\n", plan);
            int join = firstHashJoin(plan);
            assertTrue(join >= 0, text);
            assertFalse(subtree(plan, join, 1).contains("sales"), "the fact table is on the build side:\n" + text);
            try (ResultSet rs = statement.executeQuery(sql)) {
                assertTrue(rs.next());
                assertEquals(800, rs.getLong(1));
                assertEquals(expectedRegion3Total(), rs.getBigDecimal(2).doubleValue(), 1e-6);
            }
        }
    }

    private static double expectedRegion3Total() {
        double total = 0;
        for (int i = 0; i < 20_000; i++) {
            if ((i % 1000) % 25 == 3) {
                total += (i % 97) + 0.25;
            }
        }
        return total;
    }

    @Test
    void integerKeysJoinOnPrimitiveKeysAndOtherKeysOnCalcitesHashJoin() throws SQLException {
        String ints = String.join(
                "\n",
                plan("SELECT d.name, f.amount FROM s.sales f JOIN s.store d ON f.store_id = d.store_id "
                        + "WHERE d.region_id = 3"));
        assertTrue(ints.contains("EnumerableLongHashJoin(condition=[=($"), ints);
        assertFalse(ints.contains("EnumerableHashJoin"), ints);
        // The build side still publishes its keys to the probe side's scan.
        assertTrue(ints.contains("DynamicFilterSource"), ints);
        assertTrue(ints.contains("dynamicFilters="), ints);
        String semi = String.join(
                "\n",
                plan("SELECT COUNT(*) FROM s.store d WHERE NOT EXISTS "
                        + "(SELECT 1 FROM s.region r WHERE r.region_id = d.region_id AND r.name = 'region 3')"));
        assertTrue(semi.contains("EnumerableLongHashJoin"), semi);
        String strings = String.join("\n", plan("SELECT COUNT(*) FROM s.store d JOIN s.region r ON d.name = r.name"));
        assertTrue(strings.contains("EnumerableHashJoin"), strings);
        assertFalse(strings.contains("EnumerableLongHashJoin"), strings);
        try (ResultSet rs = statement.executeQuery(
                "SELECT COUNT(*), SUM(f.amount) FROM s.sales f JOIN s.store d ON f.store_id = d.store_id "
                        + "WHERE d.region_id = 3")) {
            assertTrue(rs.next());
            assertEquals(800, rs.getLong(1));
            assertEquals(expectedRegion3Total(), rs.getBigDecimal(2).doubleValue(), 1e-6);
        }
    }

    @Test
    void anOrAcrossTablesAlsoFiltersEachTablesScan() throws SQLException {
        String sql = "SELECT COUNT(*), MIN(d.store_id), MAX(d.store_id) FROM s.store d, s.region r "
                + "WHERE d.region_id = r.region_id AND ((r.name = 'region 3' AND d.name = 'store 3') "
                + "OR (r.name = 'region 4' AND d.name = 'store 4') OR (r.name = 'region 4' AND d.name = 'store 5'))";
        List<String> plan = plan(sql);
        String text = String.join("\n", plan);
        // Implied by the OR: region name in (3, 4) and store name in (3, 4, 5), each inside its scan.
        String regionScan =
                plan.stream().filter(l -> l.contains("region]]")).findFirst().orElseThrow();
        String storeScan =
                plan.stream().filter(l -> l.contains("store]]")).findFirst().orElseThrow();
        assertTrue(regionScan.contains("'region 3'") && regionScan.contains("'region 4'"), text);
        assertTrue(storeScan.contains("'store 3'") && storeScan.contains("'store 5'"), text);
        try (ResultSet rs = statement.executeQuery(sql)) {
            assertTrue(rs.next());
            // store 3 is in region 3 and store 4 in region 4; store 5 is in region 5, not 4.
            assertEquals(2, rs.getLong(1));
            assertEquals(3, rs.getLong(2));
            assertEquals(4, rs.getLong(3));
        }
    }

    @Test
    void constantDateArithmeticIsFoldedIntoTheScanFilter() throws SQLException {
        String text = String.join(
                "\n", plan("SELECT COUNT(*) FROM s.sales " + "WHERE sold < DATE '2024-01-01' + INTERVAL '10' DAY"));
        assertTrue(text.contains("filter=[<($3, 2024-01-11)]"), text);
        assertFalse(text.contains("INTERVAL"), text);
        try (ResultSet rs = statement.executeQuery(
                "SELECT COUNT(*) FROM s.sales " + "WHERE sold < DATE '2024-01-01' + INTERVAL '10' DAY")) {
            assertTrue(rs.next());
            long expected = 0;
            for (int i = 0; i < 20_000; i++) {
                expected += 1 + i % 28 < 11 ? 1 : 0;
            }
            assertEquals(expected, rs.getLong(1));
        }
    }

    @Test
    void scanOutputsOnlyTheColumnsAboveItNeed() throws SQLException {
        // sold is read by the pushed-down filter only; the scan need not output it. (Not an aggregate,
        // which would fuse the scan into an ArrowAggregateScan.)
        String text = String.join("\n", plan("SELECT amount * 2 FROM s.sales WHERE sold > DATE '2024-01-20'"));
        assertTrue(text.contains("projects=[[2]]"), text);
    }

    @Test
    void aLikeWithALongFixedPartIsEstimatedSelectiveEnoughToBuildOn() throws SQLException, IOException {
        // 100,000 items, 2% of them labelled with the needle: Calcite's guess of a quarter would
        // make the filtered items (25,000) larger than the 20,000 sales and put the sales on the
        // build side; six fixed characters keep 0.6^6 (5%, 4,700 items), so the items are built on.
        statement.execute("CREATE TABLE s.item (item_id BIGINT NOT NULL, label VARCHAR NOT NULL)");
        load("item", 100_000, i -> i + ",item " + i + (i % 50 == 0 ? " needle" : ""));
        String sql = "SELECT COUNT(*) FROM s.sales f JOIN s.item i ON f.sale_id = i.item_id "
                + "WHERE i.label LIKE '%needle%'";
        List<String> plan = plan(sql);
        String text = String.join("\n", plan);
        int join = firstHashJoin(plan);
        assertTrue(join >= 0, text);
        assertTrue(subtree(plan, join, 1).contains("item"), "the items are not the build side:\n" + text);
        try (ResultSet rs = statement.executeQuery(sql)) {
            assertTrue(rs.next());
            assertEquals(400, rs.getLong(1));
        }
        // NOT LIKE keeps Calcite's guess; the query still runs.
        try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM s.sales f JOIN s.item i "
                + "ON f.sale_id = i.item_id WHERE i.label NOT LIKE '%needle%'")) {
            assertTrue(rs.next());
            assertEquals(19_600, rs.getLong(1));
        }
    }

    @Test
    void aSemiJoinIsEstimatedByTheShareOfKeysItKeepsSoAnAggregationProbesIt() throws SQLException, IOException {
        // TPC-H Q20's shape: the 4,000 parts of one group (a semi join keeping 1/100 of them) joined
        // with the sales summed per store (1,000 sums). The semi join was estimated to keep every
        // part, more rows than the sums, so the sums were hashed; estimated from the keys'
        // population it keeps 40, so the sums probe it and their scan takes its keys as a dynamic filter.
        statement.execute("CREATE TABLE s.part (k BIGINT NOT NULL, g BIGINT NOT NULL)");
        statement.execute("CREATE TABLE s.grp (g BIGINT NOT NULL, name VARCHAR NOT NULL)");
        load("part", 4_000, i -> i + "," + (i % 100));
        load("grp", 100, i -> i + ",grp " + i);
        String sql = "SELECT COUNT(*), SUM(a.total) FROM (SELECT k FROM s.part WHERE g IN "
                + "(SELECT g FROM s.grp WHERE name = 'grp 3')) p JOIN "
                + "(SELECT store_id, SUM(amount) AS total FROM s.sales GROUP BY store_id) a ON a.store_id = p.k";
        String text = String.join("\n", plan(sql));
        assertTrue(
                text.lines().anyMatch(l -> l.contains("ArrowAggregateScan") && l.contains("dynamicFilters")),
                "the sums are not the probe side:\n" + text);
        try (ResultSet rs = statement.executeQuery(sql)) {
            assertTrue(rs.next());
            assertEquals(10, rs.getLong(1));
            java.math.BigDecimal total = java.math.BigDecimal.ZERO;
            for (int i = 0; i < 20_000; i++) {
                if ((i % 1000) % 100 == 3) {
                    total = total.add(new java.math.BigDecimal((i % 97) + ".25"));
                }
            }
            assertEquals(total, rs.getBigDecimal(2));
        }
    }

    /** The lines of the {@code child}-th (0-based) input of the operator at line {@code at}. */
    /** The line of the plan's first hash join, or -1. */
    private static int firstHashJoin(List<String> plan) {
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).contains("HashJoin(")) {
                return i;
            }
        }
        return -1;
    }

    private static String subtree(List<String> plan, int at, int child) {
        int depth = indent(plan.get(at));
        int seen = -1;
        StringBuilder out = new StringBuilder();
        for (int i = at + 1; i < plan.size() && indent(plan.get(i)) > depth; i++) {
            if (indent(plan.get(i)) == depth + 2) {
                seen++;
            }
            if (seen == child) {
                out.append(plan.get(i)).append('\n');
            }
        }
        return out.toString();
    }

    private static int indent(String line) {
        int n = 0;
        while (n < line.length() && line.charAt(n) == ' ') {
            n++;
        }
        return n;
    }
}
