package dev.veil.bench.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the TPC-H benchmark end to end at scale factor 0.01 with one warm run of three queries on
 * every engine, two accuracy runs and a short JDBC service measurement, to keep the harness working.
 * Timings are never asserted: only that the reports are written and complete.
 */
class TpchBenchmarkTest {
    @TempDir
    Path dir;

    /** A join, a grouped scan and a filtered scalar aggregate: the shapes of the default query set. */
    private static final List<String> QUERIES = List.of("q01", "q03", "q06");

    @Test
    @Timeout(240)
    void writesBothReportsNamingEveryQueryAndEngine() throws Exception {
        Path out = dir.resolve("out");
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            // The time-out keeps a query whose plan is pathological from stretching the test; a
            // timed-out query is still named in the reports.
            status = new CommandLine(new TpchBenchmark())
                    .execute(
                            "--sf",
                            "0.01",
                            // Every engine, the encrypted warehouse too (not in the default set).
                            "--engines",
                            "veil,veil-encrypted,veil-jdbc,veil-dp,duckdb,calcite",
                            "--runs",
                            "1",
                            "--queries",
                            String.join(",", QUERIES),
                            "--timeout-seconds",
                            "30",
                            "--accuracy-runs",
                            "2",
                            "--accuracy-seconds",
                            "20",
                            "--service-seconds",
                            "0.2",
                            "--work",
                            dir.resolve("work").toString(),
                            "--out",
                            out.toString());
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, status);

        String markdown = Files.readString(out.resolve("report.md"));
        String json = Files.readString(out.resolve("report.json"));
        assertEquals(markdown, printed.toString(StandardCharsets.UTF_8));
        for (String query : QUERIES) {
            assertTrue(markdown.contains("| " + query + " |"), () -> query + " missing from report.md");
            assertTrue(json.contains("\"name\": \"" + query + "\""), () -> query + " missing from report.json");
        }
        for (EngineId engine : EngineId.values()) {
            assertTrue(markdown.contains(engine.label()), () -> engine.label() + " missing from report.md");
            assertTrue(json.contains("\"" + engine.id() + "\": {"), () -> engine.id() + " missing from report.json");
        }
        assertTrue(markdown.contains("**Encryption at rest:** Veil encrypted / Veil"), "encryption cost missing");
        // Either the DP figures or, on a Veil without DP-SQL, a clean "not available" in their place.
        assertTrue(
                markdown.contains("n/a (DP not available)") || markdown.contains("| q03_count | customer |"),
                "neither DP figures nor their absence in report.md");
        assertTrue(markdown.contains("| queries/s, 16 concurrent clients | "), "JDBC service missing from report.md");
        assertTrue(markdown.contains("## Thin driver: cost"), "thin driver's cost missing from report.md");
        assertTrue(json.contains("\"service/latency/p99_ms\": "), "JDBC service latency missing from report.json");
        assertTrue(json.contains("\"cores\": " + Runtime.getRuntime().availableProcessors()));
        for (String table : TpchSchema.TABLES) {
            assertTrue(markdown.contains("| " + table + " |"), () -> "load of " + table + " missing from report.md");
        }
    }

    @Test
    void reusesGeneratedDataOnTheSecondRun() throws Exception {
        TpchFiles first = TpchFiles.prepare(0.001, dir);
        TpchFiles second = TpchFiles.prepare(0.001, dir);
        assertTrue(!first.reused() && second.reused());
        assertEquals(first.files(), second.files());
        assertEquals(dir.resolve("tpch-sf0.001"), second.dir());
    }
}
