package dev.veil.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.veil.exec.remote.PostgresServer;
import dev.veil.sqltests.script.ForeignFixtures;
import dev.veil.sqltests.script.PostgresPlace;
import dev.veil.sqltests.script.RemotePlace;
import dev.veil.sqltests.script.ScriptRunner.CaseResult;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The attack scripts ({@code scripts/attacks/*.test}) run unchanged with their fixtures' tables in
 * PostgreSQL: {@link ForeignFixtures} creates and fills the fixture tables in a throw-away
 * PostgreSQL (one database per script) and imports them into Veil as foreign tables under the
 * same schema and names, then the fixture's policies apply as written. Every expected outcome is
 * the one the script states for local tables. {@link TrinoAttackScriptTest} does the same over
 * Trino.
 *
 * <p>Scripts that cannot apply are listed with their reason: {@link #NO_FIXTURE} (they build
 * their own local tables, so there is nothing to place remotely) and {@link #NOT_APPLICABLE}
 * (they need what a foreign table does not offer). A test checks that the lists name existing
 * scripts and that every other attack script runs. The system property {@code sqltests.script}
 * (a regex) narrows the run as for {@link SqlScriptTest}. Skips without PostgreSQL binaries unless
 * {@code VEIL_REQUIRE_POSTGRES} is set.
 */
class ForeignAttackScriptTest {
    /** Attack scripts that include no fixture: they create their own tables. */
    static final Set<String> NO_FIXTURE = Set.of(
            "audit_ledger.test",
            "consistent_answers.test",
            "dp_budget.test",
            "dp_release_once.test",
            "join_only.test",
            "nan_bounds.test",
            "numeric_function_edges.test",
            "output_order.test",
            "resource_exhaustion.test",
            "retention.test");

    /** Attack scripts that include a fixture but cannot run over foreign copies, and why. */
    static final Map<String, String> NOT_APPLICABLE = Map.of(
            "catalog_sql.test",
            "INSERTs a customer into shop.customers (line 119); a foreign table takes no INSERT (NOT_SUPPORTED)");

    private static PostgresServer postgres;

    @TempDir
    static Path dir;

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

    @TestFactory
    Stream<DynamicNode> attackScriptsOverForeignFixtureTables() throws IOException, URISyntaxException {
        return overForeignCopies(
                "foreign",
                NOT_APPLICABLE,
                (i, work) -> new PostgresPlace(postgres, "attack_" + i, work.resolve("pg")),
                dir);
    }

    /**
     * One container per attack script with a fixture (less those {@code notApplicable} lists and
     * those the {@value SqlScriptTest#FILTER_PROPERTY} filter leaves out), its fixture tables in the
     * place {@code places} gives for the script's index and work folder, named {@code label} and the
     * script's path.
     */
    static Stream<DynamicNode> overForeignCopies(
            String label, Map<String, String> notApplicable, BiFunction<Integer, Path, RemotePlace> places, Path dir)
            throws IOException, URISyntaxException {
        Pattern filter = Pattern.compile(System.getProperty(SqlScriptTest.FILTER_PROPERTY, ""));
        Path root = SqlScriptTest.scriptRoot();
        List<Path> scripts = new ArrayList<>();
        for (Path script : attackScripts()) {
            String file = script.getFileName().toString();
            if (!NO_FIXTURE.contains(file)
                    && !notApplicable.containsKey(file)
                    && filter.matcher(root.relativize(script).toString()).find()) {
                scripts.add(script);
            }
        }
        System.out.println("attack scripts over " + label + " tables: " + scripts.size() + "; not run: " + NO_FIXTURE
                + " (no fixture), " + notApplicable);
        int threads = Integer.getInteger(SqlScriptTest.THREADS_PROPERTY, 2);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, label + "-script");
            t.setDaemon(true);
            return t;
        });
        List<DynamicNode> containers = new ArrayList<>();
        for (int i = 0; i < scripts.size(); i++) {
            Path script = scripts.get(i);
            String name = root.relativize(script).toString().replace('\\', '/');
            Path work = dir.resolve(label + "-script-" + i);
            RemotePlace place = places.apply(i, work);
            CompletableFuture<List<CaseResult>> results = CompletableFuture.supplyAsync(
                    () -> SqlScriptTest.run(name, script, work, new ForeignFixtures(SqlScriptTest::fixture, place)),
                    pool);
            containers.add(DynamicContainer.dynamicContainer(
                    label + " " + name,
                    script.toUri(),
                    Stream.of(results).flatMap(future -> SqlScriptTest.tests(label + " " + name, future.join()))));
        }
        return containers.stream().onClose(pool::shutdownNow);
    }

    /** The lists of scripts not run name existing attack scripts, and only the scripts they should. */
    @Test
    void everyAttackScriptWithAFixtureRunsOrIsListedWithAReason() throws IOException, URISyntaxException {
        Set<String> withoutFixture = new TreeSet<>();
        Set<String> all = new TreeSet<>();
        for (Path script : attackScripts()) {
            String file = script.getFileName().toString();
            all.add(file);
            boolean includes = Files.readAllLines(script, StandardCharsets.UTF_8).stream()
                    .anyMatch(line -> line.strip().startsWith("include "));
            if (!includes) {
                withoutFixture.add(file);
            }
        }
        assertEquals(new TreeSet<>(NO_FIXTURE), withoutFixture, "attack scripts that include no fixture");
        for (Map<String, String> list : List.of(NOT_APPLICABLE, TrinoAttackScriptTest.NOT_APPLICABLE)) {
            Map<String, String> unknown = new TreeMap<>(list);
            unknown.keySet().removeAll(all);
            assertEquals(Map.of(), unknown, "a NOT_APPLICABLE list names scripts that do not exist");
        }
    }

    static List<Path> attackScripts() throws IOException, URISyntaxException {
        Path attacks = SqlScriptTest.scriptRoot().resolve("attacks");
        try (Stream<Path> files = Files.list(attacks)) {
            return files.filter(p -> p.toString().endsWith(".test")).sorted().toList();
        }
    }
}
