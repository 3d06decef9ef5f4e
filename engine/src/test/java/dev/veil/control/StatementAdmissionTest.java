package dev.veil.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StatementAdmissionTest {
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void aStatementBeyondTheCapFailsWithTooManyStatementsAfterTheWait() {
        StatementAdmission admission = new StatementAdmission(Duration.ofMillis(200));
        try (StatementAdmission.Permit a = admission.enter("ana", 2, new AtomicBoolean());
                StatementAdmission.Permit b = admission.enter("ana", 2, new AtomicBoolean())) {
            long start = System.nanoTime();
            VeilException e = assertThrows(VeilException.class, () -> admission.enter("ana", 2, new AtomicBoolean()));
            assertEquals(ErrorCode.TOO_MANY_STATEMENTS, e.errorCode());
            assertEquals("53300", e.errorCode().sqlState());
            assertTrue(System.nanoTime() - start >= 150_000_000L, "it did not wait");
            // Other users are not held back.
            admission.enter("bea", 1, new AtomicBoolean()).close();
            assertEquals(2, admission.running("ana"));
        }
        assertEquals(0, admission.running("ana"));
    }

    @Test
    void aQueuedStatementRunsAsSoonAsOneOfItsUsersStatementsEnds() throws Exception {
        StatementAdmission admission = new StatementAdmission(Duration.ofSeconds(20));
        StatementAdmission.Permit first = admission.enter("ana", 1, new AtomicBoolean());
        Future<StatementAdmission.Permit> second = pool.submit(() -> admission.enter("ana", 1, new AtomicBoolean()));
        Thread.sleep(100);
        assertTrue(!second.isDone());
        first.close();
        first.close(); // idempotent
        second.get(5, TimeUnit.SECONDS).close();
        assertEquals(0, admission.running("ana"));
    }

    @Test
    void aQueuedStatementThatIsCancelledStopsWaiting() throws Exception {
        StatementAdmission admission = new StatementAdmission(Duration.ofSeconds(20));
        try (StatementAdmission.Permit first = admission.enter("ana", 1, new AtomicBoolean())) {
            AtomicBoolean flag = new AtomicBoolean();
            Future<StatementAdmission.Permit> second = pool.submit(() -> admission.enter("ana", 1, flag));
            Thread.sleep(100);
            flag.set(true);
            var e = assertThrows(java.util.concurrent.ExecutionException.class, () -> second.get(2, TimeUnit.SECONDS));
            assertTrue(e.getCause() instanceof VeilException v && v.errorCode() == ErrorCode.QUERY_CANCELLED);
            assertEquals(1, admission.running("ana"));
        }
    }
}
