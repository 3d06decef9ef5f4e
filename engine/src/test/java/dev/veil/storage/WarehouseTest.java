package dev.veil.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.SegmentInfo;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.TableVersion;
import dev.veil.catalog.VeilType;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WarehouseTest {
    static final List<Column> ALL_TYPES = List.of(
            new Column("b", ColumnType.of(VeilType.BOOLEAN), true),
            new Column("i", ColumnType.of(VeilType.INTEGER), true),
            new Column("l", ColumnType.of(VeilType.BIGINT), false),
            new Column("d", ColumnType.of(VeilType.DOUBLE), true),
            new Column("m", ColumnType.decimal(12, 2), true),
            new Column("big", ColumnType.decimal(38, 10), true),
            new Column("s", ColumnType.of(VeilType.VARCHAR), true),
            new Column("day", ColumnType.of(VeilType.DATE), true),
            new Column("ts", ColumnType.of(VeilType.TIMESTAMP), true));

    @TempDir
    Path dir;

    @Test
    void everyTypeRoundTripsIncludingNulls() {
        List<Object[]> rows = List.of(
                new Object[] {
                    true,
                    1,
                    10L,
                    1.5,
                    new BigDecimal("12345678.91"),
                    new BigDecimal("1234567890123456789012345678.0123456789"),
                    "héllo, wörld ✓",
                    (int) LocalDate.of(2024, 2, 29).toEpochDay(),
                    1_700_000_000_123L
                },
                new Object[] {null, null, -7L, null, null, null, null, null, null},
                new Object[] {
                    false,
                    Integer.MIN_VALUE,
                    Long.MAX_VALUE,
                    -0.0,
                    new BigDecimal("-0.01"),
                    new BigDecimal("-9999999999999999999999999999.9999999999"),
                    "",
                    (int) LocalDate.of(1969, 12, 31).toEpochDay(),
                    -1L
                });
        try (Warehouse wh = Warehouse.create(dir)) {
            TableDef table = createTable(wh, "t", ALL_TYPES);
            TableVersion version;
            try (TableWriter writer = wh.newWriter(table)) {
                rows.forEach(writer::append);
                assertEquals(3, writer.rowCount());
                version = writer.commit();
            }
            assertEquals(1, version.version());
            assertEquals(3, version.rowCount());
            assertEquals(version, wh.catalog().currentVersion(table.id()));
        }
        try (Warehouse wh = Warehouse.open(dir)) {
            TableDef table = wh.catalog().requireTable(new TableName("s", "t"));
            List<Object[]> read = readAll(wh, table, allColumns(table));
            assertEquals(rows.size(), read.size());
            for (int i = 0; i < rows.size(); i++) {
                assertArrayEquals(rows.get(i), read.get(i), "row " + i);
            }
        }
    }

    @Test
    void segmentsUseTheDocumentedArrowTypes() {
        try (Warehouse wh = Warehouse.create(dir)) {
            TableDef table = createTable(wh, "t", ALL_TYPES);
            try (BatchScan scan = wh.scan(table, wh.catalog().currentVersion(table.id()), allColumns(table))) {
                assertEquals(
                        List.of(
                                ArrowType.Bool.INSTANCE,
                                new ArrowType.Int(32, true),
                                new ArrowType.Int(64, true),
                                new ArrowType.FloatingPoint(
                                        org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE),
                                new ArrowType.Decimal(12, 2, 128),
                                new ArrowType.Decimal(38, 10, 128),
                                ArrowType.Utf8.INSTANCE,
                                new ArrowType.Date(org.apache.arrow.vector.types.DateUnit.DAY),
                                new ArrowType.Timestamp(org.apache.arrow.vector.types.TimeUnit.MILLISECOND, null)),
                        scan.schema().getFields().stream().map(f -> f.getType()).toList());
                assertNull(scan.next());
            }
        }
    }

    @Test
    void appendAcceptsWideningsAndRoundsDecimals() {
        try (Warehouse wh = Warehouse.create(dir)) {
            TableDef table = createTable(wh, "t", ALL_TYPES);
            try (TableWriter writer = wh.newWriter(table)) {
                writer.append(new Object[] {
                    null,
                    (short) 3,
                    4,
                    5,
                    1.005,
                    7L,
                    "x",
                    LocalDate.of(2000, 1, 1),
                    LocalDateTime.of(2000, 1, 1, 0, 0, 1)
                });
                writer.commit();
            }
            Object[] row = readAll(wh, table, allColumns(table)).get(0);
            assertEquals(3, row[1]);
            assertEquals(4L, row[2]);
            assertEquals(5.0, row[3]);
            assertEquals(
                    new BigDecimal("1.01"), row[4]); // 1.005 as a double is 1.00499..., BigDecimal.valueOf gives 1.005
            assertEquals(new BigDecimal("7.0000000000"), row[5]);
            assertEquals((int) LocalDate.of(2000, 1, 1).toEpochDay(), row[7]);
            assertEquals(946_684_801_000L, row[8]);
        }
    }

    @Test
    void appendRejectsBadValuesNamingTheColumn() {
        try (Warehouse wh = Warehouse.create(dir)) {
            TableDef table = createTable(wh, "t", ALL_TYPES);
            try (TableWriter writer = wh.newWriter(table)) {
                VeilException e = assertThrows(
                        VeilException.class,
                        () -> writer.append(new Object[] {null, null, null, null, null, null, null, null, null}));
                assertEquals(ErrorCode.NOT_NULL_VIOLATION, e.errorCode());
                assertEquals("Column 'l' of table 's.t' is NOT NULL; got NULL", e.getMessage());
                e = assertThrows(
                        VeilException.class,
                        () -> writer.append(new Object[] {
                            null, null, 1L, null, new BigDecimal("12345678901.5"), null, null, null, null
                        }));
                assertEquals(ErrorCode.NUMERIC_OUT_OF_RANGE, e.errorCode());
                assertEquals("Value out of range for column 'm' (DECIMAL(12,2)) of table 's.t'", e.getMessage());
                e = assertThrows(
                        VeilException.class,
                        () -> writer.append(
                                new Object[] {null, 3_000_000_000L, 1L, null, null, null, null, null, null}));
                assertEquals(ErrorCode.NUMERIC_OUT_OF_RANGE, e.errorCode());
                e = assertThrows(
                        VeilException.class,
                        () -> writer.append(new Object[] {null, null, 1L, null, null, null, null, "2024-01-01", null}));
                assertEquals(ErrorCode.TYPE_MISMATCH, e.errorCode());
                assertEquals(
                        "Column 'day' of table 's.t' is DATE; cannot store a value of Java type java.lang.String",
                        e.getMessage());
                e = assertThrows(VeilException.class, () -> writer.append(new Object[] {null}));
                assertEquals(ErrorCode.INVALID_ARGUMENT, e.errorCode());
            }
        }
    }

    @Test
    void manyBatchesAndSegmentsScanWithProjectionInRequestedOrder() {
        List<Column> columns = List.of(
                new Column("id", ColumnType.of(VeilType.BIGINT), false),
                new Column("name", ColumnType.of(VeilType.VARCHAR), true),
                new Column("qty", ColumnType.of(VeilType.INTEGER), true),
                new Column("price", ColumnType.decimal(10, 2), true));
        int rows = 10_007;
        try (Warehouse wh = Warehouse.create(dir)) {
            wh.setSegmentLayout(100, 7);
            TableDef table = createTable(wh, "t", columns);
            try (TableWriter writer = wh.newWriter(table)) {
                for (int i = 0; i < rows; i++) {
                    writer.append(
                            new Object[] {(long) i, i % 10 == 0 ? null : "n" + i, i % 3, BigDecimal.valueOf(i, 2)});
                }
                writer.commit();
            }
            TableVersion version = wh.catalog().currentVersion(table.id());
            assertEquals((rows + 699) / 700, version.segments().size());
            assertEquals(rows, version.rowCount());
            int batches = 0;
            long expectedId = 0;
            try (BatchScan scan = wh.scan(table, version, new int[] {3, 0, 1})) {
                assertEquals(
                        List.of("price", "id", "name"),
                        scan.schema().getFields().stream().map(f -> f.getName()).toList());
                VectorSchemaRoot batch;
                while ((batch = scan.next()) != null) {
                    batches++;
                    assertEquals(3, batch.getFieldVectors().size());
                    assertTrue(batch.getRowCount() <= 100);
                    DecimalVector price = (DecimalVector) batch.getVector(0);
                    BigIntVector id = (BigIntVector) batch.getVector(1);
                    VarCharVector name = (VarCharVector) batch.getVector(2);
                    for (int r = 0; r < batch.getRowCount(); r++) {
                        assertEquals(expectedId, id.get(r));
                        assertEquals(BigDecimal.valueOf(expectedId, 2), price.getObject(r));
                        assertEquals(
                                expectedId % 10 == 0 ? null : "n" + expectedId,
                                name.isNull(r)
                                        ? null
                                        : new String(name.get(r), java.nio.charset.StandardCharsets.UTF_8));
                        expectedId++;
                    }
                }
            }
            assertEquals(rows, expectedId);
            assertEquals((rows + 99) / 100, batches);
        }
    }

    @Test
    void interleavedWritersBothLand() {
        try (Warehouse wh = Warehouse.create(dir)) {
            TableDef table = createTable(wh, "t", List.of(new Column("x", ColumnType.of(VeilType.INTEGER), true)));
            try (TableWriter first = wh.newWriter(table);
                    TableWriter second = wh.newWriter(table)) {
                first.append(new Object[] {1});
                second.append(new Object[] {2});
                assertEquals(1, second.commit().version());
                TableVersion last = first.commit();
                assertEquals(2, last.version());
                assertEquals(2, last.rowCount());
            }
            assertEquals(
                    List.of(2, 1),
                    readAll(wh, table, new int[] {0}).stream().map(r -> r[0]).toList());
        }
    }

    @Test
    void emptyProjectionCountsRows() {
        try (Warehouse wh = Warehouse.create(dir)) {
            wh.setSegmentLayout(10, 2);
            TableDef table = createTable(wh, "t", List.of(new Column("x", ColumnType.of(VeilType.INTEGER), true)));
            try (TableWriter writer = wh.newWriter(table)) {
                for (int i = 0; i < 95; i++) {
                    writer.append(new Object[] {i});
                }
                writer.commit();
            }
            long count = 0;
            try (BatchScan scan = wh.scan(table, wh.catalog().currentVersion(table.id()), new int[0])) {
                VectorSchemaRoot batch;
                while ((batch = scan.next()) != null) {
                    assertEquals(0, batch.getFieldVectors().size());
                    count += batch.getRowCount();
                }
            }
            assertEquals(95, count);
        }
    }

    @Test
    void scanMemoryStaysAtOneBatchHoweverLargeTheTable() {
        List<Column> columns = List.of(
                new Column("v", ColumnType.of(VeilType.BIGINT), false),
                new Column("pad", ColumnType.of(VeilType.VARCHAR), false));
        String pad = "x".repeat(100);
        int rows = 400_000;
        try (Warehouse wh = Warehouse.create(dir)) {
            wh.setSegmentLayout(8192, 8);
            TableDef table = createTable(wh, "t", columns);
            try (TableWriter writer = wh.newWriter(table)) {
                for (int i = 0; i < rows; i++) {
                    writer.append(new Object[] {(long) i, pad});
                }
                writer.commit();
            }
            TableVersion version = wh.catalog().currentVersion(table.id());
            long tableBytes = version.segments().stream()
                    .mapToLong(SegmentInfo::sizeBytes)
                    .sum();
            long sum = 0;
            long peak;
            try (BatchScan scan = wh.scan(table, version, new int[] {1, 0})) {
                VectorSchemaRoot batch;
                while ((batch = scan.next()) != null) {
                    BigIntVector v = (BigIntVector) batch.getVector(1);
                    for (int r = 0; r < batch.getRowCount(); r++) {
                        sum += v.get(r);
                    }
                }
                peak = ((ArrowSegmentScan) scan).allocatorPeak();
            }
            assertEquals((long) rows * (rows - 1) / 2, sum);
            assertTrue(tableBytes > 40_000_000L, "table is " + tableBytes + " bytes");
            // One batch is 8192 * (8 + 4 + 100) bytes, about 1 MB; allow for buffer rounding.
            assertTrue(peak < 4_000_000L, "scan peaked at " + peak + " bytes for a table of " + tableBytes);
            assertEquals(wh.mappedSegments().bytes(), wh.allocator().getAllocatedMemory());
        }
    }

    @Test
    void closedWriterWithoutCommitLeavesTableAndDiskUnchanged() throws IOException {
        try (Warehouse wh = Warehouse.create(dir)) {
            wh.setSegmentLayout(10, 2);
            TableDef table = createTable(wh, "t", List.of(new Column("x", ColumnType.of(VeilType.INTEGER), true)));
            try (TableWriter writer = wh.newWriter(table)) {
                writer.append(new Object[] {1});
                writer.commit();
            }
            List<Path> before = segmentFiles();
            try (TableWriter writer = wh.newWriter(table)) {
                for (int i = 0; i < 100; i++) {
                    writer.append(new Object[] {i});
                }
                assertTrue(segmentFiles().size() > before.size(), "the writer has written files");
            }
            assertEquals(before, segmentFiles());
            assertEquals(1, wh.catalog().currentVersion(table.id()).rowCount());
        }
    }

    @Test
    void openRemovesOrphanSegmentsAndTempFiles() throws IOException {
        Path orphan;
        Path temp;
        try (Warehouse wh = Warehouse.create(dir)) {
            TableDef table = createTable(wh, "t", List.of(new Column("x", ColumnType.of(VeilType.INTEGER), true)));
            try (TableWriter writer = wh.newWriter(table)) {
                writer.append(new Object[] {1});
                writer.commit();
            }
            Path segment = dir.resolve(
                    wh.catalog().currentVersion(table.id()).segments().get(0).path());
            orphan = segment.resolveSibling("0000000000000-0000000000000000.arrow");
            Files.copy(segment, orphan);
            temp = segment.resolveSibling("x.arrow.tmp");
            Files.writeString(temp, "partial");
            Files.createDirectories(dir.resolve("data/dropped/table"));
            Files.writeString(dir.resolve("data/dropped/table/old.arrow"), "garbage");
        }
        try (Warehouse wh = Warehouse.open(dir)) {
            assertFalse(Files.exists(orphan));
            assertFalse(Files.exists(temp));
            assertFalse(Files.exists(dir.resolve("data/dropped")));
            assertEquals(1, segmentFiles().size());
            TableDef table = wh.catalog().requireTable(new TableName("s", "t"));
            assertEquals(1, readAll(wh, table, new int[] {0}).size());
        }
    }

    @Test
    void droppedTableSegmentsAreCollected() throws IOException {
        try (Warehouse wh = Warehouse.create(dir)) {
            TableDef table = createTable(wh, "t", List.of(new Column("x", ColumnType.of(VeilType.INTEGER), true)));
            try (TableWriter writer = wh.newWriter(table)) {
                writer.append(new Object[] {1});
                writer.commit();
            }
            assertEquals(1, segmentFiles().size());
            wh.catalog().dropTable(table.name(), false);
            assertEquals(1, wh.collectGarbage());
            assertEquals(List.of(), segmentFiles());
        }
    }

    @Test
    void collectionSparesSegmentsOfAnOpenScan() throws IOException {
        try (Warehouse wh = Warehouse.create(dir)) {
            TableDef table = createTable(wh, "t", List.of(new Column("x", ColumnType.of(VeilType.INTEGER), true)));
            try (TableWriter writer = wh.newWriter(table)) {
                writer.append(new Object[] {42});
                writer.commit();
            }
            TableVersion version = wh.catalog().currentVersion(table.id());
            try (BatchScan scan = wh.scan(table, version, new int[] {0})) {
                wh.catalog().commitVersion(table.id(), version.version(), List.of());
                assertEquals(0, wh.collectGarbage());
                VectorSchemaRoot batch = scan.next();
                assertEquals(42, ((IntVector) batch.getVector(0)).get(0));
            }
            assertEquals(1, wh.collectGarbage());
        }
    }

    @Test
    void damagedSegmentIsReportedAsCorrupt() throws IOException {
        try (Warehouse wh = Warehouse.create(dir)) {
            TableDef table = createTable(wh, "t", List.of(new Column("x", ColumnType.of(VeilType.INTEGER), true)));
            try (TableWriter writer = wh.newWriter(table)) {
                writer.append(new Object[] {1});
                writer.commit();
            }
            SegmentInfo segment =
                    wh.catalog().currentVersion(table.id()).segments().get(0);
            Files.write(dir.resolve(segment.path()), new byte[] {1, 2, 3});
            VeilException e = assertThrows(VeilException.class, () -> readAll(wh, table, new int[] {0}));
            assertEquals(ErrorCode.STORAGE_CORRUPTED, e.errorCode());
            assertTrue(e.getMessage().contains(segment.path()), e.getMessage());
            Files.delete(dir.resolve(segment.path()));
            e = assertThrows(VeilException.class, () -> readAll(wh, table, new int[] {0}));
            assertEquals("Segment file " + segment.path() + " is missing", e.getMessage());
            assertEquals(wh.mappedSegments().bytes(), wh.allocator().getAllocatedMemory());
        }
    }

    @Test
    void secondOpenerIsRefused() {
        try (Warehouse wh = Warehouse.create(dir)) {
            VeilException e = assertThrows(VeilException.class, () -> Warehouse.open(dir));
            assertEquals(ErrorCode.WAREHOUSE_LOCKED, e.errorCode());
            assertTrue(
                    e.getMessage()
                            .contains("is in use by process "
                                    + ProcessHandle.current().pid()),
                    e.getMessage());
        }
        Warehouse.open(dir).close();
    }

    @Test
    void missingWarehouseIsReportedWithItsPath() {
        Path nowhere = dir.resolve("nowhere");
        VeilException e = assertThrows(VeilException.class, () -> Warehouse.open(nowhere));
        assertEquals(ErrorCode.WAREHOUSE_NOT_FOUND, e.errorCode());
        assertTrue(e.getMessage().startsWith("No warehouse in '" + nowhere.toAbsolutePath() + "'"), e.getMessage());
        Warehouse.create(dir).close();
        e = assertThrows(VeilException.class, () -> Warehouse.create(dir));
        assertEquals(ErrorCode.ALREADY_EXISTS, e.errorCode());
    }

    // ------------------------------------------------------------------ helpers

    static TableDef createTable(Warehouse wh, String name, List<Column> columns) {
        wh.catalog().createSchema("s", true);
        return wh.catalog().createTable(new TableName("s", name), columns, false);
    }

    static int[] allColumns(TableDef table) {
        int[] all = new int[table.columns().size()];
        for (int i = 0; i < all.length; i++) {
            all[i] = i;
        }
        return all;
    }

    /** Every row of the current version, as Veil values. */
    static List<Object[]> readAll(Warehouse wh, TableDef table, int[] columns) {
        List<Object[]> rows = new ArrayList<>();
        try (BatchScan scan = wh.scan(table, wh.catalog().currentVersion(table.id()), columns)) {
            VectorSchemaRoot batch;
            while ((batch = scan.next()) != null) {
                for (int r = 0; r < batch.getRowCount(); r++) {
                    Object[] row = new Object[columns.length];
                    for (int c = 0; c < columns.length; c++) {
                        row[c] = ArrowValues.get(batch.getVector(c), r);
                    }
                    rows.add(row);
                }
            }
        }
        return rows;
    }

    private List<Path> segmentFiles() throws IOException {
        try (Stream<Path> files = Files.walk(dir.resolve("data"))) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }
}
