package dev.veil.rewrite;

import static dev.veil.rewrite.Shop.assertRows;
import static dev.veil.rewrite.Shop.error;
import static dev.veil.rewrite.Shop.row;
import static dev.veil.rewrite.Shop.table;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code JOIN ONLY}: the column is a join key and nothing else. It may be compared for equality
 * with another column (a join condition), and grouped on only to feed such a join (as an EXISTS
 * or IN sub-query does); it may not be output, compared with a constant, aggregated, or computed with.
 */
class JoinOnlyColumnTest {
    @TempDir
    static Path dir;

    private static Shop shop;
    private static Connection alice;

    @BeforeAll
    static void createShop() throws Exception {
        shop = Shop.create(dir);
        alice = shop.connect("alice");
        shop.install(
                new TestPolicies().joinOnly("shop.orders", "o_cust", null).joinOnly("shop.customer", "c_id", null));
    }

    @AfterAll
    static void closeShop() throws Exception {
        shop.close();
    }

    @Test
    void equalityJoinOnTheColumnIsAllowed() throws Exception {
        assertRows(
                alice,
                "SELECT c.city, COUNT(*) FROM shop.orders o JOIN shop.customer c ON o.o_cust = c.c_id "
                        + "GROUP BY c.city ORDER BY c.city",
                table(row("Lyon", 10L), row("Oslo", 4L), row("Porto", 8L), row("Rome", 2L)));
        assertRows(
                alice,
                "SELECT o.o_id FROM shop.orders o, shop.customer c WHERE o.o_cust = c.c_id "
                        + "AND c.city = 'Rome' ORDER BY o.o_id",
                table(row(121L), row(122L)));
        assertRows(
                alice,
                "SELECT COUNT(*) FROM shop.customer c WHERE EXISTS "
                        + "(SELECT 1 FROM shop.orders o WHERE o.o_cust = c.c_id AND o.amount > 100)",
                table(row(3L)));
    }

    @Test
    void columnCannotBeUsedOtherwise() {
        for (String sql : List.of(
                "SELECT o_cust FROM shop.orders",
                "SELECT o_id FROM shop.orders WHERE o_cust = 3",
                "SELECT o_id FROM shop.orders WHERE o_cust > 3",
                "SELECT o_cust, COUNT(*) FROM shop.orders GROUP BY o_cust",
                "SELECT COUNT(DISTINCT o_cust) FROM shop.orders",
                "SELECT SUM(o_cust) FROM shop.orders",
                "SELECT o_id FROM shop.orders ORDER BY o_cust",
                "SELECT COUNT(*) FROM shop.orders o JOIN shop.customer c ON o.o_cust + 1 = c.c_id",
                "SELECT COUNT(*) FROM shop.orders o JOIN shop.customer c ON o.o_cust < c.c_id",
                "SELECT o_id FROM shop.orders WHERE CAST(o_cust AS VARCHAR) LIKE '1%'")) {
            String message = error(alice, sql);
            assertTrue(message.contains("is JOIN ONLY for role 'analyst'"), sql + ": " + message);
            assertTrue(message.contains("use it only as a key of an equality join"), sql + ": " + message);
        }
    }

    @Test
    void columnIsMatchedOnlyWithGovernedKeys() {
        for (String sql : List.of(
                "SELECT COUNT(*) FROM shop.orders o LEFT JOIN (VALUES (4)) AS g(c) ON o.o_cust = g.c WHERE g.c IS NULL",
                "SELECT COUNT(*) FROM shop.orders o JOIN shop.lineitem l ON o.o_cust = l.l_order",
                "SELECT COUNT(*) FROM shop.orders WHERE o_cust NOT IN (SELECT l_order FROM shop.lineitem)",
                "SELECT COUNT(*) FROM shop.orders o WHERE EXISTS (SELECT 1 FROM shop.lineitem l WHERE l.l_order = o.o_cust)",
                "SELECT COUNT(*) FROM shop.orders o, (SELECT 4 AS c) g WHERE o.o_cust = g.c",
                "SELECT COUNT(*) FROM (SELECT o_cust FROM shop.orders EXCEPT SELECT 4)",
                "SELECT COUNT(*) FROM (SELECT k FROM (SELECT o_cust AS k FROM shop.orders UNION ALL SELECT 4) GROUP BY k)",
                "SELECT COUNT(*) FROM shop.customer c JOIN "
                        + "(SELECT o_cust FROM shop.orders UNION ALL SELECT 4) u ON c.c_id = u.o_cust")) {
            String message = error(alice, sql);
            assertTrue(message.contains("is JOIN ONLY for role 'analyst'"), sql + ": " + message);
            assertTrue(message.contains("cannot be matched"), sql + ": " + message);
        }
    }

    @Test
    void outerAndAntiJoinsWithAGovernedKeyAreAllowed() throws Exception {
        assertRows(
                alice,
                "SELECT COUNT(*) FROM shop.customer c WHERE NOT EXISTS "
                        + "(SELECT 1 FROM shop.orders o WHERE o.o_cust = c.c_id AND o.amount > 100)",
                table(row(9L)));
        assertRows(
                alice,
                "SELECT COUNT(*) FROM (SELECT o_cust FROM shop.orders INTERSECT SELECT c_id FROM shop.customer)",
                table(row(12L)));
    }

    @Test
    void perUnitStepKeyedByAJoinOnlyUnitMayBeAggregatedFurther() throws Exception {
        shop.install(new TestPolicies()
                .unit("shop.customer", "c_id")
                .unitVia("shop.orders", "o_cust", "shop.customer", "c_id")
                .minGroupSize("shop.orders", 3)
                .joinOnly("shop.orders", "o_cust", null));
        try {
            assertRows(
                    alice,
                    "SELECT AVG(n) FROM (SELECT o_cust, COUNT(*) AS n FROM shop.orders GROUP BY o_cust)",
                    table(row(2.0)));
            assertTrue(error(alice, "SELECT o_cust, COUNT(*) FROM shop.orders GROUP BY o_cust")
                    .contains("without aggregation"));
        } finally {
            shop.install(
                    new TestPolicies().joinOnly("shop.orders", "o_cust", null).joinOnly("shop.customer", "c_id", null));
        }
    }

    @Test
    void adminsAreUnaffected() throws Exception {
        assertRows(shop.admin, "SELECT o_cust FROM shop.orders WHERE o_id = 42", table(row(4L)));
    }
}
