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
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code HIDDEN}: the column does not exist for the role. {@code SELECT *} and JDBC metadata omit
 * it, and naming it anywhere fails with an error that names the column, its class and the role.
 */
class HiddenColumnTest {
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

    @BeforeEach
    void policies() {
        shop.install(new TestPolicies()
                .hidden("shop.customer", "email", null)
                .hidden("shop.customer", "phone", null)
                .hidden("shop.customer", "birth", "eu"));
    }

    private static List<String> columns(Connection c, String sql) throws Exception {
        List<String> names = new ArrayList<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                names.add(md.getColumnLabel(i));
            }
        }
        return names;
    }

    private static List<String> metadataColumns(Connection c) throws Exception {
        List<String> names = new ArrayList<>();
        try (ResultSet rs = c.getMetaData().getColumns(null, "shop", "customer", null)) {
            while (rs.next()) {
                names.add(rs.getString("COLUMN_NAME") + ":" + rs.getInt("ORDINAL_POSITION"));
            }
        }
        return names;
    }

    @Test
    void hiddenColumnIsAbsentFromSelectStar() throws Exception {
        assertEquals(
                List.of("c_id", "name", "birth", "zip", "city", "segment", "score", "joined"),
                columns(alice, "SELECT * FROM shop.customer"));
        assertEquals(
                List.of("c_id", "name", "zip", "city", "segment", "score", "joined"),
                columns(bob, "SELECT * FROM shop.customer"));
        assertEquals(
                List.of("c_id", "name", "email", "phone", "birth", "zip", "city", "segment", "score", "joined"),
                columns(shop.admin, "SELECT * FROM shop.customer"));
    }

    @Test
    void namingAHiddenColumnFailsNamingColumnClassAndRole() {
        String message = error(alice, "SELECT name, email FROM shop.customer");
        assertTrue(message.contains("Column 'shop.customer.email' is HIDDEN for role 'analyst'"), message);
        assertTrue(message.contains("POLICY_VIOLATION"), message);
        assertTrue(error(alice, "SELECT c.phone FROM shop.customer c").contains("'shop.customer.phone' is HIDDEN"));
    }

    @Test
    void hiddenColumnCannotBeUsedAnywhereInTheQuery() {
        for (String sql : List.of(
                "SELECT COUNT(*) FROM shop.customer WHERE email LIKE 'c1%'",
                "SELECT COUNT(*) FROM shop.customer GROUP BY phone",
                "SELECT name FROM shop.customer ORDER BY email",
                "SELECT COUNT(DISTINCT email) FROM shop.customer",
                "SELECT COUNT(*) FROM shop.customer a JOIN shop.customer b ON a.email = b.email",
                "SELECT (SELECT MAX(email) FROM shop.customer) FROM shop.cities",
                "SELECT name FROM shop.customer WHERE c_id IN (SELECT c_id FROM shop.customer WHERE phone IS NULL)")) {
            String message = error(alice, sql);
            assertTrue(message.contains("is HIDDEN for role 'analyst'"), sql + ": " + message);
        }
    }

    @Test
    void hiddenColumnForRoleIsHiddenOnlyForThatRole() throws Exception {
        assertTrue(error(bob, "SELECT birth FROM shop.customer")
                .contains("Column 'shop.customer.birth' is HIDDEN for roles 'analyst', 'eu'"));
        assertRows(alice, "SELECT COUNT(birth) FROM shop.customer", table(row(12L)));
    }

    @Test
    void jdbcMetadataOmitsHiddenColumns() throws Exception {
        assertEquals(
                List.of("c_id:1", "name:2", "birth:3", "zip:4", "city:5", "segment:6", "score:7", "joined:8"),
                metadataColumns(alice));
        assertEquals(
                List.of("c_id:1", "name:2", "zip:3", "city:4", "segment:5", "score:6", "joined:7"),
                metadataColumns(bob));
        assertEquals(10, metadataColumns(shop.admin).size());
    }

    @Test
    void adminsAreUnaffected() throws Exception {
        assertRows(
                shop.admin,
                "SELECT email, phone FROM shop.customer WHERE c_id = 3",
                table(row("c3@mail.test", "+33612345603")));
    }

    @Test
    void unknownColumnStaysAnUnknownColumn() {
        String message = error(alice, "SELECT nosuch FROM shop.customer");
        assertTrue(message.contains("UNKNOWN_COLUMN"), message);
    }
}
