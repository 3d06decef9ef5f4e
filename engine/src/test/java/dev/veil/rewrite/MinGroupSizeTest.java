package dev.veil.rewrite;

import static dev.veil.rewrite.Shop.assertRows;
import static dev.veil.rewrite.Shop.error;
import static dev.veil.rewrite.Shop.row;
import static dev.veil.rewrite.Shop.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code MIN GROUP SIZE k [SUPPRESS | REMAINDER]} with the customer as privacy unit: every
 * released group holds at least k distinct customers. Customers per city: Lyon 5, Porto 4, Oslo 2,
 * Rome 1; two orders per customer (amounts 10c and 10c+5), two line items per order (qty 1 at 1.50
 * and qty 2 at 2.50). Orders and line items reach the customer through their foreign keys.
 */
class MinGroupSizeTest {
    @TempDir
    static Path dir;

    private static Shop shop;
    private static Connection alice;

    @BeforeAll
    static void createShop() throws Exception {
        shop = Shop.create(dir);
        alice = shop.connect("alice");
    }

    @AfterAll
    static void closeShop() throws Exception {
        shop.close();
    }

    @Test
    void smallGroupsAreSuppressed() throws Exception {
        shop.install(Shop.customerUnit(3));
        assertRows(
                alice,
                "SELECT city, COUNT(*) FROM shop.customer GROUP BY city ORDER BY city",
                table(row("Lyon", 5L), row("Porto", 4L)));
        assertRows(alice, "SELECT DISTINCT city FROM shop.customer ORDER BY city", table(row("Lyon"), row("Porto")));
        assertRows(
                shop.admin,
                "SELECT city, COUNT(*) FROM shop.customer GROUP BY city ORDER BY city",
                table(row("Lyon", 5L), row("Oslo", 2L), row("Porto", 4L), row("Rome", 1L)));
    }

    @Test
    void unitCountIsNotPartOfTheOutput() throws Exception {
        shop.install(Shop.customerUnit(3));
        try (Statement s = alice.createStatement();
                ResultSet rs = s.executeQuery("SELECT city, SUM(score) FROM shop.customer GROUP BY city")) {
            assertEquals(2, rs.getMetaData().getColumnCount());
        }
    }

    @Test
    void remainderFoldsSmallGroupsIntoOneRowWithNullKeys() throws Exception {
        shop.install(new TestPolicies()
                .unit("shop.customer", "c_id")
                .unitVia("shop.orders", "o_cust", "shop.customer", "c_id")
                .minGroupSize("shop.customer", 3, true, null)
                .minGroupSize("shop.orders", 3, true, null));
        assertRows(
                alice,
                "SELECT city, COUNT(*) FROM shop.customer GROUP BY city ORDER BY city",
                table(row("Lyon", 5L), row("Porto", 4L), row(null, 3L)));
        // The remainder's aggregates cover all rows of the small groups (Oslo and Rome: customers 10-12).
        assertRows(
                alice,
                "SELECT c.city, COUNT(*), SUM(o.amount) FROM shop.orders o "
                        + "JOIN shop.customer c ON o.o_cust = c.c_id GROUP BY c.city ORDER BY c.city",
                table(row("Lyon", 10L, 325L), row("Porto", 8L, 620L), row(null, 6L, 675L)));
        // Anything may follow the boundary, the remainder row included.
        assertRows(
                alice,
                "SELECT COALESCE(city, 'other') AS place, COUNT(*) * 2 AS n FROM shop.customer "
                        + "GROUP BY city HAVING COUNT(*) < 5 ORDER BY n DESC",
                table(row("Porto", 8L), row("other", 6L)));
    }

    @Test
    void remainderBelowTheMinimumIsDroppedToo() throws Exception {
        shop.install(new TestPolicies().unit("shop.customer", "c_id").minGroupSize("shop.customer", 4, true, null));
        assertRows(
                alice,
                "SELECT city, COUNT(*) FROM shop.customer GROUP BY city ORDER BY city",
                table(row("Lyon", 5L), row("Porto", 4L)));
    }

    @Test
    void wholeResultBelowTheMinimumIsEmpty() throws Exception {
        shop.install(Shop.customerUnit(3));
        assertRows(alice, "SELECT COUNT(*) FROM shop.customer WHERE city = 'Oslo'", table());
        assertRows(alice, "SELECT COUNT(*) FROM shop.customer WHERE city IN ('Oslo', 'Rome')", table(row(3L)));
    }

    @Test
    void groupingSetsAreThresholdedPerGroupingSet() throws Exception {
        shop.install(Shop.customerUnit(3));
        assertRows(
                alice,
                "SELECT city, COUNT(*) FROM shop.customer GROUP BY ROLLUP(city) ORDER BY city",
                table(row("Lyon", 5L), row("Porto", 4L), row(null, 12L)));
        assertRows(
                alice,
                "SELECT segment, city, COUNT(*) FROM shop.customer GROUP BY CUBE(segment, city) "
                        + "ORDER BY segment, city",
                table(
                        row("A", "Lyon", 3L),
                        row("A", null, 6L),
                        row("B", null, 6L),
                        row(null, "Lyon", 5L),
                        row(null, "Porto", 4L),
                        row(null, null, 12L)));
    }

    @Test
    void foreignKeyPathsReachTheUnitWithoutTheQueryJoiningThem() throws Exception {
        shop.install(Shop.customerUnit(3));
        assertRows(
                alice,
                "SELECT qty, COUNT(*), SUM(price) FROM shop.lineitem GROUP BY qty ORDER BY qty",
                table(row(1L, 24L, 36L), row(2L, 24L, 60L)));
        assertRows(
                alice,
                "SELECT qty, COUNT(*) FROM shop.lineitem l JOIN shop.orders o ON l.l_order = o.o_id "
                        + "WHERE o.amount > 100 GROUP BY qty ORDER BY qty",
                table(row(1L, 5L), row(2L, 5L)));
        assertRows(
                alice,
                "SELECT qty, COUNT(*) FROM shop.lineitem l JOIN shop.orders o ON l.l_order = o.o_id "
                        + "JOIN shop.customer c ON o.o_cust = c.c_id WHERE c.city = 'Oslo' GROUP BY qty",
                table());
    }

    @Test
    void aggregateGroupedByTheUnitIsAPerUnitStep() throws Exception {
        shop.install(Shop.customerUnit(3));
        assertRows(
                alice,
                "SELECT AVG(n) FROM (SELECT o_cust, COUNT(*) AS n FROM shop.orders GROUP BY o_cust)",
                table(row(2.0)));
        assertRows(
                alice,
                "SELECT c.city, AVG(t.s) FROM (SELECT o_cust, SUM(amount) AS s FROM shop.orders "
                        + "GROUP BY o_cust) t JOIN shop.customer c ON t.o_cust = c.c_id GROUP BY c.city ORDER BY c.city",
                table(row("Lyon", 65.0), row("Porto", 155.0)));
        // Grouping by a foreign key on the path (an order belongs to one customer) is a per-unit step too.
        assertRows(
                alice,
                "SELECT AVG(total) FROM (SELECT l_order, SUM(price) AS total FROM shop.lineitem " + "GROUP BY l_order)",
                table(row(4.0)));
        String message = error(alice, "SELECT o_cust, SUM(amount) FROM shop.orders GROUP BY o_cust");
        assertTrue(message.contains("without aggregation"), message);
    }

    @Test
    void anythingGoesAboveTheBoundary() throws Exception {
        shop.install(Shop.customerUnit(3));
        assertRows(
                alice,
                "SELECT city, COUNT(*) * 10 AS n FROM shop.customer GROUP BY city "
                        + "HAVING COUNT(*) > 4 ORDER BY n DESC LIMIT 1",
                table(row("Lyon", 50L)));
        assertRows(
                alice,
                "SELECT city, SUM(score) / COUNT(*), RANK() OVER (ORDER BY COUNT(*) DESC) "
                        + "FROM shop.customer GROUP BY city ORDER BY city",
                table(row("Lyon", 3.75, 1L), row("Porto", 8.25, 2L)));
    }

    @Test
    void strictestGroupSizeOfTheJoinedTablesApplies() throws Exception {
        shop.install(Shop.customerUnit(3).minGroupSize("shop.orders", 5));
        assertRows(
                alice,
                "SELECT c.city, COUNT(*) FROM shop.orders o JOIN shop.customer c ON o.o_cust = c.c_id "
                        + "GROUP BY c.city",
                table(row("Lyon", 10L)));
        assertRows(
                alice,
                "SELECT city, COUNT(*) FROM shop.customer GROUP BY city ORDER BY city",
                table(row("Lyon", 5L), row("Porto", 4L)));
    }

    @Test
    void unitWithoutGroupSizeStillNeedsAggregation() throws Exception {
        shop.install(new TestPolicies().unit("shop.customer", "c_id"));
        assertRows(
                alice,
                "SELECT city, COUNT(*) FROM shop.customer GROUP BY city ORDER BY city",
                table(row("Lyon", 5L), row("Oslo", 2L), row("Porto", 4L), row("Rome", 1L)));
        assertTrue(error(alice, "SELECT name FROM shop.customer").contains("without aggregation"));
    }

    @Test
    void countOfDistinctUnitsIsAllowed() throws Exception {
        shop.install(Shop.customerUnit(3));
        assertRows(
                alice,
                "SELECT status, COUNT(DISTINCT o_cust), AVG(amount) FROM shop.orders GROUP BY status "
                        + "ORDER BY status",
                table(row("done", 12L, 70.0), row("open", 12L, 65.0)));
        assertRows(
                alice,
                "SELECT VAR_POP(qty), STDDEV_POP(qty), SUM(price) FROM shop.lineitem",
                table(row(0.25, 0.5, 96L)));
        assertRows(alice, "SELECT SUM(price) / COUNT(*) FROM shop.lineitem", table(row(2L)));
    }
}
