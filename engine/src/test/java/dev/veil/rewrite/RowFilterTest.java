package dev.veil.rewrite;

import static dev.veil.rewrite.Shop.assertRows;
import static dev.veil.rewrite.Shop.row;
import static dev.veil.rewrite.Shop.rows;
import static dev.veil.rewrite.Shop.table;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ROW FILTER (predicate)}: rows outside the predicate do not exist for the role. The filter
 * sits directly on the scan, below everything the user wrote, so no user predicate can widen it;
 * it may test columns the role cannot see; filters of several policies combine with AND.
 */
class RowFilterTest {
    @TempDir
    static Path dir;

    private static Shop shop;
    private static Connection alice;
    private static Connection bob;

    @BeforeAll
    static void createShop() throws Exception {
        shop = Shop.create(dir);
        alice = shop.connect("alice");
        bob = shop.connect("bob");
    }

    @AfterAll
    static void closeShop() throws Exception {
        shop.close();
    }

    @Test
    void rowsOutsideTheFilterDoNotExist() throws Exception {
        shop.install(new TestPolicies().rowFilter("shop.customer", "city = 'Lyon'", null));
        assertRows(
                alice,
                "SELECT c_id FROM shop.customer ORDER BY c_id",
                table(row(1L), row(2L), row(3L), row(4L), row(5L)));
        assertRows(alice, "SELECT COUNT(*) FROM shop.customer WHERE city = 'Oslo' OR TRUE", table(row(5L)));
        assertRows(
                alice, "SELECT COUNT(*) FROM shop.customer c JOIN shop.orders o ON o.o_cust = c.c_id", table(row(10L)));
        assertRows(shop.admin, "SELECT COUNT(*) FROM shop.customer", table(row(12L)));
    }

    @Test
    void filterForRoleAppliesOnlyToThatRoleAndCombinesWithOthers() throws Exception {
        shop.install(new TestPolicies()
                .rowFilter("shop.customer", "c_id <= 9", null)
                .rowFilter("shop.customer", "city IN ('Porto', 'Oslo')", "eu"));
        assertRows(bob, "SELECT city, COUNT(*) FROM shop.customer GROUP BY city", table(row("Porto", 4L)));
        assertRows(
                alice,
                "SELECT city, COUNT(*) FROM shop.customer GROUP BY city ORDER BY city",
                table(row("Lyon", 5L), row("Porto", 4L)));
    }

    @Test
    void filterMayTestAColumnTheRoleCannotSee() throws Exception {
        shop.install(new TestPolicies()
                .hidden("shop.customer", "segment", null)
                .rowFilter("shop.customer", "segment = 'A'", null));
        assertRows(
                alice, "SELECT c_id FROM shop.customer WHERE c_id < 6 ORDER BY c_id", table(row(1L), row(3L), row(5L)));
    }

    @Test
    void filterWorksWithMinimumGroupSize() throws Exception {
        shop.install(Shop.customerUnit(3).rowFilter("shop.orders", "status = 'open'", null));
        assertRows(
                alice,
                "SELECT c.city, COUNT(*), SUM(o.amount) FROM shop.orders o "
                        + "JOIN shop.customer c ON o.o_cust = c.c_id GROUP BY c.city ORDER BY c.city",
                table(row("Lyon", 5L, 150L), row("Porto", 4L, 300L)));
    }

    @Test
    void dataDependentErrorsInAFilterDropTheRowInsteadOfFailing() throws Exception {
        shop.install(new TestPolicies()
                .rowFilter("shop.customer", "100 / (c_id - 3) > 0 AND CAST(SUBSTRING(name, 5) AS INTEGER) < 7", null));
        assertRows(alice, "SELECT c_id FROM shop.customer ORDER BY c_id", table(row(4L), row(5L), row(6L)));
    }

    @Test
    void filterPredicateIsNotShownByExplainPrivacy() throws Exception {
        shop.install(new TestPolicies().rowFilter("shop.customer", "city <> 'Rome' AND c_id <> 7", null));
        String explained = rows(alice, "EXPLAIN PRIVACY SELECT COUNT(*) FROM shop.customer")
                .toString();
        assertTrue(explained.contains("row filter"), explained);
        assertTrue(explained.contains("ROW_FILTER('shop.customer')"), explained);
        assertFalse(explained.contains("Rome"), explained);
        assertFalse(explained.contains("<>"), explained);
    }
}
