package dev.veil.exec.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.control.MemoryPool;
import dev.veil.control.StatementMemory;
import dev.veil.exec.runtime.ExecutionContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.function.Predicate2;
import org.junit.jupiter.api.Test;

/**
 * The semi, anti and left join that hashes its kept (left) side, against a nested-loop reference
 * and against {@link LongHashJoin}, which hashes the other side: NULL keys on either side,
 * duplicates, empty sides, two keys, remainder conditions; its early stop, memory accounting and
 * cancellation.
 */
class LongMarkJoinTest {
    private static final long MB = 1L << 20;
    private static final List<String> TYPES = List.of("SEMI", "ANTI");

    private static ExecutionContext context(AtomicBoolean cancel) {
        return new ExecutionContext(
                CalciteSchema.createRootSchema(false).plus(), new JavaTypeFactoryImpl(), "test", Map.of(), cancel);
    }

    private static List<Object[]> join(
            List<Object[]> left,
            List<Object[]> right,
            int[] lk,
            int[] rk,
            String type,
            Predicate2<Object[], Object[]> remainder) {
        return LongMarkJoin.join(
                        context(new AtomicBoolean()),
                        Linq4j.asEnumerable(left),
                        Linq4j.asEnumerable(right),
                        lk,
                        rk,
                        type,
                        right.isEmpty() ? 3 : right.get(0).length,
                        remainder)
                .toList();
    }

    /** The join by nested loops, in left order. */
    private static List<Object[]> reference(
            List<Object[]> left,
            List<Object[]> right,
            int[] lk,
            int[] rk,
            String type,
            Predicate2<Object[], Object[]> remainder) {
        List<Object[]> out = new ArrayList<>();
        for (Object[] l : left) {
            boolean any = false;
            for (Object[] r : right) {
                boolean keys = true;
                for (int i = 0; i < lk.length; i++) {
                    Object a = l[lk[i]];
                    Object b = r[rk[i]];
                    keys &= a != null && b != null && ((Number) a).longValue() == ((Number) b).longValue();
                }
                any |= keys && (remainder == null || remainder.apply(l, r));
            }
            if (type.equals("SEMI") == any) {
                out.add(l);
            }
        }
        return out;
    }

    private static void assertRows(List<Object[]> expected, List<Object[]> actual) {
        assertEquals(expected.size(), actual.size(), "row count");
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(Arrays.asList(expected.get(i)), Arrays.asList(actual.get(i)), "row " + i);
        }
    }

    private static List<Object[]> list(Object[]... rows) {
        return Arrays.asList(rows);
    }

    private static Object[] row(Object... values) {
        return values;
    }

    @Test
    void nullKeysNeverMatchAndDuplicatesOnBothSidesKeepEachLeftRowOnce() {
        List<Object[]> left = list(row(1L, "a"), row(null, "b"), row(2L, "c"), row(1L, "d"), row(3L, "e"));
        List<Object[]> right = list(row(1, "x"), row(null, "y"), row(1, "z"), row(2, "w"), row(2, "v"));
        int[] k = {0};
        assertRows(list(row(1L, "a"), row(2L, "c"), row(1L, "d")), join(left, right, k, k, "SEMI", null));
        // NOT EXISTS: a left row with a NULL key has no match, so it stays.
        assertRows(list(row(null, "b"), row(3L, "e")), join(left, right, k, k, "ANTI", null));
    }

    @Test
    void emptySides() {
        List<Object[]> some = list(row(1L, "a"), row(null, "b"));
        int[] k = {0};
        for (String type : TYPES) {
            assertRows(List.of(), join(List.of(), some, k, k, type, null));
        }
        assertRows(List.of(), join(some, List.of(), k, k, "SEMI", null));
        assertRows(some, join(some, List.of(), k, k, "ANTI", null));
        // Only NULL keys on the left: the right side cannot match and is not read.
        AtomicBoolean opened = new AtomicBoolean();
        List<Object[]> nulls = list(row(null, "n"));
        assertRows(
                nulls,
                LongMarkJoin.join(
                                context(new AtomicBoolean()),
                                Linq4j.asEnumerable(nulls),
                                counted(10, new AtomicLong(), opened),
                                k,
                                k,
                                "ANTI",
                                2,
                                null)
                        .toList());
        assertTrue(!opened.get(), "the right side was read");
    }

    @Test
    void theRemainderConditionIsEvaluatedOnKeyMatches() {
        List<Object[]> left = list(row(1L, "a", 10L), row(1L, "b", 1L), row(2L, "c", 5L));
        List<Object[]> right = list(row(1L, "x", 5L), row(1L, "y", 20L), row(2L, "z", 5L));
        // right.v < left.v
        Predicate2<Object[], Object[]> less = (l, r) -> (Long) r[2] < (Long) l[2];
        int[] k = {0};
        assertRows(list(row(1L, "a", 10L)), join(left, right, k, k, "SEMI", less));
        assertRows(list(row(1L, "b", 1L), row(2L, "c", 5L)), join(left, right, k, k, "ANTI", less));
    }

    @Test
    void twoKeysMustBothMatch() {
        List<Object[]> left = list(row(1L, 7, "a"), row(1L, 8, "b"), row(null, 7, "c"), row(2L, null, "d"));
        List<Object[]> right = list(row(7, 1L, "x"), row(8, 2L, "y"), row(7, 1L, "z"), row(null, 2L, "w"));
        int[] lk = {0, 1};
        int[] rk = {1, 0};
        assertRows(list(row(1L, 7, "a")), join(left, right, lk, rk, "SEMI", null));
        assertRows(
                list(row(1L, 8, "b"), row(null, 7, "c"), row(2L, null, "d")), join(left, right, lk, rk, "ANTI", null));
    }

    @Test
    void aSemiJoinStopsReadingOnceEveryLeftRowIsMarked() {
        AtomicLong read = new AtomicLong();
        List<Object[]> out = LongMarkJoin.join(
                        context(new AtomicBoolean()),
                        Linq4j.asEnumerable(list(row(3L), row(5L), row(3L))),
                        counted(1_000_000, read, new AtomicBoolean()),
                        new int[] {0},
                        new int[] {0},
                        "SEMI",
                        2,
                        null)
                .toList();
        assertRows(list(row(3L), row(5L), row(3L)), out);
        assertEquals(6, read.get(), "right rows read");
    }

    @Test
    void randomJoinsAgreeWithNestedLoopsAndWithTheHashJoinOfTheOtherSide() {
        Random random = new Random(16);
        for (int round = 0; round < 200; round++) {
            int keys = 1 + random.nextInt(2);
            int range = 1 + random.nextInt(round < 100 ? 5 : 2000);
            List<Object[]> left = rows(random, random.nextInt(300), range);
            List<Object[]> right = rows(random, random.nextInt(round < 100 ? 50 : 3000), range);
            int[] lk = keys == 1 ? new int[] {0} : new int[] {0, 1};
            int[] rk = keys == 1 ? new int[] {1} : new int[] {1, 0};
            Predicate2<Object[], Object[]> remainder =
                    random.nextBoolean() ? null : (l, r) -> (Long) l[2] > (Long) r[2];
            for (String type : TYPES) {
                List<Object[]> expected = reference(left, right, lk, rk, type, remainder);
                assertRows(expected, join(left, right, lk, rk, type, remainder));
                assertRows(
                        expected,
                        LongHashJoin.join(
                                        context(new AtomicBoolean()),
                                        Linq4j.asEnumerable(left),
                                        Linq4j.asEnumerable(right),
                                        lk,
                                        rk,
                                        type,
                                        3,
                                        remainder)
                                .toList());
            }
        }
    }

    @Test
    void aLeftJoinGivesMatchesInRightOrderThenTheUnmatchedLeftRowsWithNulls() {
        List<Object[]> left = list(row(1L, "a"), row(null, "b"), row(2L, "c"), row(1L, "d"), row(3L, "e"));
        List<Object[]> right = list(row(1, "x"), row(null, "y"), row(2, "w"), row(1, "z"));
        int[] k = {0};
        assertRows(
                list(
                        row(1L, "a", 1, "x"),
                        row(1L, "d", 1, "x"),
                        row(2L, "c", 2, "w"),
                        row(1L, "a", 1, "z"),
                        row(1L, "d", 1, "z"),
                        row(null, "b", null, null),
                        row(3L, "e", null, null)),
                join(left, right, k, k, "LEFT", null));
        // right.v < left.v: a match that fails the remainder leaves the left row unmatched.
        Predicate2<Object[], Object[]> less = (l, r) -> (Long) r[2] < (Long) l[2];
        List<Object[]> valued = list(row(1L, "a", 10L), row(1L, "b", 1L), row(2L, "c", 5L));
        List<Object[]> others = list(row(1L, "x", 5L), row(1L, "y", 20L), row(2L, "z", 5L));
        assertRows(
                list(
                        row(1L, "a", 10L, 1L, "x", 5L),
                        row(1L, "b", 1L, null, null, null),
                        row(2L, "c", 5L, null, null, null)),
                join(valued, others, k, k, "LEFT", less));
        // An empty right side (of three fields, as join() assumes for one).
        assertRows(
                list(row(1L, "a", null, null, null), row(null, "b", null, null, null)),
                join(list(row(1L, "a"), row(null, "b")), List.of(), k, k, "LEFT", null));
    }

    @Test
    void randomLeftJoinsHoldTheRowsOfTheHashJoinOfTheOtherSide() {
        Random random = new Random(13);
        for (int round = 0; round < 200; round++) {
            int keys = 1 + random.nextInt(2);
            int range = 1 + random.nextInt(round < 100 ? 5 : 2000);
            List<Object[]> left = rows(random, random.nextInt(300), range);
            List<Object[]> right = rows(random, random.nextInt(round < 100 ? 50 : 3000), range);
            int[] lk = keys == 1 ? new int[] {0} : new int[] {0, 1};
            int[] rk = keys == 1 ? new int[] {1} : new int[] {1, 0};
            Predicate2<Object[], Object[]> remainder =
                    random.nextBoolean() ? null : (l, r) -> (Long) l[2] > (Long) r[2];
            List<Object[]> hashed = LongHashJoin.join(
                            context(new AtomicBoolean()),
                            Linq4j.asEnumerable(left),
                            Linq4j.asEnumerable(right),
                            lk,
                            rk,
                            "LEFT",
                            3,
                            remainder)
                    .toList();
            assertEquals(sorted(hashed), sorted(join(left, right, lk, rk, "LEFT", remainder)));
        }
    }

    /** The rows as strings, sorted: the same multiset of rows whatever their order. */
    private static List<String> sorted(List<Object[]> rows) {
        return rows.stream().map(Arrays::toString).sorted().toList();
    }

    @Test
    void aLeftSideBeyondTheMemoryLimitFailsWithMemoryLimitExceeded() {
        MemoryPool pool = new MemoryPool(1024 * MB, Duration.ZERO);
        AtomicBoolean opened = new AtomicBoolean();
        try (StatementMemory memory = new StatementMemory(16 * MB, "set for the test", pool)) {
            ExecutionContext context = context(new AtomicBoolean());
            context.useMemory(memory);
            Enumerable<Object[]> join = LongMarkJoin.join(
                    context,
                    counted(100_000_000L, new AtomicLong(), new AtomicBoolean()),
                    counted(10, new AtomicLong(), opened),
                    new int[] {0},
                    new int[] {0},
                    "SEMI",
                    2,
                    null);
            VeilException e = assertThrows(VeilException.class, () -> join.toList());
            assertEquals(ErrorCode.MEMORY_LIMIT_EXCEEDED, e.errorCode());
            assertTrue(e.getMessage().contains("a hash join"), e.getMessage());
            assertEquals(0, memory.used(), "a failed join gives its memory back");
        }
        assertEquals(0, pool.used());
    }

    @Test
    void aCancelWhileReadingTheRightSideStopsIt() {
        AtomicBoolean cancel = new AtomicBoolean();
        AtomicLong read = new AtomicLong();
        Enumerable<Object[]> join = LongMarkJoin.join(
                context(cancel),
                Linq4j.asEnumerable(list(row(-1L))),
                counted(100_000_000L, read, new AtomicBoolean(), () -> {
                    if (read.get() == 50_000) {
                        cancel.set(true);
                    }
                }),
                new int[] {0},
                new int[] {0},
                "ANTI",
                2,
                null);
        VeilException e = assertThrows(VeilException.class, () -> join.toList());
        assertEquals(ErrorCode.QUERY_CANCELLED, e.errorCode());
        assertTrue(read.get() < 200_000, "stopped soon after the cancel, at row " + read.get());
    }

    /** Rows (key BIGINT, key INTEGER, value BIGINT), about one key in ten NULL, keys within [-range, range]. */
    private static List<Object[]> rows(Random random, int count, int range) {
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Object a = random.nextInt(10) == 0 ? null : (long) (random.nextInt(2 * range + 1) - range);
            Object b = random.nextInt(10) == 0 ? null : random.nextInt(2 * range + 1) - range;
            rows.add(row(a, b, (long) random.nextInt(100)));
        }
        return rows;
    }

    private static Enumerable<Object[]> counted(long count, AtomicLong read, AtomicBoolean opened) {
        return counted(count, read, opened, () -> {});
    }

    /** Rows (i, a 40-character string) for i in [0, count), made as they are read and counted in {@code read}. */
    private static Enumerable<Object[]> counted(long count, AtomicLong read, AtomicBoolean opened, Runnable onRow) {
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                opened.set(true);
                return new Enumerator<>() {
                    private long i;
                    private Object[] current;

                    @Override
                    public Object[] current() {
                        return current;
                    }

                    @Override
                    public boolean moveNext() {
                        if (i == count) {
                            return false;
                        }
                        read.incrementAndGet();
                        onRow.run();
                        current = new Object[] {i, ("row " + i + " ").repeat(4)};
                        i++;
                        return true;
                    }

                    @Override
                    public void reset() {
                        i = 0;
                    }

                    @Override
                    public void close() {}
                };
            }
        };
    }
}
