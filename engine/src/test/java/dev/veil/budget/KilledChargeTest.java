package dev.veil.budget;

import static dev.veil.budget.BudgetWarehouse.addUser;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.Principals;
import dev.veil.storage.Warehouse;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A charge that returned survives SIGKILL of the process that made it. */
class KilledChargeTest {
    private static final int LINES_BEFORE_KILL = 40;

    @TempDir
    Path dir;

    @Test
    void everyReturnedChargeSurvivesKill() throws Exception {
        Path root = dir.resolve("wh");
        try (Warehouse warehouse = Warehouse.create(root)) {
            addUser(warehouse, "ana", "analyst");
            PrivacyBudgets budgets = new PrivacyBudgets(warehouse.sqliteCatalog());
            budgets.create(new PrivacyBudget("big", 1e6, 0, RefillWindow.NEVER), false);
            budgets.assignToUser("ana", "big");
        }

        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(
                        java.toString(),
                        "--add-opens=java.base/java.nio=ALL-UNNAMED",
                        "-Xmx256m",
                        "-cp",
                        System.getProperty("java.class.path"),
                        KilledChargeChild.class.getName(),
                        root.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Set<Long> printed = new HashSet<>();
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while (printed.size() < LINES_BEFORE_KILL && (line = out.readLine()) != null) {
                assertTrue(line.startsWith("charged "), line);
                printed.add(Long.parseLong(line.substring("charged ".length())));
            }
            assertEquals(LINES_BEFORE_KILL, printed.size(), "the child stopped early");
        } finally {
            child.destroyForcibly(); // SIGKILL on Unix: no shutdown hooks, no finally blocks
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        }
        assertEquals(137, child.exitValue()); // 128 + SIGKILL

        try (Warehouse warehouse = Warehouse.open(root)) {
            Set<Long> inLedger = new HashSet<>();
            for (LedgerEntry e : BudgetLedger.of(warehouse).entries()) {
                inLedger.add(e.id());
            }
            assertTrue(inLedger.containsAll(printed), "printed " + printed + ", ledger " + inLedger);
            assertTrue(inLedger.size() >= printed.size());
            // The warehouse is usable: the next charge goes through and counts everything before it.
            BudgetLedger ledger = BudgetLedger.of(warehouse);
            var ana = new Principals(warehouse.sqliteCatalog()).requireUser("ana");
            ledger.charge(ana, 0.001, 0, "after");
            assertEquals(
                    0.001 * (inLedger.size() + 1),
                    ledger.status(ana).orElseThrow().epsilonSpent(),
                    1e-9);
        }
    }
}
