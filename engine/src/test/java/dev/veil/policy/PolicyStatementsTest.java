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
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy statements of DESIGN §8 through a real JDBC connection: what they store, what they refuse. */
class PolicyStatementsTest {
    @TempDir
    Path dir;

    private Connection admin;
    private Statement sql;
    private Path warehouse;

    @BeforeEach
    void open() throws Exception {
        warehouse = PolicyTestWarehouse.copy(dir);
        admin = PolicyTestWarehouse.connect(warehouse, PolicyTestWarehouse.ADMIN);
        sql = admin.createStatement();
    }

    @AfterEach
    void close() throws Exception {
        admin.close();
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    private List<List<Object>> policies() throws SQLException {
        return rows(sql, "SHOW POLICIES");
    }

    private void run(String... statements) throws SQLException {
        for (String s : statements) {
            sql.execute(s);
        }
    }

    @Test
    void everyStatementIsStoredAndShown() throws SQLException {
        run(
                "ALTER TABLE shop.customers SET PRIVACY UNIT (id)",
                "ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)",
                "ALTER TABLE shop.lines SET PRIVACY UNIT VIA (order_id) REFERENCES shop.orders (id)",
                "ALTER TABLE shop.customers SET MIN GROUP SIZE 10",
                "ALTER TABLE shop.customers SET MIN GROUP SIZE 25 REMAINDER FOR ROLE support",
                "ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN",
                "ALTER TABLE shop.customers ALTER COLUMN phone SET POLICY MASKED USING SHOW_LAST(4)",
                "ALTER TABLE shop.customers ALTER COLUMN phone SET POLICY MASKED USING HASH FOR ROLE support",
                "ALTER TABLE shop.customers ALTER COLUMN birth SET POLICY MASKED USING YEAR",
                "ALTER TABLE shop.customers ALTER COLUMN zip SET POLICY MASKED USING TRUNCATE(3)",
                "ALTER TABLE shop.customers ALTER COLUMN score SET POLICY MASKED USING BUCKET(0.5)",
                "ALTER TABLE shop.customers ALTER COLUMN joined SET POLICY MASKED USING MONTH",
                "ALTER TABLE shop.customers ALTER COLUMN name SET POLICY MASKED USING REDACT FOR ROLE eu",
                "ALTER TABLE shop.customers ALTER COLUMN vip SET POLICY MASKED USING NULLIFY",
                "ALTER TABLE shop.customers ALTER COLUMN region SET DOMAIN IN ('EU', 'US', 'APAC')",
                "ALTER TABLE shop.customers SET ROW FILTER (region = 'EU') FOR ROLE eu",
                "ALTER TABLE shop.orders ALTER COLUMN amount SET POLICY AGGREGATE ONLY BOUNDS (0, 1000.50)",
                "ALTER TABLE shop.orders ALTER COLUMN qty SET POLICY AGGREGATE ONLY",
                "ALTER TABLE shop.orders ALTER COLUMN customer_id SET POLICY JOIN ONLY",
                "ALTER TABLE shop.orders SET ROW FILTER (status <> 'test' AND day >= DATE '2020-01-01')",
                "ALTER TABLE shop.lines ALTER COLUMN product_id SET DOMAIN REFERENCES shop.products (id)");
        assertEquals(
                List.of(
                        row("shop", "customers", "id", "PRIVACY UNIT", null, "PRIVACY UNIT (id)"),
                        row("shop", "customers", null, "MIN GROUP SIZE", null, "MIN GROUP SIZE 10 SUPPRESS"),
                        row("shop", "customers", null, "MIN GROUP SIZE", "support", "MIN GROUP SIZE 25 REMAINDER"),
                        row("shop", "customers", "name", "COLUMN POLICY", "eu", "MASKED USING REDACT"),
                        row("shop", "customers", "email", "COLUMN POLICY", null, "HIDDEN"),
                        row("shop", "customers", "phone", "COLUMN POLICY", null, "MASKED USING SHOW_LAST(4)"),
                        row("shop", "customers", "phone", "COLUMN POLICY", "support", "MASKED USING HASH"),
                        row("shop", "customers", "birth", "COLUMN POLICY", null, "MASKED USING YEAR"),
                        row("shop", "customers", "zip", "COLUMN POLICY", null, "MASKED USING TRUNCATE(3)"),
                        row("shop", "customers", "score", "COLUMN POLICY", null, "MASKED USING BUCKET(0.5)"),
                        row("shop", "customers", "joined", "COLUMN POLICY", null, "MASKED USING MONTH"),
                        row("shop", "customers", "vip", "COLUMN POLICY", null, "MASKED USING NULLIFY"),
                        row("shop", "customers", "region", "DOMAIN", null, "DOMAIN IN ('EU', 'US', 'APAC')"),
                        row("shop", "customers", null, "ROW FILTER", "eu", "ROW FILTER (\"region\" = 'EU')"),
                        row(
                                "shop",
                                "lines",
                                "order_id",
                                "PRIVACY UNIT",
                                null,
                                "PRIVACY UNIT VIA (order_id) REFERENCES shop.orders (id)"),
                        row("shop", "lines", "product_id", "DOMAIN", null, "DOMAIN REFERENCES shop.products (id)"),
                        row(
                                "shop",
                                "orders",
                                "customer_id",
                                "PRIVACY UNIT",
                                null,
                                "PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)"),
                        row("shop", "orders", "customer_id", "COLUMN POLICY", null, "JOIN ONLY"),
                        row("shop", "orders", "amount", "COLUMN POLICY", null, "AGGREGATE ONLY BOUNDS (0, 1000.50)"),
                        row("shop", "orders", "qty", "COLUMN POLICY", null, "AGGREGATE ONLY"),
                        row(
                                "shop",
                                "orders",
                                null,
                                "ROW FILTER",
                                null,
                                "ROW FILTER (\"status\" <> 'test' AND \"day\" >= DATE '2020-01-01')")),
                policies());
        assertEquals(
                List.of(
                        row(
                                "shop",
                                "lines",
                                "order_id",
                                "PRIVACY UNIT",
                                null,
                                "PRIVACY UNIT VIA (order_id) REFERENCES shop.orders (id)"),
                        row("shop", "lines", "product_id", "DOMAIN", null, "DOMAIN REFERENCES shop.products (id)")),
                rows(sql, "SHOW POLICIES FOR shop.lines"));
    }

    @Test
    void settingAgainReplacesAndPublicRemoves() throws SQLException {
        run(
                "ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN",
                "ALTER TABLE shop.customers ALTER COLUMN email SET POLICY MASKED USING HASH",
                "ALTER TABLE shop.customers ALTER COLUMN phone SET POLICY HIDDEN FOR ROLE support",
                "ALTER TABLE shop.customers SET ROW FILTER (region = 'EU')",
                "ALTER TABLE shop.customers SET ROW FILTER (region = 'US')",
                "ALTER TABLE shop.customers ALTER COLUMN region SET DOMAIN IN ('EU')",
                "ALTER TABLE shop.customers ALTER COLUMN region SET DOMAIN IN ('US', 'EU')");
        assertEquals(
                List.of(
                        row("shop", "customers", "email", "COLUMN POLICY", null, "MASKED USING HASH"),
                        row("shop", "customers", "phone", "COLUMN POLICY", "support", "HIDDEN"),
                        row("shop", "customers", "region", "DOMAIN", null, "DOMAIN IN ('US', 'EU')"),
                        row("shop", "customers", null, "ROW FILTER", null, "ROW FILTER (\"region\" = 'US')")),
                policies());
        run(
                "ALTER TABLE shop.customers ALTER COLUMN email SET POLICY PUBLIC",
                "ALTER TABLE shop.customers ALTER COLUMN phone SET POLICY PUBLIC FOR ROLE support",
                "ALTER TABLE shop.customers DROP ROW FILTER");
        assertEquals(List.of(row("shop", "customers", "region", "DOMAIN", null, "DOMAIN IN ('US', 'EU')")), policies());
    }

    @Test
    void unqualifiedTableNamesMeanTheSchemaPublic() throws SQLException {
        run(
                "CREATE TABLE people (id BIGINT, born DATE)",
                "ALTER TABLE people SET PRIVACY UNIT (id)",
                "ALTER TABLE people ALTER COLUMN born SET POLICY MASKED USING YEAR");
        assertEquals(
                List.of(
                        row("public", "people", "id", "PRIVACY UNIT", null, "PRIVACY UNIT (id)"),
                        row("public", "people", "born", "COLUMN POLICY", null, "MASKED USING YEAR")),
                rows(sql, "SHOW POLICIES FOR people"));
    }

    @Test
    void domainValuesAreReadAsValuesOfTheColumnsType() throws SQLException {
        run(
                "ALTER TABLE shop.lines ALTER COLUMN product_id SET DOMAIN IN (1, 02, '3')",
                "ALTER TABLE shop.customers ALTER COLUMN birth SET DOMAIN IN (DATE '1980-01-01', '1990-02-03')",
                "ALTER TABLE shop.customers ALTER COLUMN vip SET DOMAIN IN (TRUE, 'False')",
                "ALTER TABLE shop.customers ALTER COLUMN joined SET DOMAIN IN (TIMESTAMP '2024-01-02 03:04:05.5')",
                "ALTER TABLE shop.customers ALTER COLUMN score SET DOMAIN IN (1.50, 2e1, 0.0)",
                "ALTER TABLE shop.customers ALTER COLUMN name SET DOMAIN IN ('it''s', ' padded ')");
        assertEquals(
                List.of(
                        row("shop", "customers", "name", "DOMAIN", null, "DOMAIN IN ('it''s', ' padded ')"),
                        row("shop", "customers", "birth", "DOMAIN", null, "DOMAIN IN ('1980-01-01', '1990-02-03')"),
                        row("shop", "customers", "score", "DOMAIN", null, "DOMAIN IN ('1.5', '20', '0')"),
                        row("shop", "customers", "joined", "DOMAIN", null, "DOMAIN IN ('2024-01-02 03:04:05.500')"),
                        row("shop", "customers", "vip", "DOMAIN", null, "DOMAIN IN ('true', 'false')"),
                        row("shop", "lines", "product_id", "DOMAIN", null, "DOMAIN IN ('1', '2', '3')")),
                policies());
        SQLException e = assertThrows(
                SQLException.class,
                () -> sql.execute("ALTER TABLE shop.lines ALTER COLUMN product_id SET DOMAIN IN (1.5)"));
        assertTrue(e.getMessage().contains("the value '1.5' is not of type INTEGER"), e.getMessage());
    }

    /** A statement that must fail, and the words its error must hold. */
    private record Refused(String statement, String... expected) {}

    @Test
    void invalidPoliciesAreRefusedWithTheirReasonAndChangeNothing() throws SQLException {
        run(
                "ALTER TABLE shop.customers SET PRIVACY UNIT (id)",
                "ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN",
                "ALTER TABLE shop.customers SET ROW FILTER (region = 'EU')");
        List<List<Object>> before = policies();
        List<Refused> cases = List.of(
                new Refused(
                        "ALTER TABLE shop.customer SET PRIVACY UNIT (id)",
                        "table 'shop.customer' not found",
                        "did you mean 'shop.customers'"),
                new Refused(
                        "ALTER TABLE shop.customers ALTER COLUMN emial SET POLICY HIDDEN",
                        "'shop.customers.emial'",
                        "column 'emial' not found",
                        "did you mean 'email'"),
                new Refused(
                        "ALTER TABLE shop.customers SET PRIVACY UNIT (ids)",
                        "column 'ids' not found",
                        "did you mean 'id'"),
                new Refused(
                        "ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN FOR ROLE suport",
                        "role 'suport' does not exist",
                        "did you mean 'support'"),
                new Refused(
                        "ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN FOR ROLE admin",
                        "role 'admin' is never restricted"),
                new Refused(
                        "ALTER TABLE shop.customers ALTER COLUMN name SET POLICY AGGREGATE ONLY BOUNDS (0, 10)",
                        "AGGREGATE ONLY BOUNDS (0, 10)",
                        "bounds need a numeric column",
                        "'name' is VARCHAR"),
                new Refused(
                        "ALTER TABLE shop.orders ALTER COLUMN amount SET POLICY AGGREGATE ONLY BOUNDS (10, 0)",
                        "lower bound 10 is above upper bound 0"),
                new Refused(
                        "ALTER TABLE shop.customers ALTER COLUMN zip SET POLICY MASKED USING YEAR",
                        "YEAR needs a DATE or TIMESTAMP column",
                        "'zip' is VARCHAR"),
                new Refused(
                        "ALTER TABLE shop.customers ALTER COLUMN birth SET POLICY MASKED USING SHOW_LAST(2)",
                        "SHOW_LAST needs a VARCHAR column",
                        "'birth' is DATE"),
                new Refused(
                        "ALTER TABLE shop.customers ALTER COLUMN name SET POLICY MASKED USING BUCKET(10)",
                        "BUCKET needs a numeric column"),
                new Refused(
                        "ALTER TABLE shop.orders ALTER COLUMN qty SET POLICY MASKED USING BUCKET(2.5)",
                        "bucket width",
                        "must be a whole number"),
                new Refused(
                        "ALTER TABLE shop.orders ALTER COLUMN qty SET POLICY MASKED USING TRUNCATE(1)",
                        "would mask nothing",
                        "use BUCKET"),
                new Refused(
                        "ALTER TABLE shop.orders ALTER COLUMN amount SET POLICY MASKED USING TRUNCATE(2)",
                        "keeps every decimal"),
                new Refused(
                        "ALTER TABLE shop.customers ALTER COLUMN vip SET POLICY MASKED USING TRUNCATE(1)",
                        "TRUNCATE needs a VARCHAR or numeric column"),
                new Refused("ALTER TABLE shop.customers SET MIN GROUP SIZE 1", "at least 2"),
                new Refused("ALTER TABLE shop.products SET MIN GROUP SIZE 5", "the table has none"),
                new Refused(
                        "ALTER TABLE shop.lines SET PRIVACY UNIT VIA (order_id) REFERENCES shop.orders (id)",
                        "'shop.orders' has no privacy unit"),
                new Refused(
                        "ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (ident)",
                        "column 'ident' not found in table 'shop.customers'"),
                new Refused(
                        "ALTER TABLE shop.orders SET PRIVACY UNIT VIA (status) REFERENCES shop.customers (id)",
                        "'status' is VARCHAR but the key shop.customers (id) is BIGINT"),
                new Refused(
                        "ALTER TABLE shop.orders SET PRIVACY UNIT VIA (id) REFERENCES shop.orders (id)",
                        "through itself"),
                new Refused(
                        "ALTER TABLE shop.customers SET ROW FILTER (regoin = 'EU')",
                        "ROW FILTER on 'shop.customers'",
                        "column 'regoin' not found",
                        "did you mean 'region'"),
                new Refused("ALTER TABLE shop.customers SET ROW FILTER (c.region = 'EU')", "unqualified"),
                new Refused(
                        "ALTER TABLE shop.customers SET ROW FILTER (id IN (SELECT customer_id FROM shop.orders))",
                        "sub-query"),
                new Refused("ALTER TABLE shop.customers SET ROW FILTER (score + 1)", "ROW FILTER on 'shop.customers'"),
                new Refused("ALTER TABLE shop.customers DROP ROW FILTER FOR ROLE eu", "no row filter for role 'eu'"),
                new Refused(
                        "ALTER TABLE shop.customers ALTER COLUMN birth SET DOMAIN IN ('1980-01-01', 'soon')",
                        "'soon' is not of type DATE"),
                new Refused(
                        "ALTER TABLE shop.customers ALTER COLUMN region SET DOMAIN IN ('EU', 'EU')", "listed twice"),
                new Refused(
                        "ALTER TABLE shop.orders ALTER COLUMN customer_id SET DOMAIN REFERENCES shop.customers (name)",
                        "is BIGINT but shop.customers (name) is VARCHAR"));
        for (Refused c : cases) {
            SQLException e = assertThrows(SQLException.class, () -> sql.execute(c.statement()), c.statement());
            assertTrue(e.getMessage().contains("INVALID_POLICY"), c.statement() + " -> " + e.getMessage());
            for (String expected : c.expected()) {
                assertTrue(e.getMessage().contains(expected), c.statement() + " -> " + e.getMessage());
            }
            assertEquals(before, policies(), "nothing changed after: " + c.statement());
        }
    }

    @Test
    void aCycleOfViaUnitsIsRefused() throws SQLException {
        run(
                "ALTER TABLE shop.customers SET PRIVACY UNIT (id)",
                "ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)");
        SQLException e = assertThrows(
                SQLException.class,
                () -> sql.execute(
                        "ALTER TABLE shop.customers SET PRIVACY UNIT VIA (id) REFERENCES shop.orders (customer_id)"));
        assertTrue(
                e.getMessage().contains("shop.customers -> shop.orders -> shop.customers is a cycle"), e.getMessage());
        assertEquals(
                row("shop", "customers", "id", "PRIVACY UNIT", null, "PRIVACY UNIT (id)"),
                policies().get(0));
    }

    @Test
    void onlyAdminsChangePolicies() throws SQLException {
        try (Connection ana = PolicyTestWarehouse.connect(warehouse, PolicyTestWarehouse.ANA);
                Statement s = ana.createStatement()) {
            for (String statement : List.of(
                    "ALTER TABLE shop.customers SET PRIVACY UNIT (id)",
                    "ALTER TABLE shop.customers SET MIN GROUP SIZE 5",
                    "ALTER TABLE shop.customers ALTER COLUMN email SET POLICY PUBLIC",
                    "ALTER TABLE shop.customers ALTER COLUMN region SET DOMAIN IN ('EU')",
                    "ALTER TABLE shop.customers SET ROW FILTER (TRUE)",
                    "ALTER TABLE shop.customers DROP ROW FILTER",
                    "ALTER TABLE shop.customers DROP MIN GROUP SIZE",
                    "ALTER TABLE shop.customers DROP PRIVACY UNIT",
                    "DROP PRIVACY BUDGET b")) {
                SQLException e = assertThrows(SQLException.class, () -> s.execute(statement), statement);
                assertTrue(
                        e.getMessage().contains("ACCESS_DENIED")
                                && e.getMessage().contains("user 'ana'"),
                        statement + " -> " + e.getMessage());
            }
        }
        assertEquals(List.of(), policies());
    }

    @Test
    void droppingATableDropsItsPoliciesAndBreaksPathsThroughIt() throws SQLException {
        run(
                "ALTER TABLE shop.customers SET PRIVACY UNIT (id)",
                "ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)",
                "DROP TABLE shop.customers");
        assertEquals(
                List.of(row(
                        "shop",
                        "orders",
                        "customer_id",
                        "PRIVACY UNIT",
                        null,
                        "PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)")),
                policies());
        SQLException e =
                assertThrows(SQLException.class, () -> sql.execute("ALTER TABLE shop.orders SET MIN GROUP SIZE 5"));
        assertTrue(e.getMessage().contains("parent table 'shop.customers' no longer exists"), e.getMessage());
        // The resolver fails closed: the orders' unit cannot be resolved, so nobody but an admin reads them.
        Engine engine = Engine.acquire(warehouse);
        try {
            StoredPolicyResolver resolver =
                    new StoredPolicyResolver(engine.warehouse().sqliteCatalog());
            TableName orders = new TableName("shop", "orders");
            VeilException denied = assertThrows(
                    VeilException.class, () -> resolver.access(orders, new Principal("ana", Set.of("analyst"))));
            assertEquals(ErrorCode.INVALID_POLICY, denied.errorCode());
            assertTrue(
                    denied.getMessage().contains("The privacy unit of 'shop.orders' cannot be resolved"),
                    denied.getMessage());
            assertEquals(
                    TableAccess.unrestricted(orders), resolver.access(orders, new Principal("admin", Set.of("admin"))));
        } finally {
            engine.release();
        }
    }
}
