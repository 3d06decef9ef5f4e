package dev.veil.rewrite;

import static dev.veil.rewrite.Shop.assertRows;
import static dev.veil.rewrite.Shop.row;
import static dev.veil.rewrite.Shop.rows;
import static dev.veil.rewrite.Shop.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differentially private aggregates with a test policy whose epsilon (1e20) makes the noise vanish
 * and keeps every group of two or more units, so the answers are exact after contribution
 * bounding. Shop: 12 customers (Lyon 5, Porto 4, Oslo 2, Rome 1), two orders each
 * (amount 10c and 10c+5), two line items per order.
 */
class DpQueryTest {
    @TempDir
    static Path dir;

    private static Shop shop;
    private static Connection alice;

    @BeforeAll
    static void createShop() throws Exception {
        shop = Shop.create(dir);
        try (java.sql.Statement s = shop.admin.createStatement()) {
            s.execute("CREATE PRIVACY BUDGET tests LIMIT (EPSILON 1e30, DELTA 0.5) WINDOW NEVER");
            s.execute("ALTER USER alice SET PRIVACY BUDGET tests");
        }
        alice = shop.connect("alice");
    }

    @AfterAll
    static void closeShop() throws Exception {
        shop.close();
    }

    /** Customer as the unit, no minimum group size. */
    private static TestPolicies customerUnit() {
        return new TestPolicies()
                .unit("shop.customer", "c_id")
                .unitVia("shop.orders", "o_cust", "shop.customer", "c_id")
                .unitVia("shop.lineitem", "l_order", "shop.orders", "o_id");
    }

    /**
     * Noise that vanishes: epsilon 1e20 makes every noise scale 0 and keeps every group of two or more
     * units for sure; a group of one unit is kept with probability delta = 1e-9.
     */
    private static TestPolicies exact(int l0, int m) {
        return customerUnit()
                .aggregateOnly("shop.orders", "amount", "0", "1000", null)
                .differentialPrivacy("shop.customer", 1e20, 1e-9, l0, m)
                .differentialPrivacy("shop.orders", 1e20, 1e-9, l0, m)
                .differentialPrivacy("shop.lineitem", 1e20, 1e-9, l0, m);
    }

    @Test
    void globalCountIsExactWithHugeEpsilon() throws Exception {
        shop.install(exact(1, 5));
        assertRows(alice, "SELECT COUNT(*) FROM shop.customer", table(row(12L)));
        assertRows(alice, "SELECT COUNT(*) FROM shop.orders", table(row(24L)));
    }

    @Test
    void rowsPerUnitPerGroupAreCapped() throws Exception {
        shop.install(exact(1, 1));
        // Each customer has two orders; one is kept.
        assertRows(alice, "SELECT COUNT(*) FROM shop.orders", table(row(12L)));
        shop.install(exact(1, 2));
        assertRows(alice, "SELECT COUNT(*) FROM shop.orders", table(row(24L)));
    }

    @Test
    void groupedCountsAndSums() throws Exception {
        shop.install(exact(1, 5));
        assertRows(
                alice,
                "SELECT c.city, COUNT(*), SUM(o.amount) FROM shop.orders o JOIN shop.customer c "
                        + "ON o.o_cust = c.c_id GROUP BY c.city ORDER BY c.city",
                table(row("Lyon", 10L, 325L), row("Oslo", 4L, 430L), row("Porto", 8L, 620L)));
    }

    @Test
    void countOverAJoinReadsOnlyTheUnitColumn() throws Exception {
        shop.install(exact(1, 5));
        String sql = "SELECT COUNT(*) FROM shop.lineitem l JOIN shop.orders o ON l.l_order = o.o_id "
                + "JOIN shop.customer c ON o.o_cust = c.c_id";
        List<String> plan = rows(alice, "EXPLAIN PRIVACY " + sql).stream()
                .map(r -> (String) r.get(0))
                .toList();
        int dp = 0;
        while (dp < plan.size() && !plan.get(dp).contains("DpAggregate(")) {
            dp++;
        }
        String text = String.join("\n", plan);
        assertTrue(dp + 1 < plan.size(), text);
        // Nothing trims the columns below a DP aggregate later: it must read only its unit, or every
        // join below would carry whole rows of every table.
        String below = plan.get(dp + 1).strip();
        assertTrue(below.startsWith("LogicalProject(") && below.indexOf("=[") == below.lastIndexOf("=["), text);
        assertRows(alice, sql, table(row(48L)));
    }

    @Test
    void intervalsComeWithNoisyValues() throws Exception {
        shop.install(customerUnit().differentialPrivacy("shop.customer", 1.0, 1e-5, 1, 1));
        List<List<Object>> r = rows(
                alice,
                "SELECT COUNT(*) AS n, DP_INTERVAL_LOW(COUNT(*)), " + "DP_INTERVAL_HIGH(COUNT(*)) FROM shop.customer");
        assertEquals(1, r.size());
        double n = ((Number) r.get(0).get(0)).doubleValue();
        double low = ((Number) r.get(0).get(1)).doubleValue();
        double high = ((Number) r.get(0).get(2)).doubleValue();
        assertTrue(low <= n && n <= high && high - low > 1, r.toString());
    }

    @Test
    void everySupportedAggregate() throws Exception {
        shop.install(exact(1, 5));
        // Orders per customer c: 10c and 10c + 5; all 24 amounts, mean 67.5.
        List<Object> r = rows(
                        alice,
                        "SELECT COUNT(o.amount), COUNT(DISTINCT o.o_cust), AVG(o.amount), "
                                + "VAR_POP(o.amount), STDDEV_POP(o.amount), "
                                + "PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY o.amount) FROM shop.orders o")
                .get(0);
        assertEquals(24L, r.get(0));
        assertEquals(12L, r.get(1));
        assertEquals(67.5, ((Number) r.get(2)).doubleValue(), 1e-6);
        assertEquals(1197.9167, ((Number) r.get(3)).doubleValue(), 1e-3);
        assertEquals(34.6109, ((Number) r.get(4)).doubleValue(), 1e-3);
        // The quantile tree over [0, 1000] has leaves about 0.015 wide.
        assertEquals(65, ((Number) r.get(5)).doubleValue(), 5.1, r.toString());
    }

    @Test
    void explainPrivacyShowsTheSplit() throws Exception {
        shop.install(Shop.customerUnit(2)
                .aggregateOnly("shop.orders", "amount", "0", "1000", null)
                .differentialPrivacy("shop.orders", 1.0, 1e-5, 1, 2)
                .differentialPrivacy("shop.customer", 1.0, 1e-5, 1, 2));
        String plan = String.join(
                "\n",
                rows(
                                alice,
                                "EXPLAIN PRIVACY SELECT c.city, COUNT(*), SUM(o.amount) "
                                        + "FROM shop.orders o JOIN shop.customer c ON o.o_cust = c.c_id GROUP BY c.city")
                        .stream()
                        .map(r -> (String) r.get(0))
                        .toList());
        System.out.println(plan);
        assertTrue(plan.contains("COUNT(*): epsilon 0.3333"), plan);
        assertTrue(plan.contains("partition selection: epsilon 0.3333, delta 1.000e-05"), plan);
    }
}
