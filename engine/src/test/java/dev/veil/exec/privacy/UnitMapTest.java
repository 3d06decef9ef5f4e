package dev.veil.exec.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.TableVersion;
import dev.veil.catalog.VeilType;
import dev.veil.schema.ArrowTable;
import dev.veil.storage.TableWriter;
import dev.veil.storage.Warehouse;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The unit lookup maps built from real table versions: each key gives the smallest non-NULL next
 * value of its rows, NULL keys and keys without a non-NULL next give nothing, and a new version
 * of the table gets a new map.
 */
class UnitMapTest {
    @TempDir
    Path dir;

    private static TableDef table(Warehouse wh, String name, ColumnType key, ColumnType next) {
        wh.catalog().createSchema("s", true);
        return wh.catalog()
                .createTable(
                        new TableName("s", name),
                        List.of(new Column("k", key, true), new Column("n", next, true)),
                        false);
    }

    private static TableVersion write(Warehouse wh, TableDef table, List<Object[]> rows) {
        try (TableWriter writer = wh.newWriter(table)) {
            rows.forEach(writer::append);
            return writer.commit();
        }
    }

    private static UnitMap map(Warehouse wh, TableDef table, TableVersion version) {
        return UnitMaps.get(new ArrowTable(wh, table, version), 0, 1, new AtomicBoolean());
    }

    /** The smallest next per key, as {@code GROUP BY key} with {@code MIN(next)} computes it. */
    private static Map<Object, Long> expected(List<Object[]> rows) {
        Map<Object, Long> min = new HashMap<>();
        for (Object[] row : rows) {
            if (row[0] != null && row[1] != null) {
                min.merge(row[0], ((Number) row[1]).longValue(), Math::min);
            }
        }
        return min;
    }

    private static void checkLongs(UnitMap map, List<Object[]> rows, List<Long> probes, boolean intValues) {
        Map<Object, Long> expected = expected(rows);
        for (long probe : probes) {
            Long want = expected.get(probe);
            Object got = map.get(probe);
            if (want == null) {
                assertNull(got, "key " + probe);
            } else {
                assertEquals(intValues ? (Object) (int) (long) want : (Object) want, got, "key " + probe);
            }
        }
    }

    @Test
    void denseIntegralKeysGiveTheSmallestNextAndSkipNulls() {
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef t = table(wh, "t", ColumnType.of(VeilType.BIGINT), ColumnType.of(VeilType.INTEGER));
            SplittableRandom random = new SplittableRandom(7);
            List<Object[]> rows = new ArrayList<>();
            for (int i = 0; i < 5_000; i++) {
                Long key = random.nextInt(20) == 0 ? null : (long) random.nextInt(2_000) - 100;
                Integer next = random.nextInt(10) == 0 ? null : random.nextInt(-1_000, 1_000);
                rows.add(new Object[] {key, next});
            }
            rows.add(new Object[] {5_000L, null}); // a key whose only next is NULL gives NULL, like no match
            UnitMap map = map(wh, t, write(wh, t, rows));
            assertEquals(LongUnitMap.class, map.getClass());
            List<Long> probes = new ArrayList<>();
            for (long k = -200; k <= 5_100; k++) {
                probes.add(k);
            }
            probes.addAll(List.of(Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1));
            checkLongs(map, rows, probes, true);
            assertEquals(expected(rows).get(7L).intValue(), map.get(7)); // an INTEGER input key finds a BIGINT key
            assertNull(map.get(null));
        }
    }

    @Test
    void sparseIntegralKeysGiveTheSmallestNext() {
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef t = table(wh, "t", ColumnType.of(VeilType.BIGINT), ColumnType.of(VeilType.BIGINT));
            SplittableRandom random = new SplittableRandom(11);
            List<Object[]> rows = new ArrayList<>();
            List<Long> probes = new ArrayList<>(List.of(0L, Long.MIN_VALUE, Long.MAX_VALUE, -1L));
            for (int i = 0; i < 3_000; i++) {
                long key = random.nextLong();
                rows.add(new Object[] {key, random.nextLong()});
                rows.add(new Object[] {key, random.nextLong()});
                probes.add(key);
                probes.add(key + 1);
            }
            rows.add(new Object[] {Long.MIN_VALUE, 3L});
            rows.add(new Object[] {Long.MAX_VALUE, Long.MAX_VALUE});
            UnitMap map = map(wh, t, write(wh, t, rows));
            checkLongs(map, rows, probes, false);
        }
    }

    @Test
    void smallValuesAreTheirRangeFromZeroNoSparserThanAsked() {
        LongUnitMap.Builder dense = new LongUnitMap.Builder(VeilType.BIGINT);
        for (long k = 1; k <= 100; k++) {
            dense.add(k * 4, k % 30 + 1); // values 1..30 from 100 pairs
        }
        LongUnitMap map = dense.build();
        assertTrue(map.smallValues(31, 1));
        assertFalse(map.smallValues(30, 1), "the largest value 30 is not below 30");
        LongUnitMap.Builder negative = new LongUnitMap.Builder(VeilType.BIGINT);
        negative.add(1, -1);
        negative.add(2, 3);
        assertFalse(negative.build().smallValues(1 << 20, 4), "a negative value indexes nothing");
        LongUnitMap.Builder sparse = new LongUnitMap.Builder(VeilType.BIGINT);
        sparse.add(1, 1);
        sparse.add(2, 1000);
        assertFalse(sparse.build().smallValues(1 << 20, 4), "two pairs, values up to 1000");
        assertTrue(sparse.build().smallValues(1 << 20, 1000));
        assertTrue(new LongUnitMap.Builder(VeilType.BIGINT).build().smallValues(1, 1), "no values");
    }

    @Test
    void aNextEqualToTheAbsentMarkerIsStillFound() {
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef t = table(wh, "t", ColumnType.of(VeilType.INTEGER), ColumnType.of(VeilType.BIGINT));
            UnitMap map = map(wh, t, write(wh, t, List.of(new Object[] {1, Long.MIN_VALUE}, new Object[] {2, 5L})));
            assertEquals(Long.MIN_VALUE, map.get(1L));
            assertEquals(5L, map.get(2));
            assertNull(map.get(3));
        }
    }

    @Test
    void textAndDecimalKeysCompareByValue() {
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef text = table(wh, "text", ColumnType.of(VeilType.VARCHAR), ColumnType.of(VeilType.VARCHAR));
            UnitMap byText = map(
                    wh,
                    text,
                    write(
                            wh,
                            text,
                            List.of(
                                    new Object[] {"a", "zed"},
                                    new Object[] {"a", "bob"},
                                    new Object[] {"b", null},
                                    new Object[] {null, "x"})));
            assertEquals("bob", byText.get("a"));
            assertNull(byText.get("b"));
            assertNull(byText.get("A"));

            TableDef decimal = table(wh, "decimal", ColumnType.decimal(12, 2), ColumnType.of(VeilType.BIGINT));
            UnitMap byDecimal = map(
                    wh, decimal, write(wh, decimal, List.of(new Object[] {new BigDecimal("1.50"), 9L}, new Object[] {
                        new BigDecimal("0.00"), 4L
                    })));
            assertEquals(9L, byDecimal.get(new BigDecimal("1.5")));
            assertEquals(9L, byDecimal.get(new BigDecimal("1.500")));
            assertEquals(4L, byDecimal.get(BigDecimal.ZERO));
            assertNull(byDecimal.get(new BigDecimal("1.51")));
        }
    }

    @Test
    void aNewVersionGetsItsOwnMapAndReplacesTheOldOne() {
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef t = table(wh, "t", ColumnType.of(VeilType.BIGINT), ColumnType.of(VeilType.BIGINT));
            TableVersion v1 = write(wh, t, List.<Object[]>of(new Object[] {1L, 10L}));
            UnitMap first = map(wh, t, v1);
            assertSame(first, map(wh, t, v1));
            assertNull(first.get(2L));
            TableVersion v2 = write(wh, t, List.of(new Object[] {2L, 20L}, new Object[] {1L, 5L}));
            UnitMap second = map(wh, t, v2);
            assertEquals(5L, second.get(1L));
            assertEquals(20L, second.get(2L));
            assertEquals(1, UnitMaps.cachedCount(wh));
        }
    }
}
