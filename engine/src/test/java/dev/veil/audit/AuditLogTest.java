package dev.veil.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.VeilException;
import dev.veil.catalog.SqliteCatalog;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The audit log in a real {@code veil.db}: what it keeps, and that it cannot be rewritten. */
class AuditLogTest {
    @TempDir
    Path dir;

    private SqliteCatalog catalog;
    private AuditLog log;

    @BeforeEach
    void open() {
        catalog = SqliteCatalog.open(dir.resolve(SqliteCatalog.FILE_NAME));
        log = new AuditLog(catalog);
    }

    @AfterEach
    void close() {
        catalog.close();
    }

    @Test
    void entriesAreKeptInOrderPerUserAndAcrossReopening() {
        long before = System.currentTimeMillis();
        long a = log.record("ana", StatementKind.STATEMENT, "CREATE TABLE t (x INT)", Decision.ALLOWED, null);
        long b = log.record(
                "sam",
                StatementKind.POLICY_CHANGE,
                "ALTER TABLE t SET PRIVACY UNIT (x)",
                Decision.REJECTED,
                "VEIL-0016 ACCESS_DENIED: SET PRIVACY UNIT requires the admin role");
        long c = log.begin("ana", StatementKind.QUERY, "SELECT COUNT(*) FROM t", 0.5, 1e-6);
        assertTrue(a < b && b < c);
        catalog.close();
        catalog = SqliteCatalog.open(dir.resolve(SqliteCatalog.FILE_NAME));
        log = new AuditLog(catalog);

        List<AuditEntry> all = log.entries();
        assertEquals(List.of(a, b, c), all.stream().map(AuditEntry::id).toList());
        AuditEntry rejected = all.get(1);
        assertEquals(
                List.of(
                        "sam",
                        "POLICY_CHANGE",
                        "ALTER TABLE t SET PRIVACY UNIT (x)",
                        "REJECTED",
                        "VEIL-0016 ACCESS_DENIED: SET PRIVACY UNIT requires the admin role"),
                List.of(
                        rejected.user(),
                        rejected.kind().name(),
                        rejected.statement(),
                        rejected.decision().name(),
                        rejected.reason().orElseThrow()));
        assertTrue(rejected.at() >= before && rejected.finishedAt().getAsLong() == rejected.at());
        AuditEntry open = all.get(2);
        assertEquals(OptionalLong.empty(), open.rowsReturned());
        assertEquals(OptionalLong.empty(), open.finishedAt());
        assertEquals(0.5, open.epsilon());
        assertEquals(1e-6, open.delta());
        assertEquals(
                List.of(a, c), log.entriesOf("ana").stream().map(AuditEntry::id).toList());
        assertEquals(List.of(), log.entriesOf("nobody"));
    }

    @Test
    void aQueryIsCompletedOnceWithItsRowsAndOutcome() {
        long ok = log.begin("ana", StatementKind.QUERY, "SELECT 1", 0, 0);
        log.finish(ok, 42, Optional.empty());
        log.finish(ok, 7, Optional.of("too late"));
        long broken = log.begin("ana", StatementKind.QUERY, "SELECT 1 / 0", 0, 0);
        log.finish(broken, 3, Optional.of("VEIL-0013 DIVISION_BY_ZERO: Division by zero"));
        List<AuditEntry> all = log.entries();
        assertEquals(OptionalLong.of(42), all.get(0).rowsReturned());
        assertEquals(Decision.ALLOWED, all.get(0).decision());
        assertEquals(Optional.empty(), all.get(0).reason());
        assertTrue(all.get(0).finishedAt().isPresent());
        assertEquals(OptionalLong.of(3), all.get(1).rowsReturned());
        assertEquals(Decision.FAILED, all.get(1).decision());
        assertEquals(
                Optional.of("VEIL-0013 DIVISION_BY_ZERO: Division by zero"),
                all.get(1).reason());
    }

    @Test
    void entriesCannotBeDeletedOrRewrittenEvenWithDirectSql() {
        long done = log.record("ana", StatementKind.QUERY, "SELECT 1", Decision.ALLOWED, null);
        long open = log.begin("ana", StatementKind.QUERY, "SELECT 2", 0, 0);
        List<String> tampering = List.of(
                "DELETE FROM audit_log",
                "DELETE FROM audit_log WHERE id = " + open,
                "UPDATE audit_log SET statement = 'SELECT 3' WHERE id = " + open,
                "UPDATE audit_log SET user_name = 'sam' WHERE id = " + open,
                "UPDATE audit_log SET decision = 'REJECTED' WHERE id = " + open,
                "UPDATE audit_log SET rows_returned = 0 WHERE id = " + done,
                "UPDATE audit_log SET epsilon = 0.1 WHERE id = " + done,
                "UPDATE audit_log SET epsilon = -0.1 WHERE id = " + open);
        for (String sql : tampering) {
            VeilException e = assertThrows(
                    VeilException.class,
                    () -> catalog.write(c -> {
                        try (Statement s = c.createStatement()) {
                            s.executeUpdate(sql);
                        }
                        return null;
                    }),
                    sql);
            assertTrue(e.getMessage().contains("the audit log is append-only"), sql + " -> " + e.getMessage());
        }
        assertEquals(
                List.of("SELECT 1", "SELECT 2"),
                log.entries().stream().map(AuditEntry::statement).toList());
    }

    @Test
    void statementTextMasksStringLiteralsAndIsCutWhenHuge() {
        List<List<String>> cases = List.of(
                List.of("CREATE USER bob PASSWORD 'hunter2' ROLEZ x", "CREATE USER bob PASSWORD '***' ROLEZ x"),
                List.of("SELECT 'it''s', name FROM t WHERE a = 'b'", "SELECT '***', name FROM t WHERE a = '***'"),
                List.of("ALTER USER bob PASSWORD 'unterminated", "ALTER USER bob PASSWORD '***'"),
                List.of("SELECT \"quoted id\" FROM t", "SELECT \"quoted id\" FROM t"),
                List.of("", ""));
        for (List<String> c : cases) {
            assertEquals(c.get(1), StatementText.maskStringLiterals(c.get(0)), c.get(0));
        }
        String huge = "x".repeat(StatementText.MAX_LENGTH + 5);
        assertEquals("x".repeat(StatementText.MAX_LENGTH) + " ... (5 more characters)", StatementText.limit(huge));
        long id = log.record("ana", StatementKind.STATEMENT, huge, Decision.ALLOWED, null);
        assertEquals(
                StatementText.MAX_LENGTH + 24, log.entries().get(0).statement().length(), "entry " + id);
    }
}
