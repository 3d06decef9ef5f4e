package dev.veil.audit;

import static dev.veil.policy.PolicyTestWarehouse.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.policy.PolicyTestWarehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every statement a session runs lands in the audit log, seen through the system tables
 * {@code veil.my_queries} (own statements) and {@code veil.audit} (admins only).
 */
class SessionAuditTest {
    private static final String MY_QUERIES =
            "SELECT kind, statement, decision, reason, rows_returned FROM veil.my_queries "
                    + "WHERE statement NOT LIKE '%veil.my_queries%' ORDER BY id";

    @TempDir
    Path dir;

    private Path warehouse;
    private Connection admin;
    private Connection ana;
    private long firstId;

    @BeforeEach
    void open() throws Exception {
        warehouse = PolicyTestWarehouse.copy(dir);
        admin = PolicyTestWarehouse.connect(warehouse, PolicyTestWarehouse.ADMIN);
        ana = PolicyTestWarehouse.connect(warehouse, PolicyTestWarehouse.ANA);
        try (Statement s = admin.createStatement()) {
            firstId = ((Number) rows(s, "SELECT MAX(id) FROM veil.audit").get(0).get(0)).longValue() + 1;
        }
    }

    @AfterEach
    void close() throws Exception {
        ana.close();
        admin.close();
    }

    private static List<Object> row(Object... values) {
        return Arrays.asList(values);
    }

    private static List<List<Object>> normalized(List<List<Object>> rows) {
        return rows.stream()
                .map(r -> r.stream()
                        .map(v -> v instanceof Number n && !(v instanceof Double) ? (Object) n.longValue() : v)
                        .toList())
                .toList();
    }

    @Test
    void queriesAreRecordedWithTheRowsTheyReturned() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("INSERT INTO shop.products VALUES (1, 'tea', 'food'), (2, 'cup', 'home'), (3, 'pot', 'home')");
        }
        try (Statement s = ana.createStatement()) {
            assertEquals(
                    2,
                    rows(s, "SELECT name FROM shop.products WHERE category = 'home'")
                            .size());
            try (ResultSet rs = s.executeQuery("SELECT id FROM shop.products ORDER BY id")) {
                assertTrue(rs.next()); // the client stops after one row and closes
            }
            assertEquals(
                    List.of(
                            row("QUERY", "SELECT name FROM shop.products WHERE category = 'home'", "ALLOWED", null, 2L),
                            row("QUERY", "SELECT id FROM shop.products ORDER BY id", "ALLOWED", null, 3L)),
                    normalized(rows(s, MY_QUERIES)));
        }
    }

    @Test
    void rejectedAndFailedStatementsAreRecordedWithTheirReason() throws SQLException {
        try (Statement s = ana.createStatement()) {
            for (String sql : List.of(
                    "ALTER TABLE shop.customers SET PRIVACY UNIT (id)",
                    "SELEKT 1",
                    "SELECT * FROM shop.nowhere",
                    "SELECT 10 / (id - 1) FROM shop.customers")) {
                assertThrows(SQLException.class, () -> rows(s, sql), sql);
            }
            List<List<Object>> rows = rows(
                    s,
                    "SELECT kind, statement, decision, reason FROM veil.my_queries "
                            + "WHERE statement NOT LIKE '%veil.my_queries%' ORDER BY id");
            assertEquals(
                    List.of(
                            row("POLICY_CHANGE", "ALTER TABLE shop.customers SET PRIVACY UNIT (id)", "REJECTED"),
                            row("STATEMENT", "SELEKT 1", "FAILED"),
                            row("QUERY", "SELECT * FROM shop.nowhere", "FAILED"),
                            row("QUERY", "SELECT 10 / (id - 1) FROM shop.customers", "FAILED")),
                    rows.stream().map(r -> r.subList(0, 3)).toList());
            List<String> reasons = rows.stream().map(r -> (String) r.get(3)).toList();
            assertTrue(
                    reasons.get(0).startsWith("VEIL-0016 ACCESS_DENIED: SET PRIVACY UNIT requires the admin role"),
                    reasons.get(0));
            assertTrue(reasons.get(1).startsWith("VEIL-0001 SYNTAX_ERROR"), reasons.get(1));
            assertTrue(reasons.get(2).startsWith("VEIL-0003 UNKNOWN_TABLE"), reasons.get(2));
            assertTrue(reasons.get(3).startsWith("VEIL-0013 DIVISION_BY_ZERO"), reasons.get(3));
        }
    }

    @Test
    void passwordsNeverReachTheLog() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE USER bob PASSWORD 'hunter2-secret'");
            assertThrows(SQLException.class, () -> s.execute("CREATE USER bob PASSWORD 'hunter3-secret' ROLEZ x"));
            assertThrows(SQLException.class, () -> s.execute("ALTER USER bob PASSWORD 'hunter4-secret"));
            List<List<Object>> entries = rows(
                    s,
                    "SELECT kind, statement, decision FROM veil.audit WHERE id >= " + firstId
                            + " AND statement NOT LIKE '%veil.audit%' ORDER BY id");
            assertEquals(
                    List.of(
                            row("PRINCIPAL_CHANGE", "CREATE USER \"bob\" PASSWORD '***'", "ALLOWED"),
                            row("STATEMENT", "CREATE USER bob PASSWORD '***' ROLEZ x", "FAILED"),
                            row("STATEMENT", "ALTER USER bob PASSWORD '***'", "FAILED")),
                    entries);
            for (List<Object> r : rows(s, "SELECT statement, reason FROM veil.audit")) {
                assertFalse(String.valueOf(r).contains("secret"), r.toString());
            }
        }
    }

    @Test
    void policyChangesAreRecordedWithWhoMadeThem() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("ALTER TABLE shop.customers SET PRIVACY UNIT (id)");
            s.execute("ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN FOR ROLE support");
            assertEquals(
                    List.of(
                            row(
                                    "admin",
                                    "POLICY_CHANGE",
                                    "ALTER TABLE shop.customers SET PRIVACY UNIT (id)",
                                    "ALLOWED"),
                            row(
                                    "admin",
                                    "POLICY_CHANGE",
                                    "ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN FOR ROLE support",
                                    "ALLOWED")),
                    rows(
                            s,
                            "SELECT user_name, kind, statement, decision FROM veil.audit WHERE kind = 'POLICY_CHANGE' "
                                    + "AND id >= " + firstId + " ORDER BY id"));
        }
    }

    @Test
    void usersSeeOnlyTheirOwnQueriesAndOnlyAdminsReadTheAudit() throws SQLException {
        try (Connection sam = PolicyTestWarehouse.connect(warehouse, PolicyTestWarehouse.SAM);
                Statement s = sam.createStatement();
                Statement a = ana.createStatement()) {
            rows(s, "SELECT 'sam was here'");
            rows(a, "SELECT 'ana was here'");
            // The table is read as the query starts, before the query's own entry is written.
            List<List<Object>> anas = rows(a, "SELECT statement FROM veil.my_queries ORDER BY id");
            assertEquals(List.of(row("SELECT 'ana was here'")), anas);
            SQLException e = assertThrows(SQLException.class, () -> rows(a, "SELECT * FROM veil.audit"));
            assertTrue(
                    e.getMessage().contains("ACCESS_DENIED: Reading veil.audit requires the admin role; user 'ana'"),
                    e.getMessage());
            assertEquals(
                    List.of(row("SELECT * FROM veil.audit", "REJECTED")),
                    rows(a, "SELECT statement, decision FROM veil.my_queries WHERE statement LIKE '%veil.audit%'"));
        }
        try (Statement s = admin.createStatement()) {
            assertEquals(
                    List.of(row("sam", "SELECT 'sam was here'"), row("ana", "SELECT 'ana was here'")),
                    rows(
                            s,
                            "SELECT user_name, statement FROM veil.audit WHERE statement LIKE '%was here''' ORDER BY id"));
        }
    }
}
