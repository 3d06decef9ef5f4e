package dev.veil.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.TableVersion;
import dev.veil.catalog.VeilType;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ColumnStatisticsTest {
    private static final int ROWS = 50_000;

    @TempDir
    Path dir;

    @Test
    void distinctCountsAreNearExactForColumnsAndCompositeKeys() {
        try (Warehouse wh = Warehouse.create(dir)) {
            wh.setSegmentLayout(4096, 3); // several batches and segments
            wh.catalog().createSchema("s", false);
            TableDef table = wh.catalog()
                    .createTable(
                            new TableName("s", "t"),
                            List.of(
                                    new Column("id", ColumnType.of(VeilType.BIGINT), false),
                                    new Column("k", ColumnType.of(VeilType.INTEGER), false),
                                    new Column("name", ColumnType.of(VeilType.VARCHAR), true),
                                    new Column("price", ColumnType.decimal(12, 2), false)),
                            false);
            TableVersion version;
            try (TableWriter writer = wh.newWriter(table)) {
                for (int i = 0; i < ROWS; i++) {
                    String name = i % 7 == 0 ? null : "name-" + (i % 100);
                    writer.append(new Object[] {(long) i, i % 10, name, BigDecimal.valueOf(i % 250, 2)});
                }
                version = writer.commit();
            }

            ColumnStatistics id = wh.columnStatistics(table, version, 0);
            assertEquals(ROWS, id.rowCount());
            assertEquals(0, id.nullCount());
            assertEquals(ROWS, id.distinctCount(), ROWS * 0.02);

            assertEquals(10, wh.columnStatistics(table, version, 1).distinctCount(), 0.5);
            assertEquals(250, wh.columnStatistics(table, version, 3).distinctCount(), 2);

            ColumnStatistics name = wh.columnStatistics(table, version, 2);
            assertEquals((ROWS + 6) / 7, name.nullCount());
            assertEquals(100, name.distinctCount(), 1);

            // k = i % 10 follows from i % 100: the pair has 100 combinations, not 10 * 100.
            ColumnStatistics pair = wh.columnStatistics(table, version, 1, 2);
            assertEquals(100, pair.distinctCount(), 1);
            assertEquals((ROWS + 6) / 7, pair.nullCount());

            assertSame(pair, wh.columnStatistics(table, version, 1, 2), "computed once per version");
        }
    }

    /**
     * A version that appends segments to another reads only the new segments for its statistics,
     * and gets exactly what reading the whole version gives, for large segments (sketches) and
     * small ones (listed hashes), single columns and pairs.
     */
    @Test
    void appendedVersionsReadOnlyTheirNewSegments() {
        try (Warehouse wh = Warehouse.create(dir)) {
            wh.setSegmentLayout(4096, 2); // segments of 8,192 rows
            wh.catalog().createSchema("s", false);
            TableDef table = wh.catalog()
                    .createTable(
                            new TableName("s", "t"),
                            List.of(
                                    new Column("id", ColumnType.of(VeilType.BIGINT), false),
                                    new Column("name", ColumnType.of(VeilType.VARCHAR), true)),
                            false);
            TableVersion version = null;
            int next = 0;
            long reads = 0;
            int previousSegments = 0;
            // A large append (three sketched segments), then small ones (listed hashes).
            for (int rows : new int[] {20_000, 100, 1, 3_000, 0}) {
                try (TableWriter writer = wh.newWriter(table)) {
                    for (int i = 0; i < rows; i++, next++) {
                        writer.append(new Object[] {(long) next, next % 5 == 0 ? null : "n" + (next % 1_000)});
                    }
                    version = writer.commit();
                }
                int[][] sets = {{0}, {1}, {0, 1}};
                for (int[] columns : sets) {
                    ColumnStatistics merged = wh.columnStatistics(table, version, columns);
                    List<ColumnType> types = new ArrayList<>();
                    for (int c : columns) {
                        types.add(table.columns().get(c).type());
                    }
                    ColumnStatistics whole;
                    try (BatchScan scan = wh.scan(table, version, columns)) {
                        whole = ColumnStatistics.collect(scan, types);
                    }
                    assertEquals(
                            whole, merged, "version " + version.version() + ", columns " + Arrays.toString(columns));
                    assertEquals(next, merged.rowCount());
                }
                int segments = version.segments().size();
                long newReads = wh.segmentStatisticsReads() - reads;
                assertEquals((long) 3 * (segments - previousSegments), newReads, "segments read for " + rows + " rows");
                previousSegments = segments;
                reads = wh.segmentStatisticsReads();
            }
            assertEquals(next, wh.columnStatistics(table, version, 0).distinctCount(), next * 0.02);
        }
    }

    @Test
    void segmentCacheDropsTheLeastRecentlyUsedPastItsBytes() {
        SegmentStatistics small = SegmentStatistics.ofHashes(3, 0, new long[] {1, 2, 2}, 3);
        long size = small.sizeBytes();
        SegmentStatisticsCache<Integer> cache = new SegmentStatisticsCache<>(3 * size);
        cache.put(1, small);
        cache.put(2, small);
        cache.put(3, small);
        assertSame(small, cache.get(1)); // 1 is now the most recently used
        cache.put(4, small);
        assertEquals(3, cache.size());
        assertEquals(null, cache.get(2));
        assertSame(small, cache.get(1));
        assertSame(small, cache.get(4));
    }

    /**
     * A statement cancelled while its plan reads statistics stops before the next segment
     * (QUERY_CANCELLED); the segments read so far are not read again.
     */
    @Test
    void aCancelledStatementStopsBetweenSegments() {
        try (Warehouse wh = Warehouse.create(dir)) {
            wh.setSegmentLayout(1024, 1);
            wh.catalog().createSchema("s", false);
            TableDef table = wh.catalog()
                    .createTable(
                            new TableName("s", "t"),
                            List.of(new Column("id", ColumnType.of(VeilType.BIGINT), false)),
                            false);
            TableVersion version;
            try (TableWriter writer = wh.newWriter(table)) {
                for (int i = 0; i < 10 * 1024; i++) {
                    writer.append(new Object[] {(long) i});
                }
                version = writer.commit();
            }
            assertEquals(10, version.segments().size());
            int[] checks = {0};
            VeilException e = assertThrows(
                    VeilException.class, () -> wh.columnStatistics(table, version, () -> ++checks[0] > 3, 0));
            assertEquals(ErrorCode.QUERY_CANCELLED, e.errorCode());
            assertEquals(3, wh.segmentStatisticsReads());
            assertEquals(
                    10 * 1024,
                    wh.columnStatistics(table, version, () -> false, 0).rowCount());
            assertEquals(10, wh.segmentStatisticsReads());
        }
    }
}
