package dev.veil.exec.aggregate;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.veil.catalog.ColumnType;
import dev.veil.catalog.VeilType;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.IntStream;
import java.util.stream.LongStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The hash table of a vectorized aggregation's groups on its own: dense ids in order of first
 * occurrence however many keys it holds (so across many resizes) and however they collide, NULL a
 * key of its own, and a merge that maps each group of another table to the same key here.
 */
class GroupTableTest {
    private BufferAllocator allocator;

    @BeforeEach
    void open() {
        allocator = new RootAllocator();
    }

    @AfterEach
    void close() {
        allocator.close();
    }

    private BigIntVector longs(long[] values, boolean[] nulls) {
        BigIntVector v = new BigIntVector("a", allocator);
        v.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            if (nulls != null && nulls[i]) {
                v.setNull(i);
            } else {
                v.set(i, values[i]);
            }
        }
        v.setValueCount(values.length);
        return v;
    }

    private IntVector ints(int[] values) {
        IntVector v = new IntVector("b", allocator);
        v.allocateNew(values.length);
        for (int i = 0; i < values.length; i++) {
            v.set(i, values[i]);
        }
        v.setValueCount(values.length);
        return v;
    }

    /** Assigns all rows of the vectors (table columns 0..) and returns their group ids. */
    private static int[] assignAll(GroupTable table, FieldVector... vectors) {
        int n = vectors[0].getValueCount();
        int[] sel = IntStream.range(0, n).toArray();
        int[] gids = new int[n];
        table.assign(vectors, sel, n, gids);
        return gids;
    }

    @Test
    void manyKeysGetDenseIdsInOrderOfFirstOccurrence() {
        int n = 300_000;
        long[] keys = new long[n];
        for (int i = 0; i < n; i++) {
            // Keys spaced like TPC-H order keys, and multiples of a large power of two (same low bits).
            keys[i] = i % 3 == 0 ? (long) (i / 8) * 32 + i % 8 : ((long) (i % 50_000)) << 32;
        }
        GroupTable table = new GroupTable(new int[] {0}, new ColumnType[] {ColumnType.of(VeilType.BIGINT)});
        try (BigIntVector v = longs(keys, null)) {
            int[] gids = assignAll(table, v);
            Map<Long, Integer> expected = new HashMap<>();
            for (int i = 0; i < n; i++) {
                int g = expected.computeIfAbsent(keys[i], k -> expected.size());
                assertEquals(g, gids[i], "row " + i);
            }
            assertEquals(expected.size(), table.groups());
            for (Map.Entry<Long, Integer> e : expected.entrySet()) {
                assertEquals(e.getKey(), table.key(e.getValue(), 0));
            }
        }
    }

    @Test
    void nullIsAKeyOfItsOwnAndTwoColumnsMakeOneKey() {
        long[] a = {0, 0, 5, 0, 5, 7};
        boolean[] nulls = {true, false, false, true, false, false};
        int[] b = {1, 1, 1, 1, 2, 1};
        GroupTable table = new GroupTable(
                new int[] {0, 1}, new ColumnType[] {ColumnType.of(VeilType.BIGINT), ColumnType.of(VeilType.INTEGER)});
        try (BigIntVector va = longs(a, nulls);
                IntVector vb = ints(b)) {
            assertArrayEquals(new int[] {0, 1, 2, 0, 3, 4}, assignAll(table, va, vb));
            assertNull(table.key(0, 0));
            assertEquals(0L, table.key(1, 0));
            assertEquals(2, table.key(3, 1));
        }
    }

    @Test
    void mergeMapsEachGroupToTheSameKeyAndAddsNewOnesInOrder() {
        ColumnType[] types = {ColumnType.of(VeilType.BIGINT)};
        GroupTable first = new GroupTable(new int[] {0}, types);
        GroupTable second = new GroupTable(new int[] {0}, types);
        long[] firstKeys = LongStream.range(0, 5000).toArray();
        long[] secondKeys = LongStream.range(2500, 9000).toArray();
        try (BigIntVector v1 = longs(firstKeys, null);
                BigIntVector v2 = longs(secondKeys, null)) {
            assignAll(first, v1);
            assignAll(second, v2);
            int[] map = first.merge(second);
            assertEquals(9000, first.groups());
            for (int g = 0; g < second.groups(); g++) {
                assertEquals(second.key(g, 0), first.key(map[g], 0));
            }
            assertEquals(2500, map[0]);
            assertEquals(5000, map[2500]);
            assertEquals(8999, map[6499]);
        }
    }

    @Test
    void keysInOrderThenAgainInAnyOrderKeepTheirGroups() {
        int n = 100_000;
        long[] keys = new long[3 * n];
        for (int i = 0; i < n; i++) {
            keys[i] = 4L * i; // ascending: new without a lookup
            keys[n + i] = 4L * (n - 1 - i); // descending: every one seen before
            keys[2 * n + i] = i % 2 == 0 ? 4L * i + 1 : -i; // new ones inside and below the range, alternating
        }
        GroupTable table = new GroupTable(new int[] {0}, new ColumnType[] {ColumnType.of(VeilType.BIGINT)});
        try (BigIntVector v = longs(keys, null)) {
            int[] gids = assignAll(table, v);
            Map<Long, Integer> expected = new HashMap<>();
            for (int i = 0; i < keys.length; i++) {
                int g = expected.computeIfAbsent(keys[i], k -> expected.size());
                assertEquals(g, gids[i], "row " + i);
            }
            assertEquals(expected.size(), table.groups());
        }
    }

    @Test
    void mergeOfDisjointKeyRangesAppendsInOrderAndLookupsStillFindEveryKey() {
        ColumnType[] types = {ColumnType.of(VeilType.BIGINT)};
        GroupTable first = new GroupTable(new int[] {0}, types);
        GroupTable second = new GroupTable(new int[] {0}, types);
        long[] firstKeys = LongStream.range(0, 70_000).map(k -> 70_000 - k).toArray();
        long[] secondKeys =
                LongStream.range(0, 50_000).map(k -> 100_000 + 3 * k).toArray();
        boolean[] secondNulls = new boolean[secondKeys.length];
        secondNulls[7] = true;
        try (BigIntVector v1 = longs(firstKeys, null);
                BigIntVector v2 = longs(secondKeys, secondNulls);
                BigIntVector again = longs(
                        new long[] {100_003, 1, 70_000, 5, 999_999},
                        new boolean[] {false, false, false, true, false})) {
            assignAll(first, v1);
            assignAll(second, v2);
            int[] map = first.merge(second);
            assertEquals(70_000 + 50_000, first.groups());
            for (int g = 0; g < second.groups(); g++) {
                assertEquals(70_000 + g, map[g]);
                assertEquals(second.key(g, 0), first.key(map[g], 0));
            }
            // After the merge every key, NULL included, is found where the merge put it.
            assertArrayEquals(new int[] {70_001, 69_999, 0, 70_007, 120_000}, assignAll(first, again));
            assertEquals(120_001, first.groups());
        }
    }

    @Test
    void mergeOfPartialsSharingTheirBoundaryKeyMapsItToTheSameGroup() {
        ColumnType[] types = {ColumnType.of(VeilType.BIGINT)};
        GroupTable first = new GroupTable(new int[] {0}, types);
        GroupTable second = new GroupTable(new int[] {0}, types);
        try (BigIntVector v1 = longs(LongStream.range(0, 10_000).map(k -> 2 * k).toArray(), null);
                BigIntVector v2 =
                        longs(LongStream.range(0, 5_000).map(k -> 19_998 + k).toArray(), null);
                BigIntVector again = longs(new long[] {19_998, 4, 5, 19_999}, null)) {
            assignAll(first, v1);
            assignAll(second, v2);
            int[] map = first.merge(second);
            assertEquals(9_999, map[0]);
            assertEquals(10_000, map[1]);
            assertEquals(10_000 + 4_998, map[4_999]);
            assertEquals(10_000 + 4_999, first.groups());
            assertArrayEquals(new int[] {9_999, 2, 14_999, 10_000}, assignAll(first, again));
        }
    }

    @Test
    void mergeOfOverlappingRangesOrTwoNullKeysLooksEveryKeyUp() {
        ColumnType[] types = {ColumnType.of(VeilType.BIGINT)};
        GroupTable first = new GroupTable(new int[] {0}, types);
        GroupTable second = new GroupTable(new int[] {0}, types);
        try (BigIntVector v1 = longs(new long[] {1, 2, 0}, new boolean[] {false, false, true});
                BigIntVector v2 = longs(new long[] {0, 10, 11}, new boolean[] {true, false, false})) {
            assignAll(first, v1);
            assignAll(second, v2);
            assertArrayEquals(new int[] {2, 3, 4}, first.merge(second));
            assertEquals(5, first.groups());
        }
    }

    @Test
    void noGroupingColumnIsOneGroup() {
        GroupTable table = new GroupTable(new int[0], new ColumnType[0]);
        try (BigIntVector v = longs(new long[] {3, 4}, null)) {
            assertArrayEquals(new int[] {0, 0}, assignAll(table, v));
            assertEquals(1, table.groups());
        }
    }
}
