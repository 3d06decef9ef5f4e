package dev.veil.sqltests;

import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.veil.sqltests.script.ScriptParser;
import dev.veil.sqltests.script.ScriptRecord;
import dev.veil.sqltests.script.ScriptRunner;
import dev.veil.sqltests.script.ScriptRunner.CaseResult;
import dev.veil.sqltests.script.ScriptServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs every SQL test script under {@code src/test/resources/scripts} (files ending in
 * {@code .test}), each against a fresh server on an ephemeral port, through the thin driver.
 * Each script is a container; each of its cases is a test. The format is in
 * {@code sql-tests/README.md}.
 *
 * <p>System properties: {@value #FILTER_PROPERTY} (a regex: run only the scripts whose path
 * below {@code scripts/} it finds), {@value #THREADS_PROPERTY} (scripts run at once, default 2).
 */
class SqlScriptTest {
    static final String FILTER_PROPERTY = "sqltests.script";
    static final String THREADS_PROPERTY = "sqltests.threads";
    static final String SCRIPTS = "scripts";

    @TempDir
    Path dir;

    @TestFactory
    Stream<DynamicNode> scripts() throws IOException, URISyntaxException {
        List<Path> scripts = findScripts();
        assertFalse(scripts.isEmpty(), "no scripts matched");
        int threads = Integer.getInteger(THREADS_PROPERTY, 2);
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "sql-script");
            t.setDaemon(true);
            return t;
        });
        Path root = scriptRoot();
        List<DynamicNode> containers = new ArrayList<>();
        for (int i = 0; i < scripts.size(); i++) {
            Path script = scripts.get(i);
            String name = root.relativize(script).toString().replace('\\', '/');
            Path work = dir.resolve("script-" + i);
            CompletableFuture<List<CaseResult>> results =
                    CompletableFuture.supplyAsync(() -> run(name, script, work), pool);
            containers.add(DynamicContainer.dynamicContainer(
                    name, script.toUri(), Stream.of(results).flatMap(future -> tests(name, future.join()))));
        }
        return containers.stream().onClose(pool::shutdownNow);
    }

    static Stream<DynamicNode> tests(String name, List<CaseResult> results) {
        long failed = results.stream().filter(r -> r.failure().isPresent()).count();
        System.out.printf("%-40s %4d cases, %d failed%n", name, results.size(), failed);
        return results.stream()
                .map(result -> DynamicTest.dynamicTest(result.title(), () -> {
                    Optional<String> failure = result.failure();
                    if (failure.isPresent()) {
                        throw new AssertionError(failure.get());
                    }
                }));
    }

    /** Parses and runs one script on its own fresh server. */
    static List<CaseResult> run(String name, Path script, Path work) {
        return run(name, script, work, SqlScriptTest::fixture);
    }

    /** Parses and runs one script on its own fresh server, with fixtures from {@code fixtures}. */
    static List<CaseResult> run(String name, Path script, Path work, Function<String, String> fixtures) {
        List<ScriptRecord> records;
        try {
            records = ScriptParser.parse(name, Files.readString(script, StandardCharsets.UTF_8), fixtures);
        } catch (IOException | UncheckedIOException | IllegalArgumentException | IllegalStateException e) {
            return List.of(new CaseResult(0, "parse " + name, Optional.of(String.valueOf(e.getMessage()))));
        }
        try (ScriptServer server = ScriptServer.start(work.resolve("warehouse"));
                ScriptRunner runner = new ScriptRunner(name, server, work.resolve("files"))) {
            return runner.run(records);
        } catch (Exception e) {
            return List.of(new CaseResult(0, "run " + name, Optional.of(name + ": the harness failed: " + e)));
        }
    }

    static String fixture(String name) {
        try {
            return Files.readString(
                    scriptRoot().resolve("fixtures").resolve(name + ".fixture"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Path scriptRoot() throws URISyntaxException {
        return Path.of(SqlScriptTest.class.getClassLoader().getResource(SCRIPTS).toURI());
    }

    static List<Path> findScripts() throws IOException, URISyntaxException {
        Path root = scriptRoot();
        Pattern filter = Pattern.compile(System.getProperty(FILTER_PROPERTY, ""));
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> p.toString().endsWith(".test"))
                    .filter(p -> filter.matcher(root.relativize(p).toString()).find())
                    .sorted()
                    .toList();
        }
    }
}
