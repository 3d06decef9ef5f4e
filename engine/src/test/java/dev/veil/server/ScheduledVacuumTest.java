package dev.veil.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.audit.AuditEntry;
import dev.veil.audit.AuditLog;
import dev.veil.catalog.Principals;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.session.Engine;
import dev.veil.session.Session;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server's VACUUM at {@code --vacuum-interval}: expired rows leave the disk without anyone asking. */
class ScheduledVacuumTest {
    @TempDir
    Path dir;

    @Test
    void theServerVacuumsAtItsIntervalAsAnAuditedStatement() throws InterruptedException {
        Path warehouse = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(warehouse)) {
            w.catalog().createSchema("public", true);
            new Principals(w.sqliteCatalog()).createUser("admin", "admin-secret-12", "admin", false);
        }
        Engine engine = Engine.acquire(warehouse);
        try {
            Session admin = engine.newSession("admin");
            for (String sql : List.of(
                    "CREATE SCHEMA web",
                    "CREATE TABLE web.events (id BIGINT, t TIMESTAMP)",
                    "INSERT INTO web.events VALUES (1, TIMESTAMP '2000-01-01 00:00:00'),"
                            + " (2, TIMESTAMP '2001-01-01 00:00:00'), (3, CURRENT_TIMESTAMP)",
                    "ALTER TABLE web.events SET RETENTION 30 DAYS ON t")) {
                admin.execute(sql, new AtomicBoolean());
            }
            TableDef events = engine.warehouse().catalog().requireTable(new TableName("web", "events"));
            assertEquals(
                    3, engine.warehouse().catalog().currentVersion(events.id()).rowCount());

            try (VeilServer server = VeilServer.start(
                    ServerConfig.of(warehouse).withPort(0).withVacuumInterval(Duration.ofMillis(200)))) {
                long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
                while (server.vacuumRuns() == 0 && System.nanoTime() < deadline) {
                    Thread.sleep(50);
                }
                assertTrue(server.vacuumRuns() > 0, "no scheduled VACUUM ran");
                // The expired rows are gone from the stored table, not only hidden.
                assertEquals(
                        1,
                        engine.warehouse().catalog().currentVersion(events.id()).rowCount());
                List<AuditEntry> vacuums = new AuditLog(engine.warehouse().sqliteCatalog())
                        .entries().stream()
                                .filter(e -> e.statement().equals(VeilServer.SCHEDULED_VACUUM))
                                .toList();
                assertTrue(!vacuums.isEmpty());
                assertEquals("admin", vacuums.get(0).user());
            }
        } finally {
            engine.release();
        }
    }

    @Test
    void aNegativeIntervalIsRefused() {
        VeilException e = assertThrows(
                VeilException.class, () -> ServerConfig.of(dir).withVacuumInterval(Duration.ofSeconds(-1)));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
    }
}
