package dev.veil.exec.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.control.MemoryPool;
import dev.veil.control.MemorySize;
import dev.veil.control.StatementMemory;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StatementMemoryTest {
    private static final long MB = 1L << 20;

    @Test
    void aStatementPastItsLimitFailsWithMemoryLimitExceeded() {
        MemoryPool pool = new MemoryPool(100 * MB, Duration.ZERO);
        try (StatementMemory memory = new StatementMemory(10 * MB, "set for role r", pool)) {
            StatementMemory.Account sort = memory.account("a sort");
            sort.add(9 * MB);
            VeilException e = assertThrows(VeilException.class, () -> sort.add(2 * MB));
            assertEquals(ErrorCode.MEMORY_LIMIT_EXCEEDED, e.errorCode());
            assertTrue(e.getMessage().contains("10 MB") && e.getMessage().contains("a sort"), e.getMessage());
            assertEquals(9 * MB, memory.used());
        }
        assertEquals(0, pool.used(), "closing gives everything back");
    }

    @Test
    void holdAtLeastKeepsTheHighWaterMark() {
        MemoryPool pool = new MemoryPool(100 * MB, Duration.ZERO);
        try (StatementMemory memory = new StatementMemory(50 * MB, "default", pool)) {
            StatementMemory.Account a = memory.account(1, "x");
            a.holdAtLeast(5 * MB);
            memory.account(1, "x").holdAtLeast(3 * MB);
            assertEquals(5 * MB, memory.used());
            a.releaseAll();
            assertEquals(0, memory.used());
        }
    }

    @Test
    void statementsShareThePoolAndWaitBoundedly() throws Exception {
        MemoryPool pool = new MemoryPool(16 * MB, Duration.ofMillis(200));
        StatementMemory first = new StatementMemory(12 * MB, "default", pool);
        first.account("a").add(12 * MB);
        StatementMemory second = new StatementMemory(12 * MB, "default", pool);
        VeilException e =
                assertThrows(VeilException.class, () -> second.account("b").add(8 * MB));
        assertEquals(ErrorCode.MEMORY_LIMIT_EXCEEDED, e.errorCode());
        // Once the first statement ends, the second one gets its memory.
        Thread releaser = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
            }
            first.close();
        });
        releaser.start();
        StatementMemory third = new StatementMemory(12 * MB, "default", pool);
        third.account("c").add(8 * MB);
        releaser.join();
        third.close();
        second.close();
        assertEquals(0, pool.used());
    }

    @Test
    void smallStatementsUseTheHeadroomThatBigOnesLeave() {
        // 128 MB: 32 MB of headroom, kept for statements that hold at most 2 MB.
        MemoryPool pool = new MemoryPool(128 * MB, Duration.ofMillis(100));
        assertEquals(32 * MB, pool.headroom());
        assertEquals(2 * MB, pool.smallStatement());
        try (StatementMemory hog = new StatementMemory(128 * MB, "default", pool);
                StatementMemory other = new StatementMemory(128 * MB, "default", pool);
                StatementMemory probe = new StatementMemory(128 * MB, "default", pool)) {
            hog.account("a hash table").add(96 * MB);
            VeilException full =
                    assertThrows(VeilException.class, () -> hog.account("more").add(MB));
            assertEquals(ErrorCode.MEMORY_LIMIT_EXCEEDED, full.errorCode());
            // Another memory-hungry statement waits and fails; a small one is served at once.
            assertThrows(VeilException.class, () -> other.account("a sort").add(4 * MB));
            long started = System.nanoTime();
            probe.account("a count").add(MB);
            assertTrue(System.nanoTime() - started < Duration.ofMillis(100).toNanos(), "the small statement waited");
            probe.account("a count").add(MB);
            assertEquals(2 * MB, probe.used());
            // Once it grows past small, it waits like the others.
            assertThrows(VeilException.class, () -> probe.account("a count").add(MB));
        }
        assertEquals(0, pool.used());
    }

    @Test
    void cachesKeepTheHeadroomFree() {
        MemoryPool pool = new MemoryPool(64 * MB, Duration.ZERO);
        assertTrue(pool.tryReserve(48 * MB));
        assertFalse(pool.tryReserve(1));
        assertTrue(pool.reserve(MB, MB), "a small statement still gets memory");
    }

    @Test
    void reclaimersGiveMemoryBackBeforeARequestFails() {
        // A cache may fill the pool up to its headroom (a quarter): 7.5 of 10 MB.
        MemoryPool pool = new MemoryPool(10 * MB, Duration.ZERO);
        assertTrue(pool.tryReserve(7 * MB));
        assertFalse(pool.tryReserve(4 * MB));
        pool.addReclaimer(wanted -> {
            pool.release(7 * MB);
            return 7 * MB;
        });
        assertTrue(pool.tryReserve(4 * MB));
    }

    @Test
    void sizesParseWithUnits() {
        assertEquals(512 * MB, MemorySize.parse("512MB", "x"));
        assertEquals(2L << 30, MemorySize.parse("2 gb", "x"));
        assertEquals(1024, MemorySize.parse("1kB", "x"));
        assertEquals(123, MemorySize.parse("123", "x"));
        assertEquals("512 MB", MemorySize.format(512 * MB));
        VeilException e = assertThrows(VeilException.class, () -> MemorySize.parse("lots", "statement_memory"));
        assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
    }
}
