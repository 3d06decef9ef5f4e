package dev.veil.budget;

import static dev.veil.budget.BudgetWarehouse.addUser;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals.Principal;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Many threads charging one user at the edge of the budget cannot overspend it together. */
class ConcurrentChargeTest {
    private static final int THREADS = 32;
    private static final int ATTEMPTS_PER_THREAD = 5;

    @TempDir
    Path dir;

    @Test
    void racingChargesNeverOverspend() throws Exception {
        Path root = dir.resolve("wh");
        AtomicInteger succeeded = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        try (Warehouse warehouse = Warehouse.create(root)) {
            Principal ana = addUser(warehouse, "ana", "analyst");
            PrivacyBudgets budgets = new PrivacyBudgets(warehouse.sqliteCatalog());
            budgets.create(new PrivacyBudget("edge", 1.0, 0, RefillWindow.NEVER), false);
            budgets.assignToUser("ana", "edge");

            ExecutorService pool = Executors.newFixedThreadPool(THREADS);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                futures.add(pool.submit(() -> {
                    // A ledger per thread, as per statement in the engine.
                    BudgetLedger ledger = BudgetLedger.of(warehouse);
                    start.await();
                    for (int i = 0; i < ATTEMPTS_PER_THREAD; i++) {
                        try {
                            ledger.charge(ana, 0.03, 0, "q");
                            succeeded.incrementAndGet();
                        } catch (VeilException e) {
                            assertEquals(ErrorCode.BUDGET_EXHAUSTED, e.errorCode(), e.getMessage());
                            refused.incrementAndGet();
                        }
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdown();
            assertTrue(pool.awaitTermination(10, TimeUnit.SECONDS));
        }

        assertEquals(33, succeeded.get()); // floor(1.0 / 0.03)
        assertEquals(THREADS * ATTEMPTS_PER_THREAD - 33, refused.get());
        List<Object[]> rows = BudgetWarehouse.ledgerRows(root);
        assertEquals(33, rows.size());
        double sum = rows.stream().mapToDouble(r -> (Double) r[2]).sum();
        assertTrue(sum <= 1.0, "the ledger holds " + sum);
    }
}
