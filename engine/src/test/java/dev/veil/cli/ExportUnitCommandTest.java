package dev.veil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.session.EmbeddedDriver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil export-unit}, run in-process through the CLI's entry point. */
class ExportUnitCommandTest {
    @TempDir
    Path dir;

    @Test
    void exportsOneUnitToANewFileAndRefusesToOverwrite() throws Exception {
        Path wh = dir.resolve("wh");
        Properties info = new Properties();
        info.setProperty("user", "admin");
        try (Connection c = DriverManager.getConnection(EmbeddedDriver.PREFIX + wh + ";create=true", info);
                Statement s = c.createStatement()) {
            for (String sql : List.of(
                    "CREATE SCHEMA shop",
                    "CREATE TABLE shop.customers (id BIGINT NOT NULL, name VARCHAR)",
                    "CREATE TABLE shop.orders (id BIGINT NOT NULL, customer_id BIGINT)",
                    "INSERT INTO shop.customers VALUES (1, 'Ann'), (2, 'Bo''b, \"the\" builder')",
                    "INSERT INTO shop.orders VALUES (10, 1), (20, 2), (21, 2)",
                    "ALTER TABLE shop.customers SET PRIVACY UNIT (id)",
                    "ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)")) {
                s.execute(sql);
            }
        }
        Path out = dir.resolve("bob.csv");
        Run run = veil(
                "export-unit",
                "--warehouse",
                wh.toString(),
                "--table",
                "shop.customers",
                "--unit",
                "2",
                "--out",
                out.toString(),
                "--format",
                "csv");
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("Exported 3 rows to " + out), run.out());
        assertEquals(
                List.of(
                        "unit,shop.customers,id,2",
                        "",
                        "table,shop.customers,1",
                        "id,name",
                        "2,\"Bo'b, \"\"the\"\" builder\"",
                        "",
                        "table,shop.orders,2",
                        "id,customer_id",
                        "20,2",
                        "21,2"),
                Files.readAllLines(out));

        Run again = veil(
                "export-unit",
                "--warehouse",
                wh.toString(),
                "--table",
                "shop.customers",
                "--unit",
                "1",
                "--out",
                out.toString());
        assertTrue(again.status() != 0);
        assertTrue(again.err().contains("ALREADY_EXISTS"), again.err());
        assertTrue(Files.readString(out).contains("Bo'b"));
    }

    record Run(int status, String out, String err) {}

    private static Run veil(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        ByteArrayOutputStream outBytes = new ByteArrayOutputStream();
        ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(outBytes, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(errBytes, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Run(
                    status, outBytes.toString(StandardCharsets.UTF_8), errBytes.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }
}
