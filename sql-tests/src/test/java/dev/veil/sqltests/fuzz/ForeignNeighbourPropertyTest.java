package dev.veil.sqltests.fuzz;

import dev.veil.exec.remote.PostgresServer;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The neighbouring-database property test over foreign tables: the same statements and the same
 * assertions as {@link NeighbourPropertyTest}, but each warehouse's tables (the base, the
 * neighbour with one more privacy unit, and the copy inserted in the other order) live in their
 * own database of a throw-away PostgreSQL, reached by Veil as foreign tables under the same names
 * and policies, {@code CONSENT REQUIRED} on {@code nb.visits} and {@code nb.items} included ({@link
 * NeighbourWarehouse#createForeign}; the consent source stays a table Veil stores). So what Veil
 * pushes to PostgreSQL (filters, projections, joins, aggregations, the DP aggregate's per-unit
 * contribution bounds) and the consent filter Veil keeps above the remote scans must not let one
 * unit change an outcome class either.
 *
 * <p>System properties as for {@link NeighbourPropertyTest}; {@value NeighbourPropertyTest#COUNT}
 * blank runs {@value #DEFAULT_COUNT} statements. Skips without PostgreSQL binaries unless
 * {@code VEIL_REQUIRE_POSTGRES} is set.
 */
class ForeignNeighbourPropertyTest {
    static final int DEFAULT_COUNT = 1500;

    private static PostgresServer postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = PostgresServer.startOrSkip();
    }

    @AfterAll
    static void stopPostgres() {
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.MINUTES)
    void oneMorePrivacyUnitInForeignTablesChangesNoOutcomeClass() throws Exception {
        NeighbourPropertyTest.runAndAssert(
                dir,
                "ForeignNeighbourPropertyTest",
                DEFAULT_COUNT,
                (path, variant) -> NeighbourWarehouse.createForeign(
                        path, variant, postgres, "nb_" + variant.name().toLowerCase(Locale.ROOT)));
    }
}
