package dev.veil.bench.tpch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Runs the TPC-H benchmark end to end at scale factor 0.01 with one warm run, to keep the
 * harness working. Timings are never asserted: only that the reports are written and complete.
 */
class TpchBenchmarkTest {
    @TempDir
    Path dir;

    @Test
    @Timeout(180)
    void writesBothReportsNamingEveryQueryAndEngine() throws Exception {
        Path out = dir.resolve("out");
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int status;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            // The time-out keeps a query whose plan is pathological from stretching the test; a
            // timed-out query is still named in the reports.
            status = new CommandLine(new TpchBenchmark()).execute("--sf", "0.01", "--runs", "1",
                    "--timeout-seconds", "15", "--work", dir.resolve("work").toString(), "--out", out.toString());
        } finally {
            System.setOut(stdout);
        }
        assertEquals(0, status);

        String markdown = Files.readString(out.resolve("report.md"));
        String json = Files.readString(out.resolve("report.json"));
        assertEquals(markdown, printed.toString(StandardCharsets.UTF_8));
        for (MeasuredQuery query : MeasuredQuery.defaults()) {
            assertTrue(markdown.contains("| " + query.name() + " |"), () -> query.name() + " missing from report.md");
            assertTrue(json.contains("\"name\": \"" + query.name() + "\""), () -> query.name() + " missing from report.json");
        }
        for (EngineId engine : EngineId.values()) {
            assertTrue(markdown.contains(engine.label()), () -> engine.label() + " missing from report.md");
            assertTrue(json.contains("\"" + engine.id() + "\": {"), () -> engine.id() + " missing from report.json");
        }
        assertTrue(markdown.contains("not available yet"));
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
