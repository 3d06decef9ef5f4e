package dev.veil.rewrite;

import static dev.veil.rewrite.Shop.assertRows;
import static dev.veil.rewrite.Shop.error;
import static dev.veil.rewrite.Shop.row;
import static dev.veil.rewrite.Shop.table;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code AGGREGATE ONLY [BOUNDS (lo, hi)]}: the column may be used inside COUNT, SUM, AVG,
 * VAR_POP and STDDEV_POP and in WHERE, with its values clamped to the bounds; never output,
 * grouped, sorted, joined on, or given to an aggregate that releases single values.
 * Amounts are 10c and 10c+5 for customers c = 1..12: 10, 15, ..., 120, 125 (sum 1620).
 */
class AggregateOnlyColumnTest {
    @TempDir
    static Path dir;

    private static Shop shop;
    private static Connection alice;

    @BeforeAll
    static void createShop() throws Exception {
        shop = Shop.create(dir);
        alice = shop.connect("alice");
        shop.install(new TestPolicies().aggregateOnly("shop.orders", "amount", "0", "100", null));
    }

    @AfterAll
    static void closeShop() throws Exception {
        shop.close();
    }

    @Test
    void combiningAggregatesSeeValuesClampedToTheBounds() throws Exception {
        // 105, 110, 115, 120 and 125 count as 100: 1620 - 75.
        assertRows(
                alice,
                "SELECT SUM(amount), COUNT(amount), AVG(amount) FROM shop.orders",
                table(row(1545L, 24L, 64.375)));
        assertRows(
                alice,
                "SELECT status, SUM(amount) FROM shop.orders GROUP BY status ORDER BY status",
                table(row("done", 795L), row("open", 750L)));
        assertRows(shop.admin, "SELECT SUM(amount) FROM shop.orders", table(row(1620L)));
    }

    @Test
    void whereMayTestTheColumn() throws Exception {
        assertRows(alice, "SELECT COUNT(*) FROM shop.orders WHERE amount > 50", table(row(15L)));
        assertRows(
                alice,
                "SELECT o_id FROM shop.orders WHERE amount BETWEEN 20 AND 25 ORDER BY o_id",
                table(row(21L), row(22L)));
    }

    @Test
    void expressionsOverTheColumnMayBeAggregated() throws Exception {
        assertRows(alice, "SELECT SUM(amount * 2 + 1) FROM shop.orders", table(row(3114L)));
        assertRows(
                alice,
                "SELECT SUM(s) FROM (SELECT o_cust, SUM(amount) AS s FROM shop.orders GROUP BY o_cust)",
                table(row(1545L)));
    }

    @Test
    void columnCannotLeaveOtherwise() {
        Map<String, String> uses = Map.of(
                "SELECT amount FROM shop.orders", "in the query's output",
                "SELECT o_id, amount + 0 FROM shop.orders", "in the query's output",
                "SELECT amount, COUNT(*) FROM shop.orders GROUP BY amount", "in GROUP BY",
                "SELECT o_id FROM shop.orders ORDER BY amount", "in ORDER BY",
                "SELECT MAX(amount) FROM shop.orders", "inside MAX",
                "SELECT COUNT(*) FROM shop.orders o JOIN shop.lineitem l ON o.amount = l.price", "in a join condition",
                "SELECT o_id, SUM(amount) OVER (PARTITION BY status) FROM shop.orders", "in a window function",
                "SELECT CASE WHEN amount > 100 THEN 'big' ELSE 'small' END FROM shop.orders", "in the query's output");
        uses.forEach((sql, where) -> {
            String message = error(alice, sql);
            assertTrue(
                    message.contains("Column 'shop.orders.amount' is AGGREGATE ONLY for role 'analyst'"),
                    sql + ": " + message);
            assertTrue(message.contains(where), sql + ": " + message);
        });
    }

    @Test
    void columnWithoutBoundsIsNotClamped() throws Exception {
        shop.install(new TestPolicies().aggregateOnly("shop.orders", "amount", null, null, null));
        try {
            assertRows(alice, "SELECT SUM(amount), AVG(amount) FROM shop.orders", table(row(1620L, 67.5)));
        } finally {
            shop.install(new TestPolicies().aggregateOnly("shop.orders", "amount", "0", "100", null));
        }
    }
}
