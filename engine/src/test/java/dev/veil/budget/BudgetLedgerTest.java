package dev.veil.budget;

import static dev.veil.budget.BudgetWarehouse.addUser;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals.Principal;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Charges against privacy budgets on a real warehouse: limits, windows, precedence, messages. */
class BudgetLedgerTest {
    /** A Wednesday; the week runs from Monday 2026-11-23 to Monday 2026-11-30. */
    private static final String WEDNESDAY = "2026-11-25T10:15:00Z";

    @TempDir
    Path dir;

    private Warehouse warehouse;
    private PrivacyBudgets budgets;
    private MutableClock clock;
    private BudgetLedger ledger;

    @BeforeEach
    void open() {
        warehouse = Warehouse.create(dir.resolve("wh"));
        budgets = new PrivacyBudgets(warehouse.sqliteCatalog());
        clock = new MutableClock(WEDNESDAY);
        ledger = BudgetLedger.of(warehouse).withClock(clock);
    }

    @AfterEach
    void close() {
        warehouse.close();
    }

    private void budget(String name, double epsilon, double delta, RefillWindow window) {
        assertTrue(budgets.create(new PrivacyBudget(name, epsilon, delta, window), false));
    }

    private VeilException exhausted(Principal p, double epsilon, double delta) {
        VeilException e = assertThrows(VeilException.class, () -> ledger.charge(p, epsilon, delta, "SELECT 1"));
        assertEquals(ErrorCode.BUDGET_EXHAUSTED, e.errorCode());
        return e;
    }

    @Test
    void chargeWithinBudgetIsRecordedWithItsWindow() {
        Principal ana = addUser(warehouse, "ana", "analyst");
        budget("daily", 1.0, 1e-5, RefillWindow.DAILY);
        budgets.assignToUser("ana", "daily");

        Charge charge = ledger.charge(ana, 0.4, 1e-6, "SELECT count(*) FROM shop.orders");

        assertTrue(charge.recorded());
        assertEquals(Optional.of("daily"), charge.budget());
        assertEquals(Instant.parse(WEDNESDAY), charge.chargedAt());
        List<LedgerEntry> entries = ledger.entries();
        assertEquals(1, entries.size());
        LedgerEntry entry = entries.get(0);
        assertEquals(charge.id(), entry.id());
        assertEquals("ana", entry.user());
        assertEquals("daily", entry.budget());
        assertEquals(0.4, entry.epsilon());
        assertEquals(1e-6, entry.delta());
        assertEquals(Instant.parse("2026-11-25T00:00:00Z"), entry.windowStart());
        assertEquals("SELECT count(*) FROM shop.orders", entry.statement());

        BudgetStatus status = ledger.status(ana).orElseThrow();
        assertEquals("daily", status.budgetName());
        assertEquals(0.4, status.epsilonSpent());
        assertEquals(0.6, status.epsilonRemaining(), 1e-15);
        assertEquals(9e-6, status.deltaRemaining(), 1e-18);
        assertEquals(Optional.of(Instant.parse("2026-11-26T00:00:00Z")), status.refillsAt());
    }

    @Test
    void exhaustedBudgetSaysWhatIsLeftAndWhenItRefills() {
        Principal ana = addUser(warehouse, "ana", "analyst");
        budget("weekly_analyst", 1.0, 0, RefillWindow.WEEKLY);
        budgets.assignToRole("analyst", "weekly_analyst");
        ledger.charge(ana, 0.8, 0, "SELECT 1");

        VeilException e = exhausted(ana, 0.5, 0);

        assertEquals(
                "Privacy budget 'weekly_analyst' of user 'ana' has epsilon 0.2 and delta 0 left this week "
                        + "(until 2026-11-30T00:00:00Z); the query needs epsilon 0.5",
                e.getMessage());
        assertEquals(1, ledger.entries().size(), "a refused charge records nothing");
        VeilException delta = exhausted(ana, 0.1, 1e-9);
        assertEquals(
                "Privacy budget 'weekly_analyst' of user 'ana' has epsilon 0.2 and delta 0 left this week "
                        + "(until 2026-11-30T00:00:00Z); the query needs epsilon 0.1 and delta 0.000000001",
                delta.getMessage());
    }

    @Test
    void dailyBudgetRefillsAtMidnightUtc() {
        Principal ana = addUser(warehouse, "ana", "analyst");
        budget("daily", 1.0, 0, RefillWindow.DAILY);
        budgets.assignToUser("ana", "daily");
        clock.set("2026-11-25T23:59:59.999Z");
        ledger.charge(ana, 1.0, 0, "q1");
        assertTrue(exhausted(ana, 0.1, 0).getMessage().contains("left today (until 2026-11-26T00:00:00Z)"));

        clock.set("2026-11-26T00:00:00Z");
        assertEquals(1.0, ledger.status(ana).orElseThrow().epsilonRemaining());
        ledger.charge(ana, 1.0, 0, "q2");
        assertEquals(
                Instant.parse("2026-11-26T00:00:00Z"), ledger.entries().get(1).windowStart());
    }

    @Test
    void weeklyBudgetRefillsOnMondayUtc() {
        Principal ana = addUser(warehouse, "ana", "analyst");
        budget("weekly", 1.0, 0, RefillWindow.WEEKLY);
        budgets.assignToUser("ana", "weekly");
        clock.set("2026-11-23T00:00:00Z"); // Monday
        ledger.charge(ana, 1.0, 0, "q1");
        clock.set("2026-11-29T23:00:00Z"); // Sunday
        assertTrue(exhausted(ana, 0.1, 0).getMessage().contains("left this week (until 2026-11-30T00:00:00Z)"));

        clock.set("2026-11-30T00:00:00Z");
        ledger.charge(ana, 1.0, 0, "q2");
    }

    @Test
    void monthlyBudgetRefillsOnTheFirstUtc() {
        Principal ana = addUser(warehouse, "ana", "analyst");
        budget("monthly", 2.0, 0, RefillWindow.MONTHLY);
        budgets.assignToUser("ana", "monthly");
        clock.set("2026-11-01T00:00:00Z");
        ledger.charge(ana, 1.5, 0, "q1");
        clock.set("2026-11-30T23:59:00Z");
        assertTrue(exhausted(ana, 1.0, 0).getMessage().contains("left this month (until 2026-12-01T00:00:00Z)"));

        clock.set("2026-12-01T00:00:00Z");
        ledger.charge(ana, 2.0, 0, "q2");
        clock.set("2026-12-31T23:59:59Z");
        assertTrue(exhausted(ana, 0.5, 0).getMessage().contains("until 2027-01-01T00:00:00Z"));
    }

    @Test
    void neverBudgetNeverRefills() {
        Principal ana = addUser(warehouse, "ana", "analyst");
        budget("lifetime", 1.0, 1e-6, RefillWindow.NEVER);
        budgets.assignToUser("ana", "lifetime");
        ledger.charge(ana, 0.75, 0, "q1");

        clock.set("2040-01-01T00:00:00Z");
        VeilException e = exhausted(ana, 0.5, 0);

        assertEquals(
                "Privacy budget 'lifetime' of user 'ana' has epsilon 0.25 and delta 0.000001 left, "
                        + "and it never refills; the query needs epsilon 0.5",
                e.getMessage());
        BudgetStatus status = ledger.status(ana).orElseThrow();
        assertEquals(Optional.empty(), status.refillsAt());
        assertEquals(Instant.EPOCH, status.windowStart());
        assertEquals(Instant.EPOCH, ledger.entries().get(0).windowStart());
    }

    @Test
    void usersOwnBudgetOverridesItsRolesBudgets() {
        Principal sam = addUser(warehouse, "sam", "analyst", "support");
        budget("small", 0.5, 0, RefillWindow.DAILY);
        budget("large", 5.0, 0, RefillWindow.DAILY);
        budgets.assignToRole("analyst", "small");
        budgets.assignToUser("sam", "large");

        Charge charge = ledger.charge(sam, 2.0, 0, "q");

        assertEquals(Optional.of("large"), charge.budget());
    }

    @Test
    void strictestRoleBudgetApplies() {
        Principal sam = addUser(warehouse, "sam", "analyst", "support");
        budget("generous", 10.0, 0, RefillWindow.DAILY);
        budget("tight", 1.0, 0, RefillWindow.DAILY);
        budgets.assignToRole("analyst", "generous");
        budgets.assignToRole("support", "tight");

        assertEquals(Optional.of("tight"), ledger.charge(sam, 0.5, 0, "q").budget());
        assertTrue(exhausted(sam, 0.6, 0).getMessage().startsWith("Privacy budget 'tight' of user 'sam'"));
    }

    @Test
    void spendingIsPerUser() {
        Principal ana = addUser(warehouse, "ana", "analyst");
        Principal bob = addUser(warehouse, "bob", "analyst");
        budget("shared", 1.0, 0, RefillWindow.DAILY);
        budgets.assignToRole("analyst", "shared");

        ledger.charge(ana, 1.0, 0, "q");
        ledger.charge(bob, 1.0, 0, "q");

        exhausted(ana, 0.01, 0);
        exhausted(bob, 0.01, 0);
        assertEquals(1, ledger.entriesOf("ana").size());
        assertEquals(1, ledger.entriesOf("bob").size());
    }

    @Test
    void replacingABudgetKeepsWhatTheUserSpent() {
        Principal ana = addUser(warehouse, "ana", "analyst");
        budget("first", 1.0, 0, RefillWindow.DAILY);
        budget("second", 1.5, 0, RefillWindow.DAILY);
        budgets.assignToUser("ana", "first");
        ledger.charge(ana, 0.9, 0, "q");

        budgets.assignToUser("ana", "second");

        assertEquals(0.6, ledger.status(ana).orElseThrow().epsilonRemaining(), 1e-12);
        assertEquals(List.of(new BudgetAssignment(false, "ana", "second")), budgets.assignments());
        exhausted(ana, 0.7, 0);
    }

    @Test
    void userWithoutBudgetCannotSpend() {
        Principal eve = addUser(warehouse, "eve", "analyst");

        VeilException e = exhausted(eve, 0.1, 0);

        assertTrue(e.getMessage().startsWith("User 'eve' has no privacy budget"), e.getMessage());
        assertTrue(e.getMessage().contains("ALTER USER eve SET PRIVACY BUDGET"), e.getMessage());
        assertEquals(Optional.empty(), ledger.status(eve));
        assertTrue(ledger.entries().isEmpty());
    }

    @Test
    void adminIsNeverCharged() {
        Principal root = addUser(warehouse, "root", "admin");

        Charge charge = ledger.charge(root, 100, 0.5, "q");

        assertFalse(charge.recorded());
        assertEquals(Optional.empty(), charge.budget());
        assertTrue(ledger.entries().isEmpty());
        assertEquals(Optional.empty(), ledger.status(new Principal("root", Set.of("admin"))));
    }

    @Test
    void tenChargesOfOneTenthFitALimitOfOne() {
        Principal ana = addUser(warehouse, "ana", "analyst");
        budget("one", 1.0, 1e-5, RefillWindow.NEVER);
        budgets.assignToUser("ana", "one");
        for (int i = 0; i < 10; i++) {
            ledger.charge(ana, 0.1, 1e-6, "q" + i);
        }
        exhausted(ana, 1e-6, 0);
        exhausted(ana, 0, 1e-12);
        ledger.charge(ana, 0, 0, "free");
        double sum = ledger.entries().stream().mapToDouble(LedgerEntry::epsilon).sum();
        assertTrue(sum <= 1.0 * (1 + 1e-9), "sum " + sum);
    }

    @Test
    void chargeInsideACatalogTransactionIsRefused() {
        Principal ana = addUser(warehouse, "ana", "analyst");
        budget("b", 1.0, 0, RefillWindow.NEVER);
        budgets.assignToUser("ana", "b");
        assertThrows(
                IllegalStateException.class,
                () -> warehouse.sqliteCatalog().read(c -> ledger.charge(ana, 0.1, 0, "q")));
        assertThrows(IllegalArgumentException.class, () -> ledger.charge(ana, Double.NaN, 0, "q"));
        assertThrows(IllegalArgumentException.class, () -> ledger.charge(ana, 0.1, -1e-9, "q"));
        assertTrue(ledger.entries().isEmpty());
    }

    @Test
    void ledgerIsAppendOnly() {
        Principal ana = addUser(warehouse, "ana", "analyst");
        budget("b", 1.0, 0, RefillWindow.NEVER);
        budgets.assignToUser("ana", "b");
        ledger.charge(ana, 0.5, 0, "q");

        for (String sql : List.of("UPDATE budget_ledger SET epsilon = 0", "DELETE FROM budget_ledger")) {
            VeilException e = assertThrows(
                    VeilException.class,
                    () -> warehouse.sqliteCatalog().write(c -> {
                        try (PreparedStatement ps = c.prepareStatement(sql)) {
                            return ps.executeUpdate();
                        }
                    }),
                    sql);
            assertTrue(e.getMessage().contains("the budget ledger is append-only"), e.getMessage());
        }
        assertEquals(0.5, ledger.entries().get(0).epsilon());
    }

    @Test
    void catalogCommitsDurablyInWalMode() {
        // What a charge's durability rests on: each commit fsyncs the write-ahead log.
        assertEquals(
                List.of("wal", "2"),
                warehouse.sqliteCatalog().read(c -> List.of(pragma(c, "journal_mode"), pragma(c, "synchronous"))));
    }

    private static String pragma(java.sql.Connection c, String name) throws java.sql.SQLException {
        try (PreparedStatement ps = c.prepareStatement("PRAGMA " + name);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void budgetDefinitionsAreValidated() {
        addUser(warehouse, "ana", "analyst");
        for (double[] bad : new double[][] {
            {0, 0}, {-1, 0}, {Double.NaN, 0}, {Double.POSITIVE_INFINITY, 0}, {1, -0.1}, {1, 1}, {1, Double.NaN}
        }) {
            VeilException e =
                    assertThrows(VeilException.class, () -> new PrivacyBudget("b", bad[0], bad[1], RefillWindow.DAILY));
            assertEquals(ErrorCode.INVALID_POLICY, e.errorCode());
        }
        budget("weekly", 1, 0, RefillWindow.WEEKLY);
        VeilException again = assertThrows(
                VeilException.class,
                () -> budgets.create(new PrivacyBudget("weekly", 2, 0, RefillWindow.DAILY), false));
        assertEquals(ErrorCode.ALREADY_EXISTS, again.errorCode());
        assertFalse(budgets.create(new PrivacyBudget("weekly", 2, 0, RefillWindow.DAILY), true));
        assertEquals(1.0, budgets.budget("weekly").orElseThrow().epsilonLimit());

        VeilException unknownUser = assertThrows(VeilException.class, () -> budgets.assignToUser("nobody", "weekly"));
        assertEquals(ErrorCode.UNKNOWN_PRINCIPAL, unknownUser.errorCode());
        VeilException unknownRole = assertThrows(VeilException.class, () -> budgets.assignToRole("nobody", "weekly"));
        assertEquals(ErrorCode.UNKNOWN_PRINCIPAL, unknownRole.errorCode());
        VeilException unknownBudget = assertThrows(VeilException.class, () -> budgets.assignToUser("ana", "weeky"));
        assertEquals(ErrorCode.INVALID_POLICY, unknownBudget.errorCode());
        assertTrue(
                unknownBudget.getMessage().startsWith("Privacy budget 'weeky' does not exist; did you mean 'weekly'?"),
                unknownBudget.getMessage());
    }

    @Test
    void windowsStartAtUtcCalendarBoundaries() {
        Instant t = Instant.parse("2026-03-01T05:00:00Z"); // a Sunday
        assertEquals(Instant.parse("2026-03-01T00:00:00Z"), RefillWindow.DAILY.start(t));
        assertEquals(Instant.parse("2026-02-23T00:00:00Z"), RefillWindow.WEEKLY.start(t));
        assertEquals(Instant.parse("2026-03-01T00:00:00Z"), RefillWindow.MONTHLY.start(t));
        assertEquals(Optional.of(Instant.parse("2026-03-02T00:00:00Z")), RefillWindow.WEEKLY.nextStart(t));
        assertEquals(Optional.of(Instant.parse("2026-04-01T00:00:00Z")), RefillWindow.MONTHLY.nextStart(t));
        assertEquals(Optional.empty(), RefillWindow.NEVER.nextStart(t));
    }
}
