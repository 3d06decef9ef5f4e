package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static dev.veil.jdbc.TestServer.connect;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.Principals;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import dev.veil.storage.MasterKey;
import dev.veil.storage.Warehouse;
import dev.veil.storage.WarehouseKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Uploads to an encrypted warehouse ({@code /veil/upload}, {@code veil load --url}) wait in
 * {@code uploads/} encrypted: none of their plain values is on disk while they wait, and CSV and
 * Parquet uploads still load.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class EncryptedUploadsIT {
    @TempDir
    static Path dir;

    private static VeilServer server;
    private static String url;
    private static Path warehouse;

    @BeforeAll
    static void start() {
        warehouse = dir.resolve("enc");
        MasterKey key = MasterKey.random();
        try (Warehouse w = Warehouse.create(warehouse, key)) {
            w.catalog().createSchema("public", true);
            new Principals(w.sqliteCatalog()).createUser("admin", ADMIN_PASSWORD, "admin", false);
        }
        WarehouseKeys.register(warehouse, key);
        server = VeilServer.start(ServerConfig.of(warehouse).withPort(0));
        url = server.jdbcUrl();
    }

    @AfterAll
    static void stop() {
        server.close();
        WarehouseKeys.forget(warehouse);
    }

    private static List<Path> waiting() throws Exception {
        Path uploads = warehouse.resolve("uploads");
        if (!Files.isDirectory(uploads)) {
            return List.of();
        }
        try (Stream<Path> files = Files.walk(uploads)) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private static long count(Statement s, String sql) throws Exception {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aWaitingUploadHoldsNoPlainValueAndStillLoads() throws Exception {
        Path csv = dir.resolve("secrets.csv");
        StringBuilder text = new StringBuilder("id,name\n");
        for (int i = 0; i < 3000; i++) {
            text.append(i).append(",Zorblax").append(i).append("Quux\n");
        }
        Files.writeString(csv, text);
        try (Connection admin = connect(url, "admin", ADMIN_PASSWORD);
                Statement s = admin.createStatement()) {
            String id = admin.unwrap(FileUploads.class).upload(csv);
            List<Path> files = waiting();
            assertEquals(1, files.size(), files.toString());
            byte[] stored = Files.readAllBytes(files.get(0));
            String bytes = new String(stored, StandardCharsets.ISO_8859_1);
            assertFalse(bytes.contains("Zorblax"), "the waiting upload holds a plain value");
            assertFalse(bytes.contains("id,name"), "the waiting upload holds its plain header");
            assertTrue(bytes.startsWith("VEILENC1"), "encrypted in the segments' format");

            assertEquals(3000, s.executeUpdate("COPY up_csv FROM 'upload:" + id + "' WITH (HEADER = TRUE)"));
            assertEquals(3000, count(s, "SELECT COUNT(*) FROM up_csv WHERE name LIKE 'Zorblax%Quux'"));
            assertEquals(List.of(), waiting());

            // Parquet is decrypted into memory for Arrow's native reader, and removed after the load.
            Path parquet = dir.resolve("nums.parquet");
            s.execute("COPY (SELECT id, name FROM up_csv WHERE id < 200) TO '" + parquet + "'");
            String parquetId = admin.unwrap(FileUploads.class).upload(parquet);
            assertEquals(200, s.executeUpdate("COPY up_parquet FROM 'upload:" + parquetId + "'"));
            assertEquals(199 * 200 / 2, count(s, "SELECT SUM(id) FROM up_parquet"));
            assertEquals(List.of(), waiting());
        }
        Path memory = Path.of("/dev/shm");
        if (Files.isDirectory(memory)) {
            try (Stream<Path> left = Files.list(memory)) {
                assertFalse(
                        left.anyMatch(p -> p.getFileName().toString().startsWith("veil-upload-")),
                        "no decrypted copy is left in memory");
            }
        }
    }
}
