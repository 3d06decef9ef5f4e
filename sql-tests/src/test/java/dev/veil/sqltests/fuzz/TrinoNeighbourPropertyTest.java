package dev.veil.sqltests.fuzz;

import dev.veil.exec.remote.TrinoGate;
import dev.veil.exec.remote.TrinoServer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The neighbouring-database property test over Trino: as {@link ForeignNeighbourPropertyTest}
 * over PostgreSQL, each warehouse's tables (the base, the neighbour with one more privacy unit,
 * and the copy inserted in the other order) live in their own schema of a Trino server's {@code
 * memory} catalog, reached by Veil as foreign tables under the same names and policies, consent
 * included ({@link NeighbourWarehouse#createForeignTrino}). What Veil pushes to Trino differs from
 * what it pushes to PostgreSQL (floating-point arithmetic, the DP pre-aggregation in one hash
 * aggregation with the keyed hash), so one unit must not change an outcome class here either.
 *
 * <p>System properties as for {@link NeighbourPropertyTest}; {@value NeighbourPropertyTest#COUNT}
 * blank runs {@value #DEFAULT_COUNT} statements (each runs in three warehouses, each a few remote
 * queries of Trino's latency). Skips without a Trino unless {@code VEIL_REQUIRE_TRINO} is set.
 */
class TrinoNeighbourPropertyTest {
    static final int DEFAULT_COUNT = 400;

    private static TrinoServer trino;

    @TempDir
    Path dir;

    @BeforeAll
    static void startTrino() throws Exception {
        trino = TrinoGate.start(0);
    }

    @AfterAll
    static void stopTrino() {
        if (trino != null) {
            trino.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void oneMorePrivacyUnitInTrinoTablesChangesNoOutcomeClass() throws Exception {
        NeighbourPropertyTest.runAndAssert(
                dir,
                "TrinoNeighbourPropertyTest",
                DEFAULT_COUNT,
                (path, variant) -> NeighbourWarehouse.createForeignTrino(
                        path, variant, trino, "nb_" + variant.name().toLowerCase(Locale.ROOT)));
    }
}
