package dev.veil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.audit.AuditEntry;
import dev.veil.audit.AuditLog;
import dev.veil.audit.Decision;
import dev.veil.audit.StatementKind;
import dev.veil.catalog.Principals;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.policy.PolicyTestWarehouse;
import dev.veil.policy.SqlitePolicyStore;
import dev.veil.policy.TablePolicies;
import dev.veil.session.EmbeddedDriver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil policy export|apply}, run in-process through the CLI's entry point. */
class PolicyCommandTest {
    private static final List<String> POLICIES = List.of(
            "ALTER TABLE shop.customers SET PRIVACY UNIT (id)",
            "ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)",
            "ALTER TABLE shop.lines SET PRIVACY UNIT VIA (order_id) REFERENCES shop.orders (id)",
            "ALTER TABLE shop.customers SET MIN GROUP SIZE 10",
            "ALTER TABLE shop.customers SET MIN GROUP SIZE 3 REMAINDER FOR ROLE support",
            "ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN",
            "ALTER TABLE shop.customers ALTER COLUMN phone SET POLICY MASKED USING SHOW_LAST(4)",
            "ALTER TABLE shop.customers ALTER COLUMN birth SET POLICY MASKED USING YEAR FOR ROLE eu",
            "ALTER TABLE shop.customers ALTER COLUMN region SET DOMAIN IN ('EU', 'US')",
            "ALTER TABLE shop.customers SET ROW FILTER (region = 'EU' AND name <> 'it''s') FOR ROLE eu",
            "ALTER TABLE shop.orders ALTER COLUMN amount SET POLICY AGGREGATE ONLY BOUNDS (0, 1000.50)",
            "ALTER TABLE shop.orders ALTER COLUMN customer_id SET POLICY JOIN ONLY",
            "ALTER TABLE shop.orders SET ROW FILTER (day >= DATE '2020-01-01')",
            "ALTER TABLE shop.lines ALTER COLUMN product_id SET DOMAIN REFERENCES shop.products (id)",
            "ALTER TABLE shop.lines ALTER COLUMN price SET POLICY MASKED USING BUCKET(5)",
            "ALTER TABLE shop.customers SET DIFFERENTIAL PRIVACY (EPSILON 1.5, MAX ROWS PER UNIT PER GROUP 3)",
            "ALTER TABLE shop.orders SET DIFFERENTIAL PRIVACY (EPSILON 0.25, DELTA 1e-7, MAX GROUPS PER UNIT 4) "
                    + "FOR ROLE support");

    private static final List<String> TABLES = List.of(
            "CREATE SCHEMA shop",
            "CREATE TABLE shop.customers (id BIGINT NOT NULL, name VARCHAR, email VARCHAR, phone VARCHAR, "
                    + "birth DATE, zip VARCHAR, region VARCHAR, score DOUBLE, joined TIMESTAMP, vip BOOLEAN)",
            "CREATE TABLE shop.orders (id BIGINT NOT NULL, customer_id BIGINT, amount DECIMAL(12,2), qty INTEGER, "
                    + "day DATE, status VARCHAR)",
            "CREATE TABLE shop.lines (id BIGINT NOT NULL, order_id BIGINT, product_id INTEGER, price DOUBLE)",
            "CREATE TABLE shop.products (id INTEGER NOT NULL, name VARCHAR, category VARCHAR)");

    @TempDir
    Path dir;

    /** The result of one in-process CLI run. */
    record Run(int status, String out, String err) {}

    private static Run veil(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Run(
                    status, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    private static void execute(Path warehouse, String user, List<String> statements, boolean create)
            throws SQLException {
        java.util.Properties info = new java.util.Properties();
        info.setProperty("user", user);
        try (Connection c = DriverManager.getConnection(
                        EmbeddedDriver.PREFIX + warehouse + (create ? ";create=true" : ""), info);
                Statement s = c.createStatement()) {
            for (String sql : statements) {
                s.execute(sql);
            }
        }
    }

    private static List<TablePolicies> policies(Path warehouse) {
        try (SqliteCatalog catalog = SqliteCatalog.open(warehouse.resolve(SqliteCatalog.FILE_NAME))) {
            return new SqlitePolicyStore(catalog).all();
        }
    }

    /** A new warehouse with the shop tables and no users, roles or policies. */
    private Path freshWarehouse(String name) throws SQLException {
        Path wh = dir.resolve(name);
        execute(wh, "admin", TABLES, true);
        return wh;
    }

    @Test
    void exportThenApplyOnAFreshWarehouseYieldsIdenticalPolicies() throws Exception {
        Path source = PolicyTestWarehouse.copy(dir.resolve("a"));
        execute(source, PolicyTestWarehouse.ADMIN, POLICIES, false);
        Path file = dir.resolve("policies.yaml");
        Run export = veil("policy", "export", "--warehouse", source.toString(), file.toString());
        assertEquals(0, export.status(), export.err());
        assertTrue(export.out().contains("Exported the policies to " + file), export.out());

        Path target = freshWarehouse("b");
        Run apply = veil("policy", "apply", "--warehouse", target.toString(), file.toString());
        assertEquals(0, apply.status(), apply.err());
        assertEquals("Applied the policies of 3 tables from " + file + "; created 2 roles\n", apply.out());

        List<TablePolicies> expected = policies(source);
        assertEquals(3, expected.size());
        assertEquals(expected, policies(target));
        Path again = dir.resolve("again.yaml");
        assertEquals(
                0,
                veil("policy", "export", "--warehouse", target.toString(), again.toString())
                        .status());
        assertEquals(Files.readString(file), Files.readString(again));

        // Applying the same file again changes nothing.
        assertEquals(
                0,
                veil("policy", "apply", "--warehouse", target.toString(), file.toString())
                        .status());
        assertEquals(expected, policies(target));

        try (SqliteCatalog catalog = SqliteCatalog.open(target.resolve(SqliteCatalog.FILE_NAME))) {
            List<AuditEntry> applies = new AuditLog(catalog)
                    .entries().stream()
                            .filter(e -> e.kind() == StatementKind.POLICY_CHANGE)
                            .toList();
            assertEquals(2, applies.size());
            assertEquals("admin", applies.get(0).user());
            assertEquals(Decision.ALLOWED, applies.get(0).decision());
            assertEquals(
                    "POLICY APPLY '" + file + "' (3 tables: shop.customers, shop.lines, shop.orders)",
                    applies.get(0).statement());
        }
    }

    @Test
    void aBadFileAppliesNothingAndNamesTheEntry() throws Exception {
        Path target = freshWarehouse("b");
        execute(
                target,
                "admin",
                List.of(
                        "ALTER TABLE shop.customers SET PRIVACY UNIT (id)",
                        "ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN"),
                false);
        List<TablePolicies> before = policies(target);
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                version: 1
                roles: [auditors]
                tables:
                  - table: shop.customers
                    privacy_unit: {column: id}
                    columns:
                      - {column: phone, policy: HIDDEN, role: auditors}
                  - table: shop.orders
                    privacy_unit:
                      via: customer_id
                      references: {table: shop.customers, column: id}
                    columns:
                      - {column: amount, policy: AGGREGATE ONLY, bounds: [0, 100]}
                      - {column: amout, policy: HIDDEN}
                """);
        Run run = veil("policy", "apply", "--warehouse", target.toString(), file.toString());
        assertEquals(1, run.status());
        assertEquals("", run.out());
        assertTrue(
                run.err()
                        .startsWith("veil: VEIL-0025 INVALID_POLICY: " + file + ": tables[1] (shop.orders): "
                                + "Policy HIDDEN on 'shop.orders.amout' is invalid: column 'amout' not found in table 'shop.orders'; "
                                + "did you mean 'amount'?"),
                run.err());
        assertEquals(before, policies(target));
        try (SqliteCatalog catalog = SqliteCatalog.open(target.resolve(SqliteCatalog.FILE_NAME))) {
            assertFalse(new Principals(catalog).roles().contains("auditors"), "the role was not created either");
            AuditEntry last = new AuditLog(catalog)
                    .entries()
                    .get(new AuditLog(catalog).entries().size() - 1);
            assertEquals(Decision.FAILED, last.decision());
            assertTrue(
                    last.reason().orElseThrow().contains("'shop.orders.amout'"),
                    last.reason().orElseThrow());
        }

        Files.writeString(file, "tables:\n  - table: shop.customers\n    colums: []\n");
        Run shape = veil("policy", "apply", "--warehouse", target.toString(), file.toString());
        assertEquals(1, shape.status());
        assertTrue(
                shape.err().contains(file + ": tables[0] (shop.customers) has an unknown key 'colums'"), shape.err());

        Run missing = veil(
                "policy",
                "apply",
                "--warehouse",
                target.toString(),
                dir.resolve("nope.yaml").toString());
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("FILE_NOT_FOUND"), missing.err());
        assertEquals(before, policies(target));
    }

    @Test
    void viaUnitsApplyWhateverTheirOrderInTheFileAndCyclesAreRefused() throws Exception {
        Path target = freshWarehouse("b");
        Path file = dir.resolve("p.yaml");
        Files.writeString(file, """
                tables:
                  - table: shop.lines
                    privacy_unit: {via: order_id, references: {table: shop.orders, column: id}}
                  - table: shop.orders
                    privacy_unit: {via: customer_id, references: {table: shop.customers, column: id}}
                  - table: shop.customers
                    privacy_unit: {column: id}
                """);
        Run run = veil("policy", "apply", "--warehouse", target.toString(), file.toString());
        assertEquals(0, run.status(), run.err());
        assertEquals(3, policies(target).size());

        Files.writeString(file, """
                tables:
                  - table: shop.orders
                    privacy_unit: {via: customer_id, references: {table: shop.customers, column: id}}
                  - table: shop.customers
                    privacy_unit: {via: id, references: {table: shop.orders, column: customer_id}}
                """);
        Run cycle = veil("policy", "apply", "--warehouse", target.toString(), file.toString());
        assertEquals(1, cycle.status());
        assertTrue(
                cycle.err()
                        .contains("the privacy units of tables[0] (shop.orders), tables[1] (shop.customers) "
                                + "reach each other through VIA in a cycle"),
                cycle.err());

        // Removing the customers' unit would strand shop.lines, which the file does not mention.
        Files.writeString(file, "tables:\n  - table: shop.customers\n  - table: shop.orders\n");
        Run stranded = veil("policy", "apply", "--warehouse", target.toString(), file.toString());
        assertEquals(1, stranded.status());
        assertTrue(
                stranded.err()
                        .contains("on 'shop.lines' is invalid: the parent table 'shop.orders' has no privacy unit"),
                stranded.err());
        assertEquals(3, policies(target).size());
    }
}
