package dev.veil.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.audit.AuditEntry;
import dev.veil.audit.AuditLog;
import dev.veil.audit.Decision;
import dev.veil.audit.StatementKind;
import dev.veil.catalog.SqliteCatalog;
import dev.veil.control.StatementControl;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.linq4j.Linq4j;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A query's rows leave only once its audit entry is on disk; if that write fails, nothing leaves. */
class AuditedRowsTest {
    @TempDir
    Path dir;

    @Test
    void theFirstRowWaitsForTheAuditEntry() throws Exception {
        try (SqliteCatalog catalog = SqliteCatalog.open(dir.resolve("veil.db"))) {
            AuditLog log = new AuditLog(catalog);
            long entry = log.start("ana", StatementKind.QUERY, "SELECT x");
            CompletableFuture<Void> recorded = new CompletableFuture<>();
            AuditedRows rows = rows(log, entry, recorded, List.of(new Object[] {1L}, new Object[] {2L}));
            ExecutorService reader = Executors.newSingleThreadExecutor();
            try {
                Future<Boolean> first = reader.submit(rows::moveNext);
                assertThrows(TimeoutException.class, () -> first.get(300, TimeUnit.MILLISECONDS));
                recorded.complete(null);
                assertTrue(first.get(30, TimeUnit.SECONDS));
            } finally {
                reader.shutdownNow();
            }
            assertEquals(1L, rows.current()[0]);
            assertTrue(rows.moveNext());
            assertEquals(2L, rows.current()[0]);
            assertFalse(rows.moveNext());
            AuditEntry done = log.entries().get(0);
            assertEquals(Decision.ALLOWED, done.decision());
            assertEquals(2L, done.rowsReturned().getAsLong());
        }
    }

    @Test
    void aFailedAuditWriteReleasesNothing() {
        try (SqliteCatalog catalog = SqliteCatalog.open(dir.resolve("veil.db"))) {
            AuditLog log = new AuditLog(catalog);
            long entry = log.start("ana", StatementKind.QUERY, "SELECT x");
            CompletableFuture<Void> recorded = new CompletableFuture<>();
            recorded.completeExceptionally(new VeilException(ErrorCode.STORAGE_IO_ERROR, "disk full"));
            AuditedRows rows = rows(log, entry, recorded, List.<Object[]>of(new Object[] {1L}));
            VeilException e = assertThrows(VeilException.class, rows::moveNext);
            assertEquals(ErrorCode.STORAGE_IO_ERROR, e.errorCode());
            AuditEntry done = log.entries().get(0);
            assertEquals(Decision.FAILED, done.decision());
            assertEquals(0L, done.rowsReturned().getAsLong());
        }
    }

    private static AuditedRows rows(AuditLog log, long entry, CompletableFuture<Void> recorded, List<Object[]> data) {
        return new AuditedRows(
                Linq4j.enumerator(data), log, entry, new StatementControl(new AtomicBoolean()), recorded, () -> {});
    }
}
