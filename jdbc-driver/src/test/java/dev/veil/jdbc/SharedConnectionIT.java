package dev.veil.jdbc;

import static dev.veil.jdbc.TestServer.ADMIN_PASSWORD;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Eight threads share one connection, as BI tools' metadata readers and pooled applications do:
 * every call answers as it does alone (the driver's requests on one connection take turns; before
 * that, two requests at once corrupted the shared Basic authorization encoder and failed with
 * "Current state = RESET, new state = FLUSHED").
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class SharedConnectionIT {
    @TempDir
    static Path dir;

    private static VeilServer server;

    @BeforeAll
    static void start() throws SQLException {
        server = VeilServer.start(
                ServerConfig.of(TestServer.createWarehouse(dir)).withPort(0));
        TestServer.loadData(server, TestServer.credentials("admin", ADMIN_PASSWORD), false);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void threadsShareOneConnection() throws Exception {
        try (Connection c = TestServer.connect(server.jdbcUrl(), "admin", ADMIN_PASSWORD)) {
            String expectedTables = tables(c.getMetaData());
            String expectedRows = rows(c);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int thread = t;
                    futures.add(pool.submit(() -> {
                        for (int i = 0; i < 40; i++) {
                            if ((i + thread) % 2 == 0) {
                                assertEquals(expectedTables, tables(c.getMetaData()));
                            } else {
                                assertEquals(expectedRows, rows(c));
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    private static String tables(DatabaseMetaData meta) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (ResultSet rs = meta.getColumns(null, "shop", "%", "%")) {
            while (rs.next()) {
                out.append(rs.getString("TABLE_NAME"))
                        .append('.')
                        .append(rs.getString("COLUMN_NAME"))
                        .append(' ');
            }
        }
        return out.toString();
    }

    private static String rows(Connection c) throws SQLException {
        StringBuilder out = new StringBuilder();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT id, city FROM shop.orders ORDER BY id")) {
            while (rs.next()) {
                out.append(rs.getLong(1)).append(rs.getString(2)).append(' ');
            }
        }
        return out.toString();
    }
}
