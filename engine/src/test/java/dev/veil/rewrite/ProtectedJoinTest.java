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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code PRIVACY UNIT} and joins: protected rows may meet public rows anywhere, but two protected
 * inputs only on their privacy unit (directly, or along the declared foreign keys), and the unit
 * never meets public data.
 */
class ProtectedJoinTest {
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

    @BeforeEach
    void policies() {
        shop.install(Shop.customerUnit(3));
    }

    @Test
    void joinsOnTheUnitOrAlongTheDeclaredPathAreAllowed() throws Exception {
        assertRows(
                alice,
                "SELECT c.city, COUNT(*) FROM shop.customer c JOIN shop.orders o ON o.o_cust = c.c_id "
                        + "GROUP BY c.city ORDER BY c.city",
                table(row("Lyon", 10L), row("Porto", 8L)));
        assertRows(
                alice,
                "SELECT o.status, SUM(l.qty) FROM shop.lineitem l JOIN shop.orders o ON l.l_order = o.o_id "
                        + "GROUP BY o.status ORDER BY o.status",
                table(row("done", 36L), row("open", 36L)));
        assertRows(
                alice, "SELECT COUNT(*) FROM shop.customer a JOIN shop.customer b ON a.c_id = b.c_id", table(row(12L)));
        assertRows(
                alice, "SELECT COUNT(*) FROM shop.orders a JOIN shop.orders b ON a.o_cust = b.o_cust", table(row(48L)));
        assertRows(
                alice,
                "SELECT c.segment, COUNT(*) FROM shop.lineitem l, shop.orders o, shop.customer c "
                        + "WHERE l.l_order = o.o_id AND o.o_cust = c.c_id GROUP BY c.segment ORDER BY c.segment",
                table(row("A", 24L), row("B", 24L)));
    }

    @Test
    void outerJoinsOnTheUnitAreAllowed() throws Exception {
        assertRows(
                alice,
                "SELECT c.city, COUNT(o.o_id) FROM shop.customer c LEFT JOIN shop.orders o "
                        + "ON o.o_cust = c.c_id AND o.status = 'open' GROUP BY c.city ORDER BY c.city",
                table(row("Lyon", 5L), row("Porto", 4L)));
    }

    @Test
    void protectedRowsMayMeetPublicRowsAnywhere() throws Exception {
        assertRows(
                alice,
                "SELECT ci.country, COUNT(*) FROM shop.customer c JOIN shop.cities ci ON c.city = ci.city "
                        + "GROUP BY ci.country ORDER BY ci.country",
                table(row("FR", 5L), row("PT", 4L)));
        // IN over protected rows: the aggregate behind it is a boundary, so only cities of >= 3 customers match.
        assertRows(
                alice,
                "SELECT country FROM shop.cities WHERE city IN (SELECT city FROM shop.customer) " + "ORDER BY country",
                table(row("FR"), row("PT")));
    }

    @Test
    void otherJoinsOfProtectedTablesAreRejected() {
        Map<String, String> rejected = Map.of(
                "SELECT COUNT(*) FROM shop.customer c JOIN shop.orders o ON c.c_id = o.o_id",
                "not on their privacy unit",
                "SELECT COUNT(*) FROM shop.customer a, shop.customer b",
                "not on their privacy unit",
                "SELECT COUNT(*) FROM shop.customer a CROSS JOIN shop.orders b",
                "not on their privacy unit",
                "SELECT COUNT(*) FROM shop.lineitem a JOIN shop.lineitem b ON a.qty = b.qty",
                "not on their privacy unit",
                "SELECT COUNT(*) FROM shop.lineitem l JOIN shop.customer c ON l.l_order = c.c_id",
                "not on their privacy unit",
                "SELECT COUNT(*) FROM shop.customer a JOIN shop.customer b ON a.c_id < b.c_id",
                "not on their privacy unit");
        rejected.forEach((sql, reason) -> {
            String message = error(alice, sql);
            assertTrue(message.contains(reason), sql + ": " + message);
        });
    }

    @Test
    void theUnitNeverMeetsPublicData() {
        for (String sql : new String[] {
            "SELECT COUNT(*) FROM shop.orders o JOIN (VALUES (3), (4), (5)) AS v(x) ON o.o_cust = v.x",
            "SELECT COUNT(*) FROM shop.customer c JOIN shop.cities ci ON CAST(c.c_id AS VARCHAR) = ci.city",
            "SELECT COUNT(*) FROM shop.customer c JOIN shop.cities ci ON c.c_id > CHAR_LENGTH(ci.city)"
        }) {
            String message = error(alice, sql);
            assertTrue(
                    message.contains("joined with data of an unprotected table")
                            || message.contains("compared with a constant")
                            || message.contains("privacy unit column"),
                    sql + ": " + message);
        }
    }

    @Test
    void tablesProtectingDifferentUnitsCannotBeJoinedBeforeAggregation() throws Exception {
        shop.install(Shop.customerUnit(3).unit("shop.cities", "city"));
        String message = error(alice, "SELECT COUNT(*) FROM shop.customer c JOIN shop.cities ci ON c.city = ci.city");
        assertTrue(message.contains("protect different privacy units"), message);
    }
}
