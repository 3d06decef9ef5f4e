package dev.veil.exec.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.session.EmbeddedWarehouse;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Dynamic join filters and the scan's own predicates, through SQL: plans place the filters where
 * they may skip rows and nowhere else, and every query returns what the data says. A fact table
 * of 150,000 rows (three Arrow batches, so filters published during a scan meet later batches)
 * references a dimension of 1,000 keys; some fact keys are NULL or match no dimension row.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DynamicFilterTest {
    private static final int FACTS = 150_000;

    private Path dir;
    private EmbeddedWarehouse warehouse;
    private Connection connection;
    private Statement statement;

    /** Fact row i: key NULL every 11th row, else i % 1200 (keys 1000..1199 match no dimension row). */
    private static Long factKey(int i) {
        return i % 11 == 0 ? null : (long) (i % 1200);
    }

    private static int factDay(int i) {
        return 1 + i % 28;
    }

    private static int factDue(int i) {
        return i % 13 == 0 ? -1 : 1 + (i * 7) % 28; // -1: NULL
    }

    private static String dimName(int k) {
        return k % 4 == 0 ? "é" + k : "n" + k;
    }

    @BeforeAll
    void open(@TempDir Path tempDir) throws Exception {
        dir = tempDir;
        warehouse = EmbeddedWarehouse.create(dir);
        connection = warehouse.connection();
        statement = warehouse.statement();
        statement.execute("CREATE SCHEMA s");
        statement.execute("CREATE TABLE s.fact (id BIGINT NOT NULL, k BIGINT, day DATE NOT NULL, due DATE, "
                + "amount DECIMAL(12,2) NOT NULL)");
        statement.execute("CREATE TABLE s.dim (k BIGINT NOT NULL, grp INTEGER NOT NULL, name VARCHAR NOT NULL)");
        StringBuilder facts = new StringBuilder();
        for (int i = 0; i < FACTS; i++) {
            Long k = factKey(i);
            int due = factDue(i);
            facts.append(i)
                    .append(',')
                    .append(k == null ? "" : k.toString())
                    .append(",2024-01-")
                    .append(two(factDay(i)))
                    .append(',')
                    .append(due < 0 ? "" : "2024-01-" + two(due))
                    .append(',')
                    .append(i % 100)
                    .append(".50\n");
        }
        load("fact", facts);
        StringBuilder dims = new StringBuilder();
        for (int k = 0; k < 1000; k++) {
            dims.append(k)
                    .append(',')
                    .append(k % 10)
                    .append(',')
                    .append(dimName(k))
                    .append('\n');
        }
        load("dim", dims);
    }

    private static String two(int d) {
        return d < 10 ? "0" + d : Integer.toString(d);
    }

    private void load(String table, CharSequence csv) throws IOException, SQLException {
        warehouse.load("s", table, csv, "HEADER = FALSE, NULL = ''");
    }

    @AfterAll
    void close() throws Exception {
        warehouse.close();
    }

    private String plan(String sql) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery("EXPLAIN PLAN FOR " + sql)) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return String.join("\n", lines);
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    @Test
    void innerJoinProbeScanSkipsKeysTheBuildSideLacks() throws SQLException {
        String sql = "SELECT COUNT(*), SUM(f.amount) FROM s.fact f JOIN s.dim d ON f.k = d.k WHERE d.grp = 3";
        String text = plan(sql);
        assertTrue(text.contains("DynamicFilterSource"), text);
        assertTrue(text.contains("table=[[s, fact]]") && text.contains("dynamicFilters=[[$1 IN DF"), text);
        long count = 0;
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < FACTS; i++) {
            Long k = factKey(i);
            if (k != null && k < 1000 && k % 10 == 3) {
                count++;
                sum = sum.add(new BigDecimal((i % 100) + ".50"));
            }
        }
        assertEquals(List.of(count + "|" + sum), rows(sql));
    }

    @Test
    void wholeTableBuildSideCollectsNoFilter() throws SQLException {
        // TPC-H Q14's lineitem JOIN part: every key of the table is in the build side, so its key
        // set would skip only probe rows whose key the table lacks; it is not collected.
        String sql = "SELECT COUNT(*), SUM(f.amount) FROM s.fact f JOIN s.dim d ON f.k = d.k";
        String text = plan(sql);
        assertFalse(text.contains("dynamicFilters") || text.contains("DynamicFilterSource"), text);
        long count = 0;
        BigDecimal sum = BigDecimal.ZERO;
        for (int i = 0; i < FACTS; i++) {
            Long k = factKey(i);
            if (k != null && k < 1000) {
                count++;
                sum = sum.add(new BigDecimal((i % 100) + ".50"));
            }
        }
        assertEquals(List.of(count + "|" + sum), rows(sql));
    }

    @Test
    void leftJoinKeepsProbeRowsWithoutMatch() throws SQLException {
        String sql = "SELECT COUNT(*), COUNT(d.k) FROM s.fact f LEFT JOIN s.dim d ON f.k = d.k AND d.grp = 3";
        assertFalse(plan(sql).contains("dynamicFilters"), plan(sql));
        long matched = 0;
        for (int i = 0; i < FACTS; i++) {
            Long k = factKey(i);
            matched += k != null && k < 1000 && k % 10 == 3 ? 1 : 0;
        }
        assertEquals(List.of(FACTS + "|" + matched), rows(sql));
    }

    @Test
    void filterReachesTheScanBelowAnAggregateGroupedByTheKey() throws SQLException {
        // The division keeps the aggregation row by row: a vectorized aggregation scan takes no dynamic filter.
        String sql = "SELECT a.k, a.n FROM (SELECT k, COUNT(*) AS n FROM s.fact WHERE id / 2 >= 0 GROUP BY k) a "
                + "JOIN s.dim d ON a.k = d.k WHERE d.name = 'n7' OR d.name = 'é8'";
        String text = plan(sql);
        assertTrue(text.contains("dynamicFilters"), text);
        List<String> got = rows(sql);
        got.sort(null);
        assertEquals(List.of(expectedGroup(7), expectedGroup(8)), got);
    }

    @Test
    void vectorizedAggregationSkipsTheGroupsTheJoinDrops() throws SQLException {
        // TPC-H Q17's shape: a per-key aggregate of the fact table, joined to a few dimension rows.
        String sql = "SELECT a.k, a.n, a.total FROM (SELECT k, day, COUNT(*) AS n, SUM(amount) AS total "
                + "FROM s.fact GROUP BY k, day) a JOIN s.dim d ON a.k = d.k WHERE d.name = 'n7' OR d.name = 'é8'";
        String text = plan(sql);
        assertTrue(text.contains("ArrowAggregateScan") && text.contains("dynamicFilters=[[$1 IN DF"), text);
        java.util.TreeMap<String, BigDecimal[]> expected = new java.util.TreeMap<>();
        for (int i = 0; i < FACTS; i++) {
            Long k = factKey(i);
            if (k != null && (k == 7 || k == 8)) {
                BigDecimal[] g = expected.computeIfAbsent(
                        k + "|" + factDay(i), x -> new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO});
                g[0] = g[0].add(BigDecimal.ONE);
                g[1] = g[1].add(new BigDecimal((i % 100) + ".50"));
            }
        }
        List<String> want = new ArrayList<>();
        expected.forEach((key, g) -> want.add(key.substring(0, key.indexOf('|')) + "|" + g[0] + "|" + g[1]));
        want.sort(null);
        List<String> got = rows(sql);
        got.sort(null);
        assertEquals(want, got);
    }

    @Test
    void joinOnAnAggregateResultFiltersNoAggregationRows() throws SQLException {
        // The count is not a group key: skipping rows would change the counts.
        String sql = "SELECT COUNT(*) FROM (SELECT k, COUNT(*) AS n FROM s.fact GROUP BY k) a "
                + "JOIN s.dim d ON a.n = d.k WHERE d.grp = 3";
        String text = plan(sql);
        assertFalse(text.contains("dynamicFilters"), text);
    }

    private static String expectedGroup(long key) {
        long n = 0;
        for (int i = 0; i < FACTS; i++) {
            Long k = factKey(i);
            n += k != null && k == key ? 1 : 0;
        }
        return key + "|" + n;
    }

    @Test
    void limitOnTheProbeSideStopsTheFilter() throws SQLException {
        // The first 100 facts by id, then the join: filtering before the limit would let other
        // facts into the 100.
        String sql = "SELECT COUNT(*) FROM (SELECT id, k FROM s.fact ORDER BY id LIMIT 100) f "
                + "JOIN s.dim d ON f.k = d.k WHERE d.grp = 3";
        String text = plan(sql);
        assertFalse(text.contains("dynamicFilters"), text);
        long count = 0;
        for (int i = 0; i < 100; i++) {
            Long k = factKey(i);
            count += k != null && k < 1000 && k % 10 == 3 ? 1 : 0;
        }
        assertEquals(List.of(Long.toString(count)), rows(sql));
    }

    @Test
    void inSubqueryReturnsTheMatchingRows() throws SQLException {
        String sql =
                "SELECT COUNT(*) FROM s.fact WHERE k IN (SELECT k FROM s.dim WHERE grp = 5) AND day > DATE '2024-01-20'";
        long count = 0;
        for (int i = 0; i < FACTS; i++) {
            Long k = factKey(i);
            count += k != null && k < 1000 && k % 10 == 5 && factDay(i) > 20 ? 1 : 0;
        }
        assertEquals(List.of(Long.toString(count)), rows(sql));
    }

    @Test
    void comparisonOfTwoDateColumnsRunsInTheScanAndNullFailsIt() throws SQLException {
        String sql = "SELECT COUNT(*) FROM s.fact WHERE day < due";
        String text = plan(sql);
        assertTrue(text.contains("filter=[<($2, $3)]"), text);
        long count = 0;
        for (int i = 0; i < FACTS; i++) {
            count += factDue(i) >= 0 && factDay(i) < factDue(i) ? 1 : 0;
        }
        assertEquals(List.of(Long.toString(count)), rows(sql));
    }

    @Test
    void varcharRangesAndInListsAgreeWithStringOrder() throws SQLException {
        List<String> names = new ArrayList<>();
        for (int k = 0; k < 1000; k++) {
            names.add(dimName(k));
        }
        assertEquals(
                List.of(Long.toString(names.stream()
                        .filter(n -> n.compareTo("n5") >= 0 && n.compareTo("n7") < 0)
                        .count())),
                rows("SELECT COUNT(*) FROM s.dim WHERE name >= 'n5' AND name < 'n7'"));
        assertEquals(
                List.of(Long.toString(
                        names.stream().filter(n -> n.compareTo("n9") > 0).count())),
                rows("SELECT COUNT(*) FROM s.dim WHERE name > 'n9'"));
        assertEquals(
                List.of(Long.toString(
                        names.stream().filter(n -> n.compareTo("é5") > 0).count())),
                rows("SELECT COUNT(*) FROM s.dim WHERE name > 'é5'"));
        assertEquals(List.of("3"), rows("SELECT COUNT(*) FROM s.dim WHERE name IN ('n1', 'é4', 'n999', 'x')"));
    }
}
