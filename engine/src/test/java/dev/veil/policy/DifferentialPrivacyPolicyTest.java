package dev.veil.policy;

import static dev.veil.policy.PolicyTestWarehouse.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableName;
import dev.veil.session.Engine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential-privacy policies: {@code SET / DROP DIFFERENTIAL PRIVACY} through a real JDBC
 * connection, how they resolve per user, how they are listed, and their policy-file form.
 */
class DifferentialPrivacyPolicyTest {
    private static final TableName CUSTOMERS = new TableName("shop", "customers");
    private static final TableName ORDERS = new TableName("shop", "orders");
    private static final String DEFAULTS = "DIFFERENTIAL PRIVACY (EPSILON 1, DELTA 0.00001, MAX GROUPS PER UNIT 1, "
            + "MAX ROWS PER UNIT PER GROUP 1)";

    @TempDir
    Path dir;

    private Path warehouse;
    private Connection admin;
    private Statement sql;

    @BeforeEach
    void open() throws Exception {
        warehouse = PolicyTestWarehouse.copy(dir);
        admin = PolicyTestWarehouse.connect(warehouse, PolicyTestWarehouse.ADMIN);
        sql = admin.createStatement();
        sql.execute("ALTER TABLE shop.customers SET PRIVACY UNIT (id)");
    }

    @AfterEach
    void close() throws Exception {
        admin.close();
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    private void run(String... statements) throws SQLException {
        for (String s : statements) {
            sql.execute(s);
        }
    }

    /** The differential-privacy rows of SHOW POLICIES: table, role, definition. */
    private List<List<Object>> dpPolicies() throws SQLException {
        return rows(sql, "SHOW POLICIES").stream()
                .filter(r -> r.get(3).equals("DIFFERENTIAL PRIVACY"))
                .map(r -> row(r.get(1), r.get(4), r.get(5)))
                .toList();
    }

    private void withResolver(Consumer<StoredPolicyResolver> test) {
        Engine engine = Engine.acquire(warehouse);
        try {
            test.accept(new StoredPolicyResolver(engine.warehouse().sqliteCatalog()));
        } finally {
            engine.release();
        }
    }

    @Test
    void setReplacesPerScopeAndDropRemoves() throws SQLException {
        run(
                "ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY (EPSILON 1)",
                "ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)",
                "ALTER TABLE shop.orders SET DIFFERENTIAL PRIVACY (MAX ROWS PER UNIT PER GROUP 5, EPSILON 0.5, "
                        + "MAX GROUPS PER UNIT 3, DELTA 1e-7) FOR ROLE support");
        assertEquals(
                List.of(
                        row("customers", null, DEFAULTS),
                        row(
                                "orders",
                                "support",
                                "DIFFERENTIAL PRIVACY (EPSILON 0.5, DELTA 0.0000001, MAX GROUPS PER UNIT 3, "
                                        + "MAX ROWS PER UNIT PER GROUP 5)")),
                dpPolicies());

        run(
                "ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY (EPSILON 1e20, DELTA 0.5, MAX GROUPS PER UNIT 2)",
                "ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY (EPSILON 0.25) FOR ROLE support");
        assertEquals(
                List.of(
                        row(
                                "customers",
                                null,
                                "DIFFERENTIAL PRIVACY (EPSILON 1E+20, DELTA 0.5, MAX GROUPS PER UNIT 2, "
                                        + "MAX ROWS PER UNIT PER GROUP 1)"),
                        row(
                                "customers",
                                "support",
                                "DIFFERENTIAL PRIVACY (EPSILON 0.25, DELTA 0.00001, MAX GROUPS PER UNIT 1, "
                                        + "MAX ROWS PER UNIT PER GROUP 1)"),
                        row(
                                "orders",
                                "support",
                                "DIFFERENTIAL PRIVACY (EPSILON 0.5, DELTA 0.0000001, MAX GROUPS PER UNIT 3, "
                                        + "MAX ROWS PER UNIT PER GROUP 5)")),
                dpPolicies());

        run(
                "ALTER TABLE shop.customers DROP DIFFERENTIAL PRIVACY",
                "ALTER TABLE shop.orders DROP DIFFERENTIAL PRIVACY FOR ROLE support");
        assertEquals(
                List.of(row(
                        "customers",
                        "support",
                        "DIFFERENTIAL PRIVACY (EPSILON 0.25, DELTA 0.00001, "
                                + "MAX GROUPS PER UNIT 1, MAX ROWS PER UNIT PER GROUP 1)")),
                dpPolicies());

        SQLException e = assertThrows(
                SQLException.class, () -> sql.execute("ALTER TABLE shop.customers DROP DIFFERENTIAL PRIVACY"));
        assertTrue(
                e.getMessage().contains("INVALID_POLICY")
                        && e.getMessage()
                                .contains(
                                        "Table 'shop.customers' has no differential privacy policy for every non-admin role to drop"),
                e.getMessage());
        e = assertThrows(
                SQLException.class, () -> sql.execute("ALTER TABLE shop.orders DROP DIFFERENTIAL PRIVACY FOR ROLE eu"));
        assertTrue(e.getMessage().contains("has no differential privacy policy for role 'eu'"), e.getMessage());
    }

    @Test
    void droppingTheTableDropsItsPolicy() throws SQLException {
        run("ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY (EPSILON 1)", "DROP TABLE shop.customers");
        assertEquals(List.of(), dpPolicies());
    }

    @Test
    void onlyAdminsSetOrDrop() throws SQLException {
        run("ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY (EPSILON 1)");
        try (Connection ana = PolicyTestWarehouse.connect(warehouse, PolicyTestWarehouse.ANA);
                Statement s = ana.createStatement()) {
            for (String statement : List.of(
                    "ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY (EPSILON 100)",
                    "ALTER TABLE shop.customers DROP DIFFERENTIAL PRIVACY")) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(statement), statement);
                assertTrue(
                        e.getMessage().contains("ACCESS_DENIED")
                                && e.getMessage().contains("user 'ana'"),
                        statement + " -> " + e.getMessage());
            }
        }
        assertEquals(List.of(row("customers", null, DEFAULTS)), dpPolicies());
    }

    /** A statement that must fail with INVALID_POLICY, and the words its message must hold. */
    private record Refused(String statement, String... expected) {}

    @Test
    void aTableWithoutAUnitAndBadParametersAreRefusedNamingTheProblem() throws SQLException {
        run("ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY (EPSILON 1)");
        List<List<Object>> before = rows(sql, "SHOW POLICIES");
        String dp = "ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY ";
        List<Refused> cases = List.of(
                new Refused(
                        "ALTER TABLE shop.products SET DIFFERENTIAL PRIVACY (EPSILON 1)",
                        "'shop.products'",
                        "the table has none; set one first with ALTER TABLE shop.products SET PRIVACY UNIT (column)"),
                new Refused(
                        "ALTER TABLE shop.prodcts SET DIFFERENTIAL PRIVACY (EPSILON 1)",
                        "table 'shop.prodcts' not found",
                        "did you mean 'shop.products'"),
                new Refused(
                        dp + "(EPSILON 0)",
                        "DIFFERENTIAL PRIVACY on 'shop.customers'",
                        "EPSILON must be at least 1e-6"),
                new Refused(dp + "(EPSILON 1e31)", "EPSILON must be at least 1e-6 and at most 1e30"),
                new Refused(dp + "(EPSILON 1, DELTA 1)", "DELTA must be >= 0 and < 1"),
                new Refused(dp + "(EPSILON 1, MAX GROUPS PER UNIT 0)", "MAX GROUPS PER UNIT must be from 1 to 1000000"),
                new Refused(
                        dp + "(EPSILON 1, MAX ROWS PER UNIT PER GROUP 0)",
                        "MAX ROWS PER UNIT PER GROUP must be from 1 to 1000000"),
                new Refused(dp + "(EPSILON 1) FOR ROLE admin", "role 'admin' is never restricted"),
                new Refused(
                        dp + "(EPSILON 1) FOR ROLE suport", "role 'suport' does not exist", "did you mean 'support'"));
        for (Refused c : cases) {
            SQLException e = assertThrows(SQLException.class, () -> sql.execute(c.statement()), c.statement());
            assertTrue(e.getMessage().contains("INVALID_POLICY"), c.statement() + " -> " + e.getMessage());
            for (String expected : c.expected()) {
                assertTrue(e.getMessage().contains(expected), c.statement() + " -> " + e.getMessage());
            }
            assertEquals(before, rows(sql, "SHOW POLICIES"), "nothing changed after: " + c.statement());
        }
    }

    @Test
    void aViaPathIsAUnitAndABrokenOneIsRefused() throws SQLException {
        run(
                "ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)",
                "ALTER TABLE shop.lines SET PRIVACY UNIT VIA (order_id) REFERENCES shop.orders (id)",
                "ALTER TABLE shop.lines SET DIFFERENTIAL PRIVACY (EPSILON 2)",
                "DROP TABLE shop.customers");
        SQLException e = assertThrows(
                SQLException.class, () -> sql.execute("ALTER TABLE shop.orders SET DIFFERENTIAL PRIVACY (EPSILON 1)"));
        assertTrue(e.getMessage().contains("parent table 'shop.customers' no longer exists"), e.getMessage());
    }

    @Test
    void theStrictestPolicyOfTheUsersRolesAppliesAndAdminsGetNone() throws SQLException {
        run(
                "ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY "
                        + "(EPSILON 1, DELTA 1e-5, MAX GROUPS PER UNIT 2, MAX ROWS PER UNIT PER GROUP 3)",
                "ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY "
                        + "(EPSILON 0.5, DELTA 1e-6, MAX GROUPS PER UNIT 4, MAX ROWS PER UNIT PER GROUP 1) FOR ROLE support",
                "ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY "
                        + "(EPSILON 2, DELTA 1e-4, MAX GROUPS PER UNIT 1, MAX ROWS PER UNIT PER GROUP 5) FOR ROLE eu");
        Principal ana = new Principal("ana", Set.of("analyst"));
        Principal sam = new Principal("sam", Set.of("analyst", "support"));
        Principal eve = new Principal("eve", Set.of("eu"));
        Principal root = new Principal("admin", Set.of("admin", "support"));
        withResolver(resolver -> {
            Map<Principal, Optional<DifferentialPrivacy>> expected = Map.of(
                    ana, Optional.of(new DifferentialPrivacy(1, 1e-5, 2, 3)),
                    sam, Optional.of(new DifferentialPrivacy(0.5, 1e-6, 2, 1)),
                    eve, Optional.of(new DifferentialPrivacy(1, 1e-5, 1, 3)),
                    root, Optional.empty());
            expected.forEach((principal, dp) ->
                    assertEquals(dp, resolver.access(CUSTOMERS, principal).differentialPrivacy(), principal.name()));
            assertEquals(
                    List.of(
                            "PRIVACY UNIT (id) on shop.customers",
                            "DIFFERENTIAL PRIVACY (EPSILON 1, DELTA 0.00001, MAX GROUPS PER UNIT 2, MAX ROWS PER UNIT PER GROUP 3)"
                                    + " on shop.customers for every non-admin role",
                            "DIFFERENTIAL PRIVACY (EPSILON 0.5, DELTA 0.000001, MAX GROUPS PER UNIT 4, "
                                    + "MAX ROWS PER UNIT PER GROUP 1) on shop.customers for role 'support'",
                            "DIFFERENTIAL PRIVACY (EPSILON 0.5, DELTA 0.000001, MAX GROUPS PER UNIT 2, "
                                    + "MAX ROWS PER UNIT PER GROUP 1) on shop.customers: the strictest of the 2 above"),
                    resolver.access(CUSTOMERS, sam).applied());
            assertEquals(
                    Optional.empty(),
                    resolver.access(ORDERS, ana).differentialPrivacy(),
                    "a table without a policy has none");
        });

        run("ALTER TABLE shop.customers DROP DIFFERENTIAL PRIVACY");
        withResolver(resolver -> {
            assertEquals(Optional.empty(), resolver.access(CUSTOMERS, ana).differentialPrivacy());
            assertEquals(
                    Optional.of(new DifferentialPrivacy(2, 1e-4, 1, 5)),
                    resolver.access(CUSTOMERS, eve).differentialPrivacy());
            assertEquals(
                    Optional.of(new DifferentialPrivacy(0.5, 1e-6, 4, 1)),
                    resolver.access(CUSTOMERS, sam).differentialPrivacy());
        });
    }

    @Test
    void showPoliciesAndTheSystemTableListIt() throws SQLException {
        run(
                "ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY (EPSILON 1)",
                "ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY (EPSILON 0.1) FOR ROLE support");
        List<Object> all = row("shop", "customers", null, "DIFFERENTIAL PRIVACY", null, DEFAULTS);
        List<Object> support = row(
                "shop",
                "customers",
                null,
                "DIFFERENTIAL PRIVACY",
                "support",
                "DIFFERENTIAL PRIVACY (EPSILON 0.1, DELTA 0.00001, MAX GROUPS PER UNIT 1, MAX ROWS PER UNIT PER GROUP 1)");
        assertEquals(
                List.of(row("shop", "customers", "id", "PRIVACY UNIT", null, "PRIVACY UNIT (id)"), all, support),
                rows(sql, "SHOW POLICIES FOR shop.customers"));
        String query = "SELECT schema_name, table_name, column_name, policy, role_name, definition FROM veil.policies "
                + "WHERE policy = 'DIFFERENTIAL PRIVACY'";
        Map<String, List<List<Object>>> expected = Map.of(
                PolicyTestWarehouse.ANA,
                List.of(all),
                PolicyTestWarehouse.SAM,
                List.of(all, support),
                PolicyTestWarehouse.ADMIN,
                List.of(all, support));
        for (Map.Entry<String, List<List<Object>>> e : expected.entrySet()) {
            try (Connection c = PolicyTestWarehouse.connect(warehouse, e.getKey());
                    Statement s = c.createStatement()) {
                assertEquals(e.getValue(), rows(s, query), e.getKey());
            }
        }
    }

    // ---------------------------------------------------------------- policy files

    private static TablePolicies withDp(TableName table, List<DifferentialPrivacyPolicy> dp) {
        return new TablePolicies(
                table, Optional.of(UnitPolicy.direct(table, "id")), List.of(), List.of(), List.of(), List.of(), dp);
    }

    @Test
    void policyFilesWriteAndReadBackTheParameters() {
        List<TablePolicies> policies = List.of(withDp(
                CUSTOMERS,
                List.of(
                        new DifferentialPrivacyPolicy(
                                CUSTOMERS, Optional.empty(), new DifferentialPrivacy(1, 1e-5, 1, 1)),
                        new DifferentialPrivacyPolicy(
                                CUSTOMERS, Optional.of("support"), new DifferentialPrivacy(1e20, 0.1, 3, 7)),
                        new DifferentialPrivacyPolicy(
                                CUSTOMERS, Optional.of("eu"), new DifferentialPrivacy(1.0 / 3, 1e-12, 2, 2)))));
        String yaml = PolicyYaml.write(policies);
        assertTrue(yaml.contains("""
                    differential_privacy:
                      - epsilon: 1
                        delta: 0.00001
                        max_groups_per_unit: 1
                        max_rows_per_unit_per_group: 1
                """), yaml);
        assertEquals(policies, PolicyYaml.read(yaml, "p.yaml").policies());

        PolicyYaml.Document hand = PolicyYaml.read("""
                tables:
                  - table: shop.customers
                    privacy_unit: {column: id}
                    differential_privacy:
                      - {epsilon: 0.5}
                      - {epsilon: "2", delta: 1e-6, max_groups_per_unit: 4, role: eu}
                """, "hand.yaml");
        assertEquals(
                List.of(withDp(
                        CUSTOMERS,
                        List.of(
                                new DifferentialPrivacyPolicy(
                                        CUSTOMERS, Optional.empty(), new DifferentialPrivacy(0.5, 1e-5, 1, 1)),
                                new DifferentialPrivacyPolicy(
                                        CUSTOMERS, Optional.of("eu"), new DifferentialPrivacy(2, 1e-6, 4, 1))))),
                hand.policies());
    }

    @Test
    void badDifferentialPrivacyEntriesFailNamingTheEntry() {
        String prefix = "tables:\n  - table: s.t\n    differential_privacy: ";
        Map<String, String> cases = Map.of(
                "[{delta: 0.1}]",
                "bad.yaml: tables[0] (s.t).differential_privacy[0] has no 'epsilon'",
                "[{epsilon: 1, epsilom: 2}]",
                "bad.yaml: tables[0] (s.t).differential_privacy[0] has an unknown key "
                        + "'epsilom'; expected one of contribution_bounds, delta, epsilon, max_groups_per_unit,"
                        + " max_rows_per_unit_per_group, role",
                "[{epsilon: 0}]",
                "bad.yaml: tables[0] (s.t).differential_privacy[0] is invalid: EPSILON must be at least 1e-6",
                "[{epsilon: lots}]",
                "bad.yaml: tables[0] (s.t).differential_privacy[0].epsilon must be a number",
                "[{epsilon: 1, delta: 1.5}]",
                "bad.yaml: tables[0] (s.t).differential_privacy[0] is invalid: DELTA must be >= 0 and < 1",
                "[{epsilon: 1, max_groups_per_unit: 1.5}]",
                "bad.yaml: tables[0] (s.t).differential_privacy[0].max_groups_per_unit must be a whole number",
                "[{epsilon: 1, max_rows_per_unit_per_group: 0}]",
                "bad.yaml: tables[0] (s.t).differential_privacy[0] "
                        + "is invalid: MAX ROWS PER UNIT PER GROUP must be from 1 to 1000000",
                "{epsilon: 1}",
                "bad.yaml: tables[0] (s.t).differential_privacy must be a list");
        cases.forEach((yaml, expected) -> {
            VeilException e = assertThrows(VeilException.class, () -> PolicyYaml.read(prefix + yaml, "bad.yaml"), yaml);
            assertEquals(ErrorCode.INVALID_POLICY, e.errorCode(), yaml + " -> " + e.getMessage());
            assertTrue(e.getMessage().startsWith(expected), yaml + " -> " + e.getMessage());
        });
    }
}
