package dev.veil.policy;

import static dev.veil.policy.PolicyTestWarehouse.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil.policies}: every user reads what protects the data they query, and nothing more. */
class PoliciesSystemTableTest {
    private static final String QUERY =
            "SELECT table_name, column_name, policy, role_name, definition FROM veil.policies";

    @TempDir
    Path dir;

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    @Test
    void eachUserSeesThePoliciesThatApplyToThemAndAdminsSeeAll() throws Exception {
        Path warehouse = PolicyTestWarehouse.copy(dir);
        try (Connection admin = PolicyTestWarehouse.connect(warehouse, PolicyTestWarehouse.ADMIN);
                Statement s = admin.createStatement()) {
            for (String sql : List.of(
                    "ALTER TABLE shop.customers SET PRIVACY UNIT (id)",
                    "ALTER TABLE shop.customers SET MIN GROUP SIZE 10",
                    "ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN",
                    "ALTER TABLE shop.customers ALTER COLUMN phone SET POLICY MASKED USING HASH FOR ROLE support",
                    "ALTER TABLE shop.customers ALTER COLUMN region SET DOMAIN IN ('EU', 'US')",
                    "ALTER TABLE shop.customers SET ROW FILTER (id <> 4711) FOR ROLE eu")) {
                s.execute(sql);
            }
        }
        List<Object> unit = row("customers", "id", "PRIVACY UNIT", null, "PRIVACY UNIT (id)");
        List<Object> size = row("customers", null, "MIN GROUP SIZE", null, "MIN GROUP SIZE 10 SUPPRESS");
        List<Object> email = row("customers", "email", "COLUMN POLICY", null, "HIDDEN");
        List<Object> phone = row("customers", "phone", "COLUMN POLICY", "support", "MASKED USING HASH");
        List<Object> domain = row("customers", "region", "DOMAIN", null, "DOMAIN IN ('EU', 'US')");
        Map<String, List<List<Object>>> expected = Map.of(
                PolicyTestWarehouse.ANA, List.of(unit, size, email, domain),
                PolicyTestWarehouse.SAM, List.of(unit, size, email, phone, domain),
                PolicyTestWarehouse.EVE,
                        List.of(
                                unit,
                                size,
                                email,
                                domain,
                                row("customers", null, "ROW FILTER", "eu", PolicyListing.HIDDEN_PREDICATE)),
                PolicyTestWarehouse.ADMIN,
                        List.of(
                                unit,
                                size,
                                email,
                                phone,
                                domain,
                                row("customers", null, "ROW FILTER", "eu", "ROW FILTER (\"id\" <> 4711)")));
        for (Map.Entry<String, List<List<Object>>> e : expected.entrySet()) {
            try (Connection c = PolicyTestWarehouse.connect(warehouse, e.getKey());
                    Statement s = c.createStatement()) {
                assertEquals(e.getValue(), rows(s, QUERY), e.getKey());
            }
        }
    }
}
