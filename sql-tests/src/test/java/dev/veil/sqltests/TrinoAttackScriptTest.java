package dev.veil.sqltests;

import dev.veil.exec.remote.TrinoGate;
import dev.veil.exec.remote.TrinoServer;
import dev.veil.sqltests.script.TrinoPlace;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack scripts over Trino: as {@link ForeignAttackScriptTest} does with PostgreSQL, each
 * script's fixture tables are created and filled in the {@code memory} catalog of one Trino server
 * (a schema of their own per script) and imported into Veil as foreign tables, and every expected
 * outcome is the one the script states for local tables. Trino's dialect differs from
 * PostgreSQL's in what Veil pushes to it (floating-point arithmetic, the DP pre-aggregation by
 * keyed hash), so each attack is tried against both. Skips without a Trino unless
 * {@code VEIL_REQUIRE_TRINO} is set.
 */
class TrinoAttackScriptTest {
    /** Attack scripts with a fixture that cannot run over Trino copies, and why. */
    static final Map<String, String> NOT_APPLICABLE = ForeignAttackScriptTest.NOT_APPLICABLE;

    private static TrinoServer trino;

    @TempDir
    static Path dir;

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

    @TestFactory
    Stream<DynamicNode> attackScriptsOverTrinoFixtureTables() throws IOException, URISyntaxException {
        return ForeignAttackScriptTest.overForeignCopies(
                "trino", NOT_APPLICABLE, (i, work) -> new TrinoPlace(trino, "attack" + i), dir);
    }
}
