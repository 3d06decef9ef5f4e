package dev.veil.rewrite;

import static dev.veil.rewrite.Shop.error;
import static dev.veil.rewrite.Shop.rows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.policy.Mask;
import dev.veil.policy.MaskKind;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code EXPLAIN PRIVACY query}: the policies that apply, each rewrite with its reason, the privacy
 * cost and the rewritten plan, without reading data; row filter predicates are not shown.
 */
class ExplainPrivacyTest {
    @TempDir
    static Path dir;

    private static Shop shop;
    private static Connection alice;

    @BeforeAll
    static void createShop() throws Exception {
        shop = Shop.create(dir);
        alice = shop.connect("alice");
        shop.install(Shop.customerUnit(3)
                .hidden("shop.customer", "email", null)
                .masked("shop.customer", "phone", Mask.of(MaskKind.HASH), null)
                .aggregateOnly("shop.orders", "amount", "0", "100", null)
                .rowFilter("shop.orders", "status <> 'cancelled-by-ops'", null));
    }

    @AfterAll
    static void closeShop() throws Exception {
        shop.close();
    }

    private static String explain(Connection c, String query) throws Exception {
        return rows(c, "EXPLAIN PRIVACY " + query).stream()
                .map(r -> (String) r.get(0))
                .collect(Collectors.joining("\n"));
    }

    @Test
    void showsPoliciesRewritesReasonsCostAndPlan() throws Exception {
        String text = explain(
                alice,
                "SELECT c.city, SUM(o.amount) FROM shop.orders o "
                        + "JOIN shop.customer c ON o.o_cust = c.c_id GROUP BY c.city");
        for (String expected : List.of(
                "User: alice (roles: analyst)",
                "'shop.orders': privacy unit shop.customer.c_id via shop.orders.o_cust; minimum group size 3 (suppress); "
                        + "row filter (predicate not shown); amount AGGREGATE ONLY BOUNDS (0, 100)",
                "'shop.customer': privacy unit shop.customer.c_id; minimum group size 3 (suppress); email HIDDEN; "
                        + "phone MASKED USING HASH",
                "Row filter of 'shop.orders' applied directly on its scan, below the query",
                "Column 'shop.orders.amount' clamped to BOUNDS (0, 100)",
                "is the privacy boundary: each group must hold at least 3 distinct privacy units "
                        + "(shop.customer.c_id); smaller groups are dropped; the unit count is not output",
                "Privacy cost: epsilon 0.0, delta 0.0",
                "Rewritten plan:",
                "LogicalAggregate(group=[{0}], sum(o.amount)=[SUM($1)], $units=[COUNT(DISTINCT $2)])",
                "ROW_FILTER('shop.orders')")) {
            assertTrue(text.contains(expected), expected + " missing from:\n" + text);
        }
    }

    @Test
    void rowFilterPredicateIsNeverShown() throws Exception {
        String text = explain(alice, "SELECT COUNT(*) FROM shop.orders");
        assertFalse(text.contains("cancelled-by-ops"), text);
        assertFalse(text.contains("<>"), text);
    }

    @Test
    void foreignKeyLookupIsExplained() throws Exception {
        String text = explain(alice, "SELECT qty, COUNT(*) FROM shop.lineitem GROUP BY qty");
        assertTrue(
                text.contains("Privacy unit shop.customer.c_id of 'shop.lineitem' looked up along the declared "
                        + "foreign keys (shop.orders.o_id -> o_cust)"),
                text);
    }

    @Test
    void perUnitStepIsExplained() throws Exception {
        String text =
                explain(alice, "SELECT AVG(n) FROM (SELECT o_cust, COUNT(*) AS n FROM shop.orders GROUP BY o_cust)");
        assertTrue(text.contains("is a per-unit step; the next aggregate above it is the privacy boundary"), text);
    }

    @Test
    void adminsSeeThatNoPolicyApplies() throws Exception {
        String text = explain(shop.admin, "SELECT name FROM shop.customer");
        assertTrue(text.contains("none (admins are not governed by policies)"), text);
    }

    @Test
    void rejectedQueryFailsWithTheSameError() {
        String message = error(alice, "EXPLAIN PRIVACY SELECT name FROM shop.customer");
        assertTrue(message.contains("Query releases rows of 'shop.customer' without aggregation"), message);
    }

    @Test
    void readsNoData() throws Exception {
        Path data = shop.directory.resolve("data");
        Path moved = shop.directory.resolve("data.moved");
        Files.move(data, moved);
        try {
            String text = explain(alice, "SELECT city, COUNT(*) FROM shop.customer GROUP BY city");
            assertTrue(text.contains("Rewritten plan:"), text);
            // Running the same query needs the data, which is gone.
            error(alice, "SELECT city, COUNT(*) FROM shop.customer GROUP BY city");
        } finally {
            Files.move(moved, data);
        }
    }
}
