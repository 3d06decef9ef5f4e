package dev.veil.exec.join;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.control.MemoryPool;
import dev.veil.control.StatementMemory;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.exec.scan.DynamicFilters;
import dev.veil.exec.scan.ScanDynamicFilter;
import dev.veil.exec.scan.ScanPredicate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.function.Function1;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A join's probe side read before its build side: the rows replayed in their order, NULL keys and
 * duplicates, an empty side, a side beyond the cap read again, the key set the build side's scan
 * filters on, memory given back, and cancellation while it reads.
 */
class ProbeKeysFirstTest {
    private static final long MB = 1L << 20;
    private static final int ID = 7;
    private static final int LINK = 3;

    private static ExecutionContext context(AtomicBoolean cancel) {
        return new ExecutionContext(
                CalciteSchema.createRootSchema(false).plus(), new JavaTypeFactoryImpl(), "test", Map.of(), cancel);
    }

    @SuppressWarnings("unchecked")
    private static Function1<Object, Object>[] firstField() {
        return new Function1[] {(Function1<Object, Object>) row -> ((Object[]) row)[0]};
    }

    /** {@code rows}, counting the enumerations. */
    private static Enumerable<Object> counted(List<Object> rows, AtomicInteger enumerations) {
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object> enumerator() {
                enumerations.incrementAndGet();
                return Linq4j.enumerator(rows);
            }
        };
    }

    private static List<Object> read(Enumerable<Object> input) {
        List<Object> out = new ArrayList<>();
        try (Enumerator<Object> e = input.enumerator()) {
            while (e.moveNext()) {
                out.add(e.current());
            }
        }
        return out;
    }

    /** Which of {@code values} the scans' filter {@link #ID} keeps, or null when no set is published. */
    private static List<Long> kept(ExecutionContext context, long... values) {
        try (BufferAllocator allocator = new RootAllocator();
                BigIntVector vector = new BigIntVector("k", allocator)) {
            vector.allocateNew(values.length);
            for (int i = 0; i < values.length; i++) {
                vector.set(i, values[i]);
            }
            vector.setValueCount(values.length);
            ScanPredicate.RowTest test =
                    DynamicFilters.test(context, List.of(new ScanDynamicFilter(ID, 0)), column -> vector);
            if (test == null) {
                return null;
            }
            int[] rows = new int[values.length];
            Arrays.setAll(rows, i -> i);
            int n = test.filter(rows, rows.length);
            List<Long> out = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                out.add(values[rows[i]]);
            }
            return out;
        }
    }

    /** Opens the build side (which reads the probe side), then reads the probe side, as the join does. */
    private static List<Object> joinOrder(
            ExecutionContext context, Enumerable<Object> probe, Enumerable<Object> build) {
        read(build);
        return read(probe);
    }

    @Test
    void probeRowsAreReadOnceReplayedInOrderAndTheirKeysFilterTheBuildScan() {
        ExecutionContext context = context(new AtomicBoolean());
        List<Object> rows = List.of(
                new Object[] {5L, "a"}, new Object[] {null, "b"}, new Object[] {5L, "c"}, new Object[] {9L, "d"});
        AtomicInteger enumerations = new AtomicInteger();
        Enumerable<Object> probe =
                ProbeKeysFirst.probe(context, counted(rows, enumerations), LINK, new int[] {ID}, firstField(), 100);
        Enumerable<Object> build = ProbeKeysFirst.build(context, Linq4j.asEnumerable(List.of((Object) 1L)), LINK);
        assertNull(kept(context, 5, 9), "nothing is published before the build side opens");
        List<Object> out = joinOrder(context, probe, build);
        assertEquals(1, enumerations.get(), "the probe side is read once");
        assertEquals(rows.size(), out.size());
        for (int i = 0; i < rows.size(); i++) {
            assertArrayEquals((Object[]) rows.get(i), (Object[]) out.get(i));
        }
        // NULL is in no set; duplicates are one key.
        assertEquals(List.of(5L, 9L), kept(context, 1, 5, 6, 9, 10, Long.MIN_VALUE));
    }

    @Test
    void anEmptyProbeSidePublishesAnEmptySet() {
        ExecutionContext context = context(new AtomicBoolean());
        Enumerable<Object> probe =
                ProbeKeysFirst.probe(context, Linq4j.asEnumerable(List.of()), LINK, new int[] {ID}, firstField(), 100);
        Enumerable<Object> build = ProbeKeysFirst.build(context, Linq4j.asEnumerable(List.of((Object) 1L)), LINK);
        assertEquals(List.of(), joinOrder(context, probe, build));
        assertEquals(List.of(), kept(context, 0, 1, 2));
    }

    @Test
    void aProbeSideBeyondTheCapIsReadAgainAndFiltersNothing() {
        ExecutionContext context = context(new AtomicBoolean());
        List<Object> rows = new ArrayList<>();
        for (long i = 0; i < 10; i++) {
            rows.add(new Object[] {i % 3});
        }
        AtomicInteger enumerations = new AtomicInteger();
        Enumerable<Object> probe =
                ProbeKeysFirst.probe(context, counted(rows, enumerations), LINK, new int[] {ID}, firstField(), 4);
        Enumerable<Object> build = ProbeKeysFirst.build(context, Linq4j.asEnumerable(List.of((Object) 1L)), LINK);
        List<Object> out = joinOrder(context, probe, build);
        assertEquals(2, enumerations.get(), "read up to the cap, then again in full");
        assertEquals(rows, out);
        assertNull(kept(context, 0, 1, 7), "no set: the scans read every row");
    }

    @Test
    void aSetFromAnEarlierEnumerationIsWithdrawnWhenTheCapIsReached() {
        ExecutionContext context = context(new AtomicBoolean());
        List<Object> rows = new ArrayList<>();
        rows.add(new Object[] {1L});
        Enumerable<Object> first = ProbeKeysFirst.probe(
                context, Linq4j.asEnumerable(new ArrayList<>(rows)), LINK, new int[] {ID}, firstField(), 2);
        Enumerable<Object> build = ProbeKeysFirst.build(context, Linq4j.asEnumerable(List.of((Object) 1L)), LINK);
        joinOrder(context, first, build);
        assertEquals(List.of(1L), kept(context, 1, 2));
        rows.add(new Object[] {2L});
        rows.add(new Object[] {3L});
        // The same join enumerated again (as under a correlation), now with more rows than the cap.
        Enumerable<Object> second =
                ProbeKeysFirst.probe(context, Linq4j.asEnumerable(rows), LINK, new int[] {ID}, firstField(), 2);
        assertEquals(rows, joinOrder(context, second, build));
        assertNull(kept(context, 1, 2, 3));
    }

    @Test
    void theKeptRowsHoldMemoryUntilTheJoinHasReadThem() {
        MemoryPool pool = new MemoryPool(1024 * MB, Duration.ZERO);
        try (StatementMemory memory = new StatementMemory(512 * MB, "default", pool)) {
            ExecutionContext context = context(new AtomicBoolean());
            context.useMemory(memory);
            List<Object> rows = new ArrayList<>();
            for (long i = 0; i < 100_000; i++) {
                rows.add(new Object[] {i, ("row " + i + " ").repeat(4)});
            }
            Enumerable<Object> probe = ProbeKeysFirst.probe(
                    context, Linq4j.asEnumerable(rows), LINK, new int[] {ID}, firstField(), 1_000_000);
            Enumerable<Object> build = ProbeKeysFirst.build(context, Linq4j.asEnumerable(List.of((Object) 1L)), LINK);
            read(build);
            assertTrue(memory.used() > 5 * MB, "accounted " + memory.used());
            Enumerator<Object> replay = probe.enumerator();
            assertTrue(replay.moveNext());
            replay.close();
            assertEquals(0, memory.used(), "closing the probe side gives its memory back");
        }
        assertEquals(0, pool.used());
    }

    @Test
    @Timeout(60)
    void aCancelStopsTheReadingOfTheProbeSide() {
        AtomicBoolean cancel = new AtomicBoolean();
        ExecutionContext context = context(cancel);
        AtomicInteger read = new AtomicInteger();
        AtomicBoolean closed = new AtomicBoolean();
        Enumerable<Object> endless = new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object> enumerator() {
                return new Enumerator<>() {
                    private Object current;

                    @Override
                    public Object current() {
                        return current;
                    }

                    @Override
                    public boolean moveNext() {
                        if (read.incrementAndGet() == 1000) {
                            cancel.set(true);
                        }
                        current = new Object[] {(long) read.get(), "some text to take room"};
                        return true;
                    }

                    @Override
                    public void reset() {}

                    @Override
                    public void close() {
                        closed.set(true);
                    }
                };
            }
        };
        ProbeKeysFirst.probe(context, endless, LINK, new int[] {ID}, firstField(), Long.MAX_VALUE);
        Enumerable<Object> build = ProbeKeysFirst.build(context, Linq4j.asEnumerable(List.of((Object) 1L)), LINK);
        VeilException e = assertThrows(VeilException.class, () -> read(build));
        assertEquals(ErrorCode.QUERY_CANCELLED, e.errorCode());
        assertTrue(read.get() < 100_000, "stopped soon after the cancel, at row " + read.get());
        assertTrue(closed.get(), "the probe input is closed");
    }
}
