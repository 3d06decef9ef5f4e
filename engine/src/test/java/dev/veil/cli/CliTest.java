package dev.veil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedWriter;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code veil} CLI, run as a separate process the way users run it. */
class CliTest {
    @TempDir
    Path dir;

    /** The result of one CLI run. */
    record Run(int status, String out, String err) {}

    private Run veil(String maxHeap, String... args) throws IOException, InterruptedException {
        return veilWithInput(null, maxHeap, args);
    }

    /** Runs the CLI with standard input read from {@code input} (none when null). */
    private Run veilWithInput(Path input, String maxHeap, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
        command.add("-Xmx" + maxHeap);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        Path out = dir.resolve("out.txt");
        Path err = dir.resolve("err.txt");
        ProcessBuilder builder =
                new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        if (input != null) {
            builder.redirectInput(input.toFile());
        }
        Process p = builder.start();
        assertTrue(p.waitFor(5, TimeUnit.MINUTES), "the CLI finished");
        return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    @Test
    void initLoadAndQueryAsCsv() throws Exception {
        Path wh = dir.resolve("wh");
        Path csv = dir.resolve("people.csv");
        Files.writeString(csv, "id,name,score,born\n1,Ann,12.5,1990-01-02\n2,\"Bo, Jr\",7.25,1985-06-30\n3,Cy,,\n");
        assertEquals(0, veil("256m", "init", "--warehouse", wh.toString()).status());
        Run load = veil(
                "256m",
                "load",
                "--warehouse",
                wh.toString(),
                "--table",
                "t.people",
                "--csv",
                csv.toString(),
                "--header");
        assertEquals(0, load.status(), load.err());
        assertTrue(load.out().contains("3 rows loaded into t.people"), load.out());
        Run query = veil(
                "256m",
                "sql",
                "--warehouse",
                wh.toString(),
                "--format",
                "csv",
                "-e",
                "SELECT id, name, score, born FROM t.people ORDER BY id");
        assertEquals(0, query.status(), query.err());
        assertEquals(
                "id,name,score,born\r\n1,Ann,12.50,1990-01-02\r\n2,\"Bo, Jr\",7.25,1985-06-30\r\n3,Cy,,\r\n",
                query.out());
    }

    @Test
    void readmeQuickstartRunsTheExampleReportAndTheShellDescribesTables() throws Exception {
        Path wh = dir.resolve("wh");
        Path examples = Path.of("..", "examples").toAbsolutePath().normalize();
        assertEquals(0, veil("256m", "init", "--warehouse", wh.toString()).status());
        Run load = veil(
                "256m",
                "load",
                "--warehouse",
                wh.toString(),
                "--table",
                "shop.orders",
                "--csv",
                examples.resolve("orders.csv").toString(),
                "--header");
        assertEquals(0, load.status(), load.err());
        Run report = veil(
                "256m",
                "sql",
                "--warehouse",
                wh.toString(),
                "--format",
                "csv",
                "-f",
                examples.resolve("report.sql").toString());
        assertEquals(0, report.status(), report.err());
        assertTrue(report.out().startsWith("city,orders,revenue\r\nPorto,258,210136.80\r\n"), report.out());
        assertTrue(report.out().contains("product,units\r\nchair,810\r\n"), report.out());

        // The interactive shell in-process: sqlline's metadata commands match the lower-case names.
        Path script = dir.resolve("shell.txt");
        Files.writeString(script, "!describe orders\n!columns shop orders\n!quit\n");
        Run shell = veilWithInput(script, "256m", "sql", "--warehouse", wh.toString());
        assertEquals(0, shell.status(), shell.err());
        for (String column : List.of("order_id", "customer_id", "city", "product", "quantity", "price")) {
            assertTrue(shell.out().matches("(?s).*\\|\\s*orders\\s*\\|\\s*" + column + "\\s*\\|.*"), shell.out());
        }
        assertTrue(
                shell.out().matches("(?s).*\\|\\s*price\\s*\\|\\s*3\\s*\\|\\s*DECIMAL\\s*\\|\\s*18\\s*\\|.*"),
                shell.out());
        assertFalse(shell.out().contains("Exception") || shell.err().contains("Exception"), shell.err());
    }

    @Test
    void errorsGoToStandardErrorWithANonZeroStatus() throws Exception {
        Path wh = dir.resolve("wh");
        assertEquals(0, veil("256m", "init", "--warehouse", wh.toString()).status());
        Run run = veil("256m", "sql", "--warehouse", wh.toString(), "-e", "SELECT * FROM nowhere");
        assertEquals(1, run.status());
        assertTrue(run.err().contains("VEIL-0003 UNKNOWN_TABLE"), run.err());
        assertEquals("", run.out());
        Run missing = veil("256m", "sql", "--warehouse", dir.resolve("none").toString(), "-e", "SELECT 1");
        assertEquals(1, missing.status());
        assertTrue(missing.err().contains("WAREHOUSE_NOT_FOUND"), missing.err());
    }

    @Test
    void serveDocumentsAndChecksItsStatementTimeout() throws Exception {
        Run help = veil("256m", "serve", "--help");
        assertEquals(0, help.status(), help.err());
        assertTrue(help.out().contains("--statement-timeout"), help.out());
        assertTrue(help.out().contains("default 10min"), help.out());
        Path wh = dir.resolve("wh");
        assertEquals(0, veil("256m", "init", "--warehouse", wh.toString()).status());
        Run bad = veil("256m", "serve", "--warehouse", wh.toString(), "--port", "0", "--statement-timeout", "soon");
        assertEquals(1, bad.status());
        assertTrue(bad.err().contains("VEIL-0015 INVALID_ARGUMENT: Invalid time limit 'soon'"), bad.err());
    }

    @Test
    void constantDivisionByZeroIsACleanAuditedErrorAndNoTrace() throws Exception {
        Path wh = dir.resolve("wh");
        assertEquals(0, veil("256m", "init", "--warehouse", wh.toString()).status());
        Run run = veil("256m", "sql", "--warehouse", wh.toString(), "-e", "SELECT 1/0");
        assertEquals(1, run.status(), run.err());
        assertTrue(run.err().startsWith("veil: VEIL-0013 DIVISION_BY_ZERO"), run.err());
        assertFalse(run.err().contains("\tat "), "no stack trace: " + run.err());
        Run small = veil("256m", "sql", "--warehouse", wh.toString(), "-e", "SET EPSILON = 1e-320");
        assertEquals(1, small.status(), small.err());
        assertTrue(small.err().contains("VEIL-0015 INVALID_ARGUMENT: EPSILON must be at least 1e-6"), small.err());
        Run audit = veil(
                "256m",
                "sql",
                "--warehouse",
                wh.toString(),
                "--format",
                "csv",
                "-e",
                "SELECT statement, decision, reason FROM veil.audit WHERE statement = 'SELECT 1/0'");
        assertEquals(0, audit.status(), audit.err());
        assertTrue(audit.out().contains("SELECT 1/0,FAILED,VEIL-0013 DIVISION_BY_ZERO: Division by zero"), audit.out());
    }

    @Test
    void sumOverATableLargerThanTheHeap() throws Exception {
        Path wh = dir.resolve("wh");
        Path csv = dir.resolve("big.csv");
        long rows = 2_000_000;
        long expected = 0;
        try (BufferedWriter w = Files.newBufferedWriter(csv, StandardCharsets.UTF_8)) {
            for (long i = 0; i < rows; i++) {
                long v = i % 1000;
                expected += v;
                w.write(i + "," + v + ",padding-text-to-make-the-rows-wider-" + i + "\n");
            }
        }
        assertEquals(0, veil("256m", "init", "--warehouse", wh.toString()).status());
        Run load = veil("256m", "load", "--warehouse", wh.toString(), "--table", "big", "--csv", csv.toString());
        assertEquals(0, load.status(), load.err());
        long dataBytes;
        try (var files = Files.walk(wh.resolve("data"))) {
            dataBytes = files.map(Path::toFile)
                    .filter(File::isFile)
                    .mapToLong(File::length)
                    .sum();
        }
        assertTrue(dataBytes > 64L << 20, "the table (" + dataBytes + " bytes) is larger than the 48 MB heap");
        Run sum = veil(
                "48m",
                "sql",
                "--warehouse",
                wh.toString(),
                "--format",
                "csv",
                "-e",
                "SELECT SUM(column2) AS s, COUNT(*) AS n, MAX(LENGTH(column3)) AS l FROM big");
        assertEquals(0, sum.status(), sum.err());
        assertEquals("s,n,l\r\n" + expected + "," + rows + ",43\r\n", sum.out());
    }

    @Test
    void serveDocumentsAndChecksItsCpuSlotsAndPerUserCap() throws Exception {
        Run help = veil("256m", "serve", "--help");
        assertEquals(0, help.status(), help.err());
        assertTrue(
                help.out().contains("--cpu-slots")
                        && help.out().contains("--max-concurrent-statements")
                        && help.out().contains("TOO_MANY_STATEMENTS")
                        && help.out().contains("default 8"),
                help.out());
        Path wh = dir.resolve("wh");
        assertEquals(0, veil("256m", "init", "--warehouse", wh.toString()).status());
        Run noSlots = veil("256m", "serve", "--warehouse", wh.toString(), "--port", "0", "--cpu-slots", "0");
        assertEquals(1, noSlots.status(), noSlots.out());
        assertTrue(
                noSlots.err().contains("VEIL-0015 INVALID_ARGUMENT")
                        && noSlots.err().contains("CPU slots"),
                noSlots.err());
        Run noCap =
                veil("256m", "serve", "--warehouse", wh.toString(), "--port", "0", "--max-concurrent-statements", "0");
        assertEquals(1, noCap.status(), noCap.out());
        assertTrue(
                noCap.err().contains("VEIL-0015 INVALID_ARGUMENT")
                        && noCap.err().contains("between 1 and"),
                noCap.err());
    }

    @Test
    void serveDocumentsAndChecksItsMemoryLimits() throws Exception {
        Run help = veil("256m", "serve", "--help");
        assertEquals(0, help.status(), help.err());
        assertTrue(
                help.out().contains("--statement-memory")
                        && help.out().contains("--memory-pool")
                        && help.out().contains("MEMORY_LIMIT_EXCEEDED"),
                help.out());
        Path wh = dir.resolve("wh");
        assertEquals(0, veil("256m", "init", "--warehouse", wh.toString()).status());
        Run tooBig = veil(
                "256m",
                "serve",
                "--warehouse",
                wh.toString(),
                "--port",
                "0",
                "--statement-memory",
                "100MB",
                "--memory-pool",
                "50MB");
        assertEquals(1, tooBig.status(), tooBig.out());
        assertTrue(
                tooBig.err().contains("INVALID_ARGUMENT") && tooBig.err().contains("--statement-memory"), tooBig.err());
        Run malformed =
                veil("256m", "serve", "--warehouse", wh.toString(), "--port", "0", "--statement-memory", "lots");
        assertEquals(1, malformed.status(), malformed.out());
        assertTrue(malformed.err().contains("'512MB'"), malformed.err());
    }
}
