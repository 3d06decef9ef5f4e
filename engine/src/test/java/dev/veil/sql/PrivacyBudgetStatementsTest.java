package dev.veil.sql;

import static dev.veil.policy.PolicyTestWarehouse.rows;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.budget.BudgetAssignment;
import dev.veil.budget.BudgetLedger;
import dev.veil.budget.PrivacyBudget;
import dev.veil.budget.PrivacyBudgets;
import dev.veil.budget.RefillWindow;
import dev.veil.policy.PolicyTestWarehouse;
import dev.veil.session.Engine;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The budget statements and system tables through the embedded JDBC driver. Users: admin, ana
 * (analyst), sam (analyst, support), eve (eu).
 */
class PrivacyBudgetStatementsTest {
    @TempDir
    Path dir;

    private Path warehouse;
    private Connection admin;
    private Connection ana;
    private Engine engine;

    @BeforeEach
    void open() throws Exception {
        warehouse = PolicyTestWarehouse.copy(dir);
        admin = PolicyTestWarehouse.connect(warehouse, PolicyTestWarehouse.ADMIN);
        ana = PolicyTestWarehouse.connect(warehouse, PolicyTestWarehouse.ANA);
        engine = Engine.acquire(warehouse); // the same engine the connections use, to charge from Java
    }

    @AfterEach
    void close() throws Exception {
        engine.release();
        ana.close();
        admin.close();
    }

    private static SQLException fails(Statement s, String sql, int code) {
        SQLException e = assertThrows(SQLException.class, () -> s.execute(sql), sql);
        assertEquals(code, e.getErrorCode(), sql + ": " + e.getMessage());
        return e;
    }

    @Test
    void adminCreatesAndAssignsBudgets() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE PRIVACY BUDGET weekly_analyst LIMIT (EPSILON 1, DELTA 0.00001) WINDOW WEEKLY");
            s.execute("CREATE PRIVACY BUDGET tiny LIMIT EPSILON 0.1 WINDOW NEVER");
            s.execute("CREATE PRIVACY BUDGET IF NOT EXISTS tiny LIMIT (EPSILON 5) WINDOW DAILY");
            s.execute("ALTER ROLE analyst SET PRIVACY BUDGET weekly_analyst");
            s.execute("ALTER USER eve SET PRIVACY BUDGET weekly_analyst");
            s.execute("ALTER USER eve SET PRIVACY BUDGET tiny"); // replaces the assignment

            SQLException again = fails(s, "CREATE PRIVACY BUDGET tiny LIMIT (EPSILON 1) WINDOW DAILY", 5);
            assertTrue(again.getMessage().contains("Privacy budget 'tiny' already exists"), again.getMessage());
            fails(s, "CREATE PRIVACY BUDGET zero LIMIT (EPSILON 0) WINDOW DAILY", 25);
            SQLException delta = fails(s, "CREATE PRIVACY BUDGET b1 LIMIT (EPSILON 1, DELTA 1) WINDOW DAILY", 25);
            assertTrue(delta.getMessage().contains("DELTA must be at least 0 and below 1"), delta.getMessage());
            fails(s, "CREATE PRIVACY BUDGET huge LIMIT (EPSILON 1e400) WINDOW DAILY", 25);
            SQLException user = fails(s, "ALTER USER nobody SET PRIVACY BUDGET tiny", 24);
            assertTrue(user.getMessage().contains("User 'nobody' does not exist"), user.getMessage());
            fails(s, "ALTER ROLE nobody SET PRIVACY BUDGET tiny", 24);
            SQLException budget = fails(s, "ALTER USER ana SET PRIVACY BUDGET tinny", 25);
            assertTrue(
                    budget.getMessage().contains("Privacy budget 'tinny' does not exist; did you mean 'tiny'?"),
                    budget.getMessage());
            fails(s, "ALTER ROLE admin SET PRIVACY BUDGET tiny", 25);
        }
        PrivacyBudgets budgets = new PrivacyBudgets(engine.warehouse().sqliteCatalog());
        assertEquals(
                List.of(
                        new PrivacyBudget("tiny", 0.1, 0, RefillWindow.NEVER),
                        new PrivacyBudget("weekly_analyst", 1, 0.00001, RefillWindow.WEEKLY)),
                budgets.budgets());
        assertEquals(
                List.of(
                        new BudgetAssignment(false, "eve", "tiny"),
                        new BudgetAssignment(true, "analyst", "weekly_analyst")),
                budgets.assignments());
    }

    @Test
    void onlyAdminsManageBudgets() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE PRIVACY BUDGET daily LIMIT (EPSILON 1) WINDOW DAILY");
        }
        try (Statement s = ana.createStatement()) {
            SQLException create = fails(s, "CREATE PRIVACY BUDGET mine LIMIT (EPSILON 100) WINDOW DAILY", 16);
            assertTrue(
                    create.getMessage().contains("CREATE PRIVACY BUDGET requires the admin role; user 'ana'"),
                    create.getMessage());
            fails(s, "ALTER USER ana SET PRIVACY BUDGET daily", 16);
            fails(s, "ALTER ROLE analyst SET PRIVACY BUDGET daily", 16);
        }
        assertTrue(new PrivacyBudgets(engine.warehouse().sqliteCatalog())
                .assignments()
                .isEmpty());
    }

    @Test
    void myBudgetShowsWhatTheUserSpentAndHasLeft() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE PRIVACY BUDGET weekly_analyst LIMIT (EPSILON 1, DELTA 0.00001) WINDOW WEEKLY");
            s.execute("ALTER ROLE analyst SET PRIVACY BUDGET weekly_analyst");
        }
        BudgetLedger ledger = BudgetLedger.of(engine.warehouse());
        ledger.charge(engine.principal("ana"), 0.25, 0.000001, "SELECT count(*) FROM shop.orders");
        ledger.charge(engine.principal("ana"), 0.5, 0, "SELECT avg(amount) FROM shop.orders");
        ledger.charge(engine.principal("sam"), 0.125, 0, "SELECT 1");

        try (Statement s = ana.createStatement()) {
            List<List<Object>> rows = rows(
                    s,
                    "SELECT budget, refill_window, epsilon_limit, delta_limit, epsilon_spent, "
                            + "delta_spent, epsilon_remaining, delta_remaining FROM veil.my_budget");
            assertEquals(
                    List.of(Arrays.asList(
                            "weekly_analyst", "WEEKLY", 1.0, 0.00001, 0.75, 0.000001, 0.25, 0.00001 - 0.000001)),
                    rows);
            try (ResultSet rs = s.executeQuery("SELECT refills_at FROM veil.my_budget")) {
                assertTrue(rs.next());
                assertNotNull(rs.getObject(1));
            }
        }
        // A user without a budget, and an admin, have no row.
        try (Connection eve = PolicyTestWarehouse.connect(warehouse, PolicyTestWarehouse.EVE);
                Statement s = eve.createStatement();
                Statement a = admin.createStatement()) {
            assertEquals(List.of(), rows(s, "SELECT * FROM veil.my_budget"));
            assertEquals(List.of(), rows(a, "SELECT * FROM veil.my_budget"));
        }
        Instant refill = RefillWindow.WEEKLY.nextStart(Instant.now()).orElseThrow();
        assertEquals(
                refill,
                ledger.status(engine.principal("ana")).orElseThrow().refillsAt().orElseThrow());
    }

    @Test
    void budgetLedgerIsForAdminsOnly() throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute("CREATE PRIVACY BUDGET daily LIMIT (EPSILON 1) WINDOW DAILY");
            s.execute("ALTER USER ana SET PRIVACY BUDGET daily");
        }
        BudgetLedger.of(engine.warehouse()).charge(engine.principal("ana"), 0.5, 0, "SELECT count(*) FROM shop.orders");

        try (Statement s = ana.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> rows(s, "SELECT * FROM veil.budget_ledger"));
            assertEquals(16, e.getErrorCode());
            assertTrue(
                    e.getMessage().contains("Reading veil.budget_ledger requires the admin role; user 'ana'"),
                    e.getMessage());
        }
        try (Statement s = admin.createStatement()) {
            assertEquals(
                    List.of(Arrays.asList("ana", "daily", 0.5, 0.0, "SELECT count(*) FROM shop.orders")),
                    rows(s, "SELECT user_name, budget, epsilon, delta, statement FROM veil.budget_ledger"));
            try (ResultSet rs = s.executeQuery("SELECT charged_at FROM veil.budget_ledger")) {
                assertTrue(rs.next());
                long at = rs.getTimestamp(1).getTime();
                assertTrue(Math.abs(at - System.currentTimeMillis()) < 3_600_000L * 24, "charged_at " + at);
            }
        }
    }
}
