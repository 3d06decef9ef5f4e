package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.ANA_PASSWORD;
import static dev.veil.jdbc.TestServer.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.cli.Main;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code veil load --url}: a client-side file streamed to a running server and loaded there by
 * {@code COPY ... FROM 'upload:<id>'}, all or nothing, with the same errors as in-process; uploads
 * are for admins, belong to their uploader, load once and leave no file behind.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class LoadOverUrlIT {
    @TempDir
    static Path dir;

    private static VeilServer server;
    private static String url;
    private static Path warehouse;
    private static Path adminPasswordFile;

    @BeforeAll
    static void start() throws Exception {
        warehouse = TestServer.createWarehouse(dir);
        server = VeilServer.start(ServerConfig.of(warehouse).withPort(0));
        url = server.jdbcUrl();
        adminPasswordFile = dir.resolve("admin.pw");
        Files.writeString(adminPasswordFile, ADMIN_PASSWORD + "\n");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    record Run(int status, String out, String err) {}

    private static synchronized Run veil(String... args) {
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

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long uploadsLeft() throws Exception {
        Path uploads = warehouse.resolve("uploads");
        if (!Files.isDirectory(uploads)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(uploads)) {
            return files.count();
        }
    }

    @Test
    void aCsvFileLoadsThroughTheServerAllOrNothing() throws Exception {
        Path csv = dir.resolve("people.csv");
        StringBuilder text = new StringBuilder("id,name,score\n");
        for (int i = 1; i <= 5000; i++) {
            text.append(i)
                    .append(",name ")
                    .append(i)
                    .append(',')
                    .append(i % 100)
                    .append(".25\n");
        }
        Files.writeString(csv, text);
        Run load = veil(
                "load",
                "--url",
                url,
                "--password-file",
                adminPasswordFile.toString(),
                "--table",
                "up.people",
                "--csv",
                csv.toString(),
                "--header");
        assertEquals(0, load.status(), load.err());
        assertTrue(load.out().contains("5,000 rows loaded into up.people through " + url), load.out());

        // A bad value fails the whole load with the file's line, as in-process, and adds nothing.
        Path bad = dir.resolve("bad.csv");
        Files.writeString(bad, "id,name,score\n6,six,1.5\n7,seven,lots\n");
        Run refused = veil(
                "load",
                "--url",
                url,
                "--password-file",
                adminPasswordFile.toString(),
                "--table",
                "up.people",
                "--csv",
                bad.toString(),
                "--header");
        assertEquals(1, refused.status(), refused.out());
        assertTrue(refused.err().contains("bad.csv:3: column 'score'"), refused.err());
        try (Connection admin = connect(url, "admin", ADMIN_PASSWORD);
                Statement s = admin.createStatement()) {
            assertEquals(5000, count(s, "SELECT COUNT(*) FROM up.people"));
            assertEquals(4950 * 50 + 1250, count(s, "SELECT CAST(SUM(score) AS BIGINT) FROM up.people"));
        }
        assertEquals(0, uploadsLeft(), "every upload is removed after its load");
    }

    @Test
    void aParquetFolderLoadsAsOneVersion() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("lake"));
        try (Connection admin = connect(url, "admin", ADMIN_PASSWORD);
                Statement s = admin.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS src");
            s.execute("CREATE TABLE src.nums AS SELECT * FROM (VALUES (1, 'a'), (2, 'b'), (3, 'c')) t(n, label)");
            s.execute("COPY (SELECT * FROM src.nums WHERE n < 3) TO '" + folder.resolve("a.parquet") + "'");
            s.execute("COPY (SELECT * FROM src.nums WHERE n = 3) TO '" + folder.resolve("b.parquet") + "'");
        }
        Run load = veil(
                "load",
                "--url",
                url,
                "--password-file",
                adminPasswordFile.toString(),
                "--table",
                "up.nums",
                "--parquet",
                folder.toString());
        assertEquals(0, load.status(), load.err());
        try (Connection admin = connect(url, "admin", ADMIN_PASSWORD);
                Statement s = admin.createStatement()) {
            assertEquals(6, count(s, "SELECT SUM(n) FROM up.nums"));
        }
        assertEquals(0, uploadsLeft());
    }

    @Test
    void uploadsAreForAdminsAndTheirUploaderOnlyAndLoadOnce() throws Exception {
        Path csv = dir.resolve("few.csv");
        Files.writeString(csv, "1,x\n2,y\n");
        try (Connection ana = connect(url, "ana", ANA_PASSWORD)) {
            SQLException e = assertThrows(
                    SQLException.class, () -> ana.unwrap(FileUploads.class).upload(csv));
            assertEquals("42501", e.getSQLState(), e.getMessage());
        }
        assertEquals(0, uploadsLeft());
        try (Connection admin = connect(url, "admin", ADMIN_PASSWORD);
                Statement s = admin.createStatement();
                Connection ana = connect(url, "ana", ANA_PASSWORD);
                Statement a = ana.createStatement()) {
            String id = admin.unwrap(FileUploads.class).upload(csv);
            assertTrue(id.matches("[0-9a-f]{32}"), id);
            // Another user cannot load it: analysts cannot COPY at all.
            SQLException denied =
                    assertThrows(SQLException.class, () -> a.execute("COPY up.few FROM 'upload:" + id + "'"));
            assertTrue(denied.getMessage().contains("ACCESS_DENIED"), denied.getMessage());
            assertEquals(1, uploadsLeft());
            assertEquals(2, s.executeUpdate("COPY up.few FROM 'upload:" + id + "'"));
            SQLException again =
                    assertThrows(SQLException.class, () -> s.execute("COPY up.few FROM 'upload:" + id + "'"));
            assertTrue(again.getMessage().contains("FILE_NOT_FOUND"), again.getMessage());
            SQLException unknown =
                    assertThrows(SQLException.class, () -> s.execute("COPY up.few FROM 'upload:../../veil.db'"));
            assertTrue(unknown.getMessage().contains("FILE_NOT_FOUND"), unknown.getMessage());
        }
        assertEquals(0, uploadsLeft());
    }
}
