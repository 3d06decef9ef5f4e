package dev.veil.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * sqlline in a JVM of its own, whose class path holds nothing but the shaded driver jar and
 * sqlline's own jars (the class path of docs/connecting.md): the driver registers itself,
 * connects, and serves {@code !tables}, {@code !describe}, {@code !columns} and queries, each
 * command's output checked on its own.
 */
class SqllineIT {
    @TempDir
    static Path dir;

    private static VeilServer server;

    @BeforeAll
    static void start() throws Exception {
        server = VeilServer.start(
                ServerConfig.of(TestServer.createWarehouse(dir)).withPort(0));
        TestServer.loadData(server, TestServer.credentials("admin", TestServer.ADMIN_PASSWORD), false);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** The shaded jar the build made, and sqlline's jars from this JVM's class path. */
    private static String isolatedClassPath() throws Exception {
        Path jar = Path.of(
                Driver.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        assertTrue(jar.getFileName().toString().matches("veil-jdbc-.*\\.jar"), "not the packaged driver: " + jar);
        List<String> entries = new ArrayList<>(List.of(jar.toString()));
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            String path = entry.replace('\\', '/');
            if (path.contains("/sqlline/sqlline/") || path.contains("/org/jline/")) {
                entries.add(entry);
            }
        }
        assertTrue(entries.size() > 1, "sqlline is not on the test class path");
        return String.join(File.pathSeparator, entries);
    }

    @Test
    void sqllineWithOnlyTheShadedJarListsTablesColumnsAndRunsQueries() throws Exception {
        List<String> commands = List.of(
                "!tables",
                "!describe orders",
                "!columns shop orders",
                "SELECT city, COUNT(*) AS n FROM shop.orders GROUP BY city ORDER BY city;",
                "!quit");
        Path script = dir.resolve("script.sql");
        Files.writeString(script, String.join("\n", commands) + "\n");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> command = List.of(
                java.toString(),
                "-cp",
                isolatedClassPath(),
                "sqlline.SqlLine",
                "-u",
                server.jdbcUrl(),
                "-n",
                "ana",
                "-p",
                TestServer.ANA_PASSWORD,
                "--maxWidth=400",
                "--isolation=TRANSACTION_NONE",
                "--run=" + script);
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        process.getOutputStream().close();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(90, TimeUnit.SECONDS), "sqlline did not finish:\n" + output);
        assertEquals(0, process.exitValue(), output);
        // With --run, sqlline echoes each command as "i/n  command" before its output.
        String[] sections = output.split("(?m)^\\d+/" + commands.size() + "\\s+");
        assertEquals(commands.size() + 1, sections.length, output);
        String tables = sections[1];
        String describe = sections[2];
        String columns = sections[3];
        String query = sections[4];
        assertTrue(tables.startsWith("!tables"), output);
        assertTrue(
                tables.matches("(?s).*\\|\\s*veil\\s*\\|\\s*shop\\s*\\|\\s*orders\\s*\\|\\s*TABLE\\s*\\|.*"), tables);
        for (String section : List.of(describe, columns)) {
            assertTrue(
                    section.matches("(?s).*\\|\\s*orders\\s*\\|\\s*id\\s*\\|\\s*-5\\s*\\|\\s*BIGINT\\s*\\|.*"),
                    section);
            assertTrue(
                    section.matches(
                            "(?s).*\\|\\s*orders\\s*\\|\\s*amount\\s*\\|\\s*3\\s*\\|\\s*DECIMAL\\s*\\|\\s*12\\s*\\|.*"),
                    section);
            assertTrue(
                    section.matches("(?s).*\\|\\s*orders\\s*\\|\\s*order_day\\s*\\|\\s*91\\s*\\|\\s*DATE\\s*\\|.*"),
                    section);
            assertEquals(
                    7,
                    section.lines()
                            .filter(l -> l.matches("\\|\\s*veil\\s*\\|.*"))
                            .count(),
                    section);
        }
        assertTrue(query.matches("(?s).*\\|\\s*Lyon\\s*\\|\\s*2\\s*\\|.*"), query);
        assertTrue(query.matches("(?s).*\\|\\s*Porto\\s*\\|\\s*1\\s*\\|.*"), query);
        assertTrue(query.contains("2 rows selected"), query);
        assertFalse(output.contains("Exception"), output);
        assertFalse(output.contains("SLF4J"), "the driver's relocated logging must stay silent:\n" + output);
    }
}
