package dev.veil.exec.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.control.MemoryPool;
import dev.veil.control.StatementMemory;
import dev.veil.exec.runtime.ExecutionContext;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.jdbc.CalciteSchema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.function.Predicate2;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hash join on primitive keys against a nested-loop reference: NULL keys, duplicates on both
 * sides, empty sides, remainder conditions, two keys, every join type; and its memory accounting
 * and cancellation while it builds.
 */
class LongHashJoinTest {
    private static final long MB = 1L << 20;
    private static final List<String> TYPES = List.of("INNER", "LEFT", "SEMI", "ANTI");

    private static ExecutionContext context(AtomicBoolean cancel) {
        return new ExecutionContext(
                CalciteSchema.createRootSchema(false).plus(), new JavaTypeFactoryImpl(), "test", Map.of(), cancel);
    }

    private static List<Object[]> join(
            List<Object[]> probe,
            List<Object[]> build,
            int[] pk,
            int[] bk,
            String type,
            Predicate2<Object[], Object[]> remainder) {
        int buildFields = build.isEmpty() ? 3 : build.get(0).length;
        Enumerable<Object[]> out = LongHashJoin.join(
                context(new AtomicBoolean()),
                Linq4j.asEnumerable(probe),
                Linq4j.asEnumerable(build),
                pk,
                bk,
                type,
                buildFields,
                remainder);
        return out.toList();
    }

    /** The join by nested loops, in probe order and, per probe row, build order. */
    private static List<Object[]> reference(
            List<Object[]> probe,
            List<Object[]> build,
            int[] pk,
            int[] bk,
            String type,
            Predicate2<Object[], Object[]> remainder,
            int buildFields) {
        List<Object[]> out = new ArrayList<>();
        for (Object[] l : probe) {
            boolean any = false;
            for (Object[] r : build) {
                boolean keys = true;
                for (int i = 0; i < pk.length; i++) {
                    Object a = l[pk[i]];
                    Object b = r[bk[i]];
                    keys &= a != null && b != null && ((Number) a).longValue() == ((Number) b).longValue();
                }
                if (keys && (remainder == null || remainder.apply(l, r))) {
                    any = true;
                    if (type.equals("INNER") || type.equals("LEFT")) {
                        out.add(concat(l, r));
                    }
                }
            }
            if (type.equals("SEMI") && any || type.equals("ANTI") && !any) {
                out.add(l);
            }
            if (type.equals("LEFT") && !any) {
                out.add(concat(l, new Object[buildFields]));
            }
        }
        return out;
    }

    private static Object[] concat(Object[] a, Object[] b) {
        Object[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
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
    void nullKeysNeverMatchAndDuplicatesOnBothSidesMultiply() {
        List<Object[]> probe = list(row(1L, "a"), row(null, "b"), row(2L, "c"), row(1L, "d"), row(3L, "e"));
        List<Object[]> build = list(row(1, "x"), row(null, "y"), row(1, "z"), row(2, "w"));
        int[] pk = {0};
        int[] bk = {0};
        List<Object[]> inner = join(probe, build, pk, bk, "INNER", null);
        assertRows(
                List.of(
                        row(1L, "a", 1, "x"),
                        row(1L, "a", 1, "z"),
                        row(2L, "c", 2, "w"),
                        row(1L, "d", 1, "x"),
                        row(1L, "d", 1, "z")),
                inner);
        assertRows(
                List.of(
                        row(1L, "a", 1, "x"),
                        row(1L, "a", 1, "z"),
                        row(null, "b", null, null),
                        row(2L, "c", 2, "w"),
                        row(1L, "d", 1, "x"),
                        row(1L, "d", 1, "z"),
                        row(3L, "e", null, null)),
                join(probe, build, pk, bk, "LEFT", null));
        assertRows(list(row(1L, "a"), row(2L, "c"), row(1L, "d")), join(probe, build, pk, bk, "SEMI", null));
        assertRows(list(row(null, "b"), row(3L, "e")), join(probe, build, pk, bk, "ANTI", null));
    }

    @Test
    void emptySides() {
        List<Object[]> some = list(row(1L, "a", 5L), row(null, "b", 6L));
        int[] k = {0};
        for (String type : TYPES) {
            assertRows(List.of(), join(List.of(), some, k, k, type, null));
            assertRows(reference(some, List.of(), k, k, type, null, 3), join(some, List.of(), k, k, type, null));
        }
        assertEquals(2, join(some, List.of(), k, k, "ANTI", null).size());
        assertEquals(2, join(some, List.of(), k, k, "LEFT", null).size());
    }

    @Test
    void theRemainderConditionIsEvaluatedOnKeyMatches() {
        List<Object[]> probe = list(row(1L, "a", 10L), row(1L, "b", 1L), row(2L, "c", 5L));
        List<Object[]> build = list(row(1L, "x", 5L), row(1L, "y", 20L), row(2L, "z", 5L));
        // build.v < probe.v
        Predicate2<Object[], Object[]> less = (l, r) -> (Long) r[2] < (Long) l[2];
        int[] k = {0};
        assertRows(list(row(1L, "a", 10L, 1L, "x", 5L)), join(probe, build, k, k, "INNER", less));
        assertRows(
                list(
                        row(1L, "a", 10L, 1L, "x", 5L),
                        row(1L, "b", 1L, null, null, null),
                        row(2L, "c", 5L, null, null, null)),
                join(probe, build, k, k, "LEFT", less));
        assertRows(list(row(1L, "a", 10L)), join(probe, build, k, k, "SEMI", less));
        assertRows(list(row(1L, "b", 1L), row(2L, "c", 5L)), join(probe, build, k, k, "ANTI", less));
    }

    @Test
    void twoKeysMustBothMatch() {
        List<Object[]> probe = list(row(1L, 7, "a"), row(1L, 8, "b"), row(null, 7, "c"), row(2L, null, "d"));
        List<Object[]> build = list(row(7, 1L, "x"), row(8, 2L, "y"), row(7, 1L, "z"), row(null, 2L, "w"));
        int[] pk = {0, 1};
        int[] bk = {1, 0};
        assertRows(
                list(row(1L, 7, "a", 7, 1L, "x"), row(1L, 7, "a", 7, 1L, "z")),
                join(probe, build, pk, bk, "INNER", null));
        assertRows(
                list(row(1L, 8, "b"), row(null, 7, "c"), row(2L, null, "d")), join(probe, build, pk, bk, "ANTI", null));
    }

    private static List<Object[]> decimalJoin(
            List<Object[]> probe, List<Object[]> build, int[] pk, int[] bk, int[] scales, String type) {
        return LongHashJoin.join(
                        context(new AtomicBoolean()),
                        Linq4j.asEnumerable(probe),
                        Linq4j.asEnumerable(build),
                        pk,
                        bk,
                        scales,
                        type,
                        build.isEmpty() ? 2 : build.get(0).length,
                        null)
                .toList();
    }

    private static BigDecimal dec(String value) {
        return new BigDecimal(value);
    }

    @Test
    void decimalKeysMatchAsNumbersWhateverTheirScale() {
        List<Object[]> probe = list(
                row(dec("1.50"), "a"),
                row(dec("-2.25"), "b"),
                row(null, "c"),
                row(dec("0.00"), "d"),
                row(dec("7.00"), "e"),
                row(3, "f"));
        List<Object[]> build = list(
                row(dec("1.5000"), "x"),
                row(dec("-2.2500"), "y"),
                row(dec("1.5"), "z"),
                row(null, "n"),
                row(dec("-0.0000"), "o"),
                row(dec("7.0001"), "p"),
                row(3L, "q"));
        int[] k = {0};
        int[] scales = {4};
        assertRows(
                list(
                        row(dec("1.50"), "a", dec("1.5000"), "x"),
                        row(dec("1.50"), "a", dec("1.5"), "z"),
                        row(dec("-2.25"), "b", dec("-2.2500"), "y"),
                        row(dec("0.00"), "d", dec("-0.0000"), "o"),
                        row(3, "f", 3L, "q")),
                decimalJoin(probe, build, k, k, scales, "INNER"));
        assertRows(list(row(null, "c"), row(dec("7.00"), "e")), decimalJoin(probe, build, k, k, scales, "ANTI"));
    }

    @Test
    void decimalKeysTheEncodingCannotHoldAreComparedAsNumbers() {
        // At scale 2: beyond a long, more fraction digits than the scale, and Long.MAX_VALUE itself.
        List<Object[]> probe = list(
                row(dec("123456789012345678901.25"), "big"),
                row(dec("0.125"), "fine"),
                row(dec("92233720368547758.07"), "max"),
                row(dec("92233720368547758.08"), "over"),
                row(dec("1.00"), "one"));
        List<Object[]> build = list(
                row(dec("123456789012345678901.250"), "x"),
                row(dec("0.1250"), "y"),
                row(dec("92233720368547758.07"), "z"),
                row(dec("92233720368547758.08"), "w"),
                row(dec("123456789012345678901.26"), "v"),
                row(dec("1"), "u"),
                row(dec("0.1250"), "t"));
        int[] k = {0};
        int[] scales = {2};
        List<Object[]> inner = decimalJoin(probe, build, k, k, scales, "INNER");
        List<String> pairs = inner.stream().map(r -> r[1] + "-" + r[3]).toList();
        assertEquals(List.of("big-x", "fine-y", "fine-t", "max-z", "over-w", "one-u"), pairs);
        assertEquals(
                List.of("big", "fine", "max", "over", "one"),
                decimalJoin(probe, build, k, k, scales, "SEMI").stream()
                        .map(r -> (String) r[1])
                        .toList());
        assertEquals(0, decimalJoin(probe, build, k, k, scales, "ANTI").size());
        assertEquals(0, decimalJoin(probe, List.of(), k, k, scales, "INNER").size());
    }

    /**
     * 100,000 build and probe rows whose keys the encoding cannot hold (beyond a long at scale 2):
     * each probe is a lookup by number, not a comparison with every such build row (which would be
     * 10^10 comparisons, without a cancel check between them).
     */
    @Test
    @Timeout(60)
    void manyKeysTheEncodingCannotHoldAreLookedUpNotScanned() {
        int n = 100_000;
        List<Object[]> probe = new ArrayList<>();
        List<Object[]> build = new ArrayList<>();
        BigDecimal base = dec("100000000000000000000.00");
        for (int i = 0; i < n; i++) {
            build.add(row(base.add(BigDecimal.valueOf(i)), i));
            // Every other probe key equal to a build key at another scale, the rest to none.
            probe.add(row(i % 2 == 0 ? base.add(BigDecimal.valueOf(i)).setScale(5) : base.negate(), i));
        }
        int[] k = {0};
        List<Object[]> inner = decimalJoin(probe, build, k, k, new int[] {2}, "INNER");
        assertEquals(n / 2, inner.size());
        for (Object[] r : inner) {
            assertEquals(r[1], r[3]);
        }
    }

    @Test
    void aDecimalKeyNextToAnIntegerKey() {
        List<Object[]> probe = list(row(1L, dec("2.5"), "a"), row(1L, dec("-2.5"), "b"), row(2L, dec("2.5"), "c"));
        List<Object[]> build = list(row(dec("2.50"), 1, "x"), row(dec("-2.50"), 2, "y"), row(dec("2.50"), 2, "z"));
        List<Object[]> inner =
                decimalJoin(probe, build, new int[] {0, 1}, new int[] {1, 0}, new int[] {-1, 2}, "INNER");
        assertEquals(
                List.of("a-x", "c-z"),
                inner.stream().map(r -> r[2] + "-" + r[5]).toList());
    }

    @Test
    void randomJoinsAgreeWithNestedLoops() {
        Random random = new Random(16);
        for (int round = 0; round < 200; round++) {
            int keys = 1 + random.nextInt(2);
            int range = 1 + random.nextInt(round < 100 ? 5 : 2000);
            List<Object[]> probe = rows(random, random.nextInt(300), range);
            List<Object[]> build = rows(random, random.nextInt(round < 100 ? 50 : 3000), range);
            int[] pk = keys == 1 ? new int[] {0} : new int[] {0, 1};
            int[] bk = keys == 1 ? new int[] {1} : new int[] {1, 0};
            Predicate2<Object[], Object[]> remainder =
                    random.nextBoolean() ? null : (l, r) -> (Long) l[2] > (Long) r[2];
            for (String type : TYPES) {
                assertRows(
                        reference(probe, build, pk, bk, type, remainder, 3),
                        join(probe, build, pk, bk, type, remainder));
            }
        }
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

    /** {@code count} fresh rows (key, a 40-character string), made as they are read. */
    private static Enumerable<Object[]> generated(long count, Runnable onRow, AtomicBoolean closed) {
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
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
                    public void close() {
                        closed.set(true);
                    }
                };
            }
        };
    }

    @Test
    void aBuildSideBeyondTheMemoryLimitFailsWithMemoryLimitExceeded() {
        MemoryPool pool = new MemoryPool(1024 * MB, Duration.ZERO);
        AtomicBoolean closed = new AtomicBoolean();
        try (StatementMemory memory = new StatementMemory(16 * MB, "set for the test", pool)) {
            ExecutionContext context = context(new AtomicBoolean());
            context.useMemory(memory);
            // 100 million rows of about 150 bytes would be 15 GB: the join must stop near 16 MB.
            Enumerable<Object[]> join = LongHashJoin.join(
                    context,
                    Linq4j.asEnumerable(list(row(1L))),
                    generated(100_000_000L, () -> {}, closed),
                    new int[] {0},
                    new int[] {0},
                    "INNER",
                    2,
                    null);
            VeilException e = assertThrows(VeilException.class, () -> join.toList());
            assertEquals(ErrorCode.MEMORY_LIMIT_EXCEEDED, e.errorCode());
            assertTrue(e.getMessage().contains("a hash join"), e.getMessage());
            assertTrue(closed.get(), "the build input is closed");
            assertEquals(0, memory.used(), "a failed join gives its memory back");
        }
        assertEquals(0, pool.used());
    }

    @Test
    void theServerPoolSeesTheBuildSide() {
        MemoryPool pool = new MemoryPool(1024 * MB, Duration.ZERO);
        try (StatementMemory memory = new StatementMemory(512 * MB, "default", pool)) {
            ExecutionContext context = context(new AtomicBoolean());
            context.useMemory(memory);
            Enumerator<Object[]> rows = LongHashJoin.join(
                            context,
                            Linq4j.asEnumerable(list(row(1L), row(2L))),
                            generated(100_000, () -> {}, new AtomicBoolean()),
                            new int[] {0},
                            new int[] {0},
                            "INNER",
                            2,
                            null)
                    .enumerator();
            assertTrue(rows.moveNext());
            // 100,000 rows of about 150 bytes, and the table.
            assertTrue(memory.used() > 10 * MB, "accounted " + memory.used());
            assertTrue(pool.used() >= memory.used(), "the pool holds " + pool.used());
            assertTrue(rows.moveNext());
            assertTrue(!rows.moveNext());
            rows.close();
            assertEquals(0, memory.used(), "closing the join gives its memory back");
        }
    }

    @Test
    void aCancelDuringTheBuildStopsIt() {
        AtomicBoolean cancel = new AtomicBoolean();
        AtomicBoolean closed = new AtomicBoolean();
        long[] read = {0};
        Enumerable<Object[]> join = LongHashJoin.join(
                context(cancel),
                Linq4j.asEnumerable(list(row(1L))),
                generated(
                        100_000_000L,
                        () -> {
                            if (++read[0] == 50_000) {
                                cancel.set(true);
                            }
                        },
                        closed),
                new int[] {0},
                new int[] {0},
                "INNER",
                2,
                null);
        VeilException e = assertThrows(VeilException.class, () -> join.toList());
        assertEquals(ErrorCode.QUERY_CANCELLED, e.errorCode());
        assertTrue(read[0] < 100_000, "stopped soon after the cancel, at row " + read[0]);
        assertTrue(closed.get(), "the build input is closed");
    }

    @Test
    void keysOfMixedIntegerTypesMatchByValue() {
        List<Object[]> probe = new ArrayList<>();
        List<Object[]> build = new ArrayList<>();
        for (int i = -1000; i < 1000; i++) {
            probe.add(row((long) i * 3));
            build.add(row(i * 2));
        }
        probe.add(row(Long.MIN_VALUE));
        build.add(row(Integer.MIN_VALUE));
        int[] k = {0};
        assertRows(reference(probe, build, k, k, "INNER", null, 1), join(probe, build, k, k, "INNER", null));
    }
}
