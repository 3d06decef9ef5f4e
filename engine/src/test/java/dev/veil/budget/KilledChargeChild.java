package dev.veil.budget;

import dev.veil.catalog.Principals;
import dev.veil.catalog.Principals.Principal;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;

/**
 * A separate JVM that charges user {@code ana} in a loop and prints {@code charged <id>} after
 * each charge returns, until it is killed ({@link KilledChargeTest}).
 */
public final class KilledChargeChild {
    private KilledChargeChild() {}

    public static void main(String[] args) {
        try (Warehouse warehouse = Warehouse.open(Path.of(args[0]))) {
            Principal ana = new Principals(warehouse.sqliteCatalog()).requireUser("ana");
            BudgetLedger ledger = BudgetLedger.of(warehouse);
            for (int i = 0; i < 1_000_000; i++) {
                Charge charge = ledger.charge(ana, 0.001, 0, "q" + i);
                System.out.println("charged " + charge.id());
                System.out.flush();
            }
        }
    }
}
