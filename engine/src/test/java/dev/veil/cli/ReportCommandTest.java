package dev.veil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.session.EmbeddedDriver;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil report data-use}, run in-process through the CLI's entry point. */
class ReportCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesOnePersonsDataUseAsEscapedHtmlAndJson() throws Exception {
        Path wh = dir.resolve("wh");
        Properties info = new Properties();
        info.setProperty("user", "admin");
        try (Connection c = DriverManager.getConnection(EmbeddedDriver.PREFIX + wh + ";create=true", info);
                Statement s = c.createStatement()) {
            for (String sql : List.of(
                    "CREATE SCHEMA crm",
                    "CREATE TABLE crm.people (pid BIGINT NOT NULL, \"n<b>&'x\" VARCHAR)",
                    "INSERT INTO crm.people VALUES (1, 'Ann'), (2, 'Bob')",
                    "CREATE TABLE crm.consents (unit_id BIGINT, purpose VARCHAR, category VARCHAR,"
                            + " granted_at TIMESTAMP, expires_at TIMESTAMP)",
                    "INSERT INTO crm.consents VALUES (1, 'analytics', 'contact', TIMESTAMP '2000-01-01 00:00:00',"
                            + " TIMESTAMP '2999-01-01 00:00:00')",
                    "ALTER TABLE crm.people SET PRIVACY UNIT (pid)",
                    "ALTER TABLE crm.people ALTER COLUMN \"n<b>&'x\" SET CATEGORY contact",
                    "ALTER TABLE crm.consents SET CONSENT SOURCE (UNIT unit_id REFERENCES crm.people (pid),"
                            + " PURPOSE purpose, CATEGORY category, GRANTED granted_at, EXPIRES expires_at)",
                    "ALTER TABLE crm.people SET CONSENT REQUIRED",
                    "CREATE PURPOSE analytics",
                    "SET PURPOSE analytics")) {
                s.execute(sql);
            }
            try (ResultSet rs = s.executeQuery("SELECT COUNT(\"n<b>&'x\") FROM crm.people")) {
                rs.next();
                assertEquals(1, rs.getLong(1));
            }
        }

        Path html = dir.resolve("ann.html");
        Run run = veil("report", "data-use", "--warehouse", wh.toString(), "--unit", "1", "--out", html.toString());
        assertEquals(0, run.status(), run.err());
        assertTrue(run.out().contains("(1 uses)"), run.out());
        String page = Files.readString(html);
        assertTrue(page.contains("<td>analytics</td>"), page);
        assertTrue(page.contains("<td>n&lt;b&gt;&amp;&#39;x</td>"), page);
        assertFalse(page.contains("n<b>"), page);

        Run json = veil(
                "report",
                "data-use",
                "--warehouse",
                wh.toString(),
                "--unit",
                "1",
                "--table",
                "crm.people",
                "--format",
                "json");
        assertEquals(0, json.status(), json.err());
        assertTrue(json.out().contains("\"purpose\": \"analytics\""), json.out());
        assertTrue(json.out().contains("\"columns\": [\"n\\u003cb\\u003e\\u0026'x\"]"), json.out());

        // Bob did not consent: his rows did not exist for that statement.
        Run bob = veil("report", "data-use", "--warehouse", wh.toString(), "--unit", "2", "--format", "html");
        assertEquals(0, bob.status(), bob.err());
        assertTrue(bob.out().contains("No recorded use of your data."), bob.out());

        // An existing file is never overwritten.
        Run again = veil("report", "data-use", "--warehouse", wh.toString(), "--unit", "1", "--out", html.toString());
        assertEquals(1, again.status());
        assertTrue(again.err().contains("ALREADY_EXISTS"), again.err());
        assertEquals(page, Files.readString(html));

        Run badFormat = veil("report", "data-use", "--warehouse", wh.toString(), "--unit", "1", "--format", "pdf");
        assertTrue(badFormat.err().contains("INVALID_ARGUMENT"), badFormat.err());
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
