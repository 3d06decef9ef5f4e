package dev.veil.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.TableVersion;
import dev.veil.catalog.VeilType;
import java.math.BigDecimal;
import java.nio.file.Path;
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
}
