package dev.veil.rewrite;

import static dev.veil.rewrite.Shop.assertRows;
import static dev.veil.rewrite.Shop.row;
import static dev.veil.rewrite.Shop.rows;
import static dev.veil.rewrite.Shop.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.policy.Mask;
import dev.veil.policy.MaskKind;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Date;
import java.sql.Timestamp;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code MASKED USING f}: the analyst sees {@code f(column)} everywhere (output, WHERE, GROUP BY,
 * joins), never the raw value; admins see raw values. Expected values are stated as data.
 */
class ColumnMaskTest {
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
    void masks() {
        shop.install(new TestPolicies()
                .masked("shop.customer", "name", Mask.of(MaskKind.REDACT), null)
                .masked("shop.customer", "email", Mask.of(MaskKind.HASH), null)
                .masked("shop.customer", "phone", Mask.of(MaskKind.SHOW_LAST, BigDecimal.valueOf(4)), null)
                .masked("shop.customer", "birth", Mask.of(MaskKind.YEAR), null)
                .masked("shop.customer", "joined", Mask.of(MaskKind.MONTH), null)
                .masked("shop.customer", "zip", Mask.of(MaskKind.TRUNCATE, BigDecimal.valueOf(3)), null)
                .masked("shop.customer", "score", Mask.of(MaskKind.BUCKET, BigDecimal.valueOf(5)), null)
                .masked("shop.customer", "segment", Mask.of(MaskKind.NULLIFY), null)
                .masked("shop.orders", "amount", Mask.of(MaskKind.BUCKET, BigDecimal.valueOf(25)), null)
                .masked("shop.orders", "o_date", Mask.of(MaskKind.MONTH), null)
                .masked("shop.orders", "status", Mask.of(MaskKind.REDACT), "eu"));
    }

    @Test
    void eachMaskGivesItsResultAsData() throws Exception {
        assertRows(
                alice,
                "SELECT c_id, name, phone, birth, joined, zip, score, segment FROM shop.customer "
                        + "WHERE c_id IN (1, 7, 12) ORDER BY c_id",
                table(
                        row(
                                1L,
                                "***",
                                "********5601",
                                Date.valueOf("1971-01-01"),
                                Timestamp.valueOf("2020-01-01 00:00:00"),
                                "690",
                                0.0,
                                null),
                        row(
                                7L,
                                "***",
                                "********5607",
                                Date.valueOf("1977-01-01"),
                                Timestamp.valueOf("2020-07-01 00:00:00"),
                                "690",
                                5.0,
                                null),
                        row(
                                12L,
                                "***",
                                "********5612",
                                Date.valueOf("1982-01-01"),
                                Timestamp.valueOf("2020-12-01 00:00:00"),
                                "690",
                                10.0,
                                null)));
    }

    @Test
    void adminSeesRawValues() throws Exception {
        assertRows(
                shop.admin,
                "SELECT name, phone, birth, zip, score, segment FROM shop.customer WHERE c_id = 7",
                table(row("cust7", "+33612345607", Date.valueOf("1977-07-17"), "69049", 7.75, "A")));
    }

    @Test
    void numericBucketsKeepTheColumnType() throws Exception {
        assertRows(
                alice,
                "SELECT o_id, amount, o_date FROM shop.orders WHERE o_id IN (11, 32, 122) ORDER BY o_id",
                table(
                        row(11L, 0L, Date.valueOf("2024-01-01")),
                        row(32L, 25L, Date.valueOf("2024-02-01")),
                        row(122L, 125L, Date.valueOf("2024-02-01"))));
    }

    @Test
    void hashIsTheKeyedHmacOfTheValueUnderTheWarehouseSecret() throws Exception {
        byte[] key = Files.readAllBytes(shop.directory.resolve(MaskKey.FILE_NAME));
        assertEquals(32, key.length);
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        String expected = HexFormat.of().formatHex(mac.doFinal("c5@mail.test".getBytes(StandardCharsets.UTF_8)));
        assertRows(alice, "SELECT email FROM shop.customer WHERE c_id = 5", table(row(expected)));
        // Keyed: not the plain digest of the value.
        String plain = HexFormat.of()
                .formatHex(java.security.MessageDigest.getInstance("SHA-256")
                        .digest("c5@mail.test".getBytes(StandardCharsets.UTF_8)));
        assertNotEquals(plain, expected);
    }

    @Test
    void hashIsStableAcrossSessionsAndDistinctPerValue() throws Exception {
        List<List<Object>> first = rows(alice, "SELECT c_id, email FROM shop.customer ORDER BY c_id");
        List<List<Object>> again = rows(bob, "SELECT c_id, email FROM shop.customer ORDER BY c_id");
        assertEquals(first, again);
        assertRows(
                alice,
                "SELECT COUNT(DISTINCT email), MIN(LENGTH(email)), MAX(LENGTH(email)) FROM shop.customer",
                table(row(12L, 64L, 64L)));
        // Joinable: equal values hash equally.
        assertRows(
                alice,
                "SELECT COUNT(*) FROM shop.customer a JOIN shop.customer b ON a.email = b.email",
                table(row(12L)));
    }

    @Test
    void whereSeesTheMaskedValueNotTheRawOne() throws Exception {
        assertRows(alice, "SELECT COUNT(*) FROM shop.customer WHERE zip = '69049'", table(row(0L)));
        assertRows(alice, "SELECT COUNT(*) FROM shop.customer WHERE zip = '690'", table(row(12L)));
        assertRows(alice, "SELECT COUNT(*) FROM shop.customer WHERE phone LIKE '+33%'", table(row(0L)));
        assertRows(alice, "SELECT COUNT(*) FROM shop.customer WHERE name = 'cust7'", table(row(0L)));
        assertRows(alice, "SELECT COUNT(*) FROM shop.customer WHERE birth = DATE '1977-07-17'", table(row(0L)));
    }

    @Test
    void groupingUsesTheMaskedValue() throws Exception {
        assertRows(
                alice,
                "SELECT score, COUNT(*) FROM shop.customer GROUP BY score ORDER BY score",
                table(row(0.0, 4L), row(5.0, 5L), row(10.0, 3L)));
        assertRows(
                alice,
                "SELECT EXTRACT(YEAR FROM birth) AS y, COUNT(*) FROM shop.customer "
                        + "WHERE c_id <= 3 GROUP BY EXTRACT(YEAR FROM birth) ORDER BY y",
                table(row(1971L, 1L), row(1972L, 1L), row(1973L, 1L)));
    }

    @Test
    void maskForRoleAppliesOnlyToThatRole() throws Exception {
        assertRows(bob, "SELECT DISTINCT status FROM shop.orders", table(row("***")));
        assertRows(alice, "SELECT DISTINCT status FROM shop.orders ORDER BY status", table(row("done"), row("open")));
    }

    @Test
    void maskedColumnsHaveTheMaskTypeInMetadata() throws Exception {
        try (var rs = alice.getMetaData().getColumns(null, "shop", "customer", "email")) {
            assertTrue(rs.next());
            assertEquals("VARCHAR", rs.getString("TYPE_NAME"));
        }
        try (var rs = alice.getMetaData().getColumns(null, "shop", "customer", "birth")) {
            assertTrue(rs.next());
            assertEquals("DATE", rs.getString("TYPE_NAME"));
        }
    }
}
