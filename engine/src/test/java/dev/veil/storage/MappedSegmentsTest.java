package dev.veil.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import dev.veil.catalog.VeilType;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Scans of a plain warehouse read segment files through mappings kept while the warehouse is open. */
class MappedSegmentsTest {
    private static final List<Column> COLUMNS = List.of(
            new Column("id", ColumnType.of(VeilType.BIGINT), false),
            new Column("name", ColumnType.of(VeilType.VARCHAR), true));

    @TempDir
    Path dir;

    private static TableDef fill(Warehouse wh, String name, int rows) {
        wh.setSegmentLayout(100, 4);
        TableDef table = WarehouseTest.createTable(wh, name, COLUMNS);
        try (TableWriter writer = wh.newWriter(table)) {
            for (int i = 0; i < rows; i++) {
                writer.append(new Object[] {(long) i, i % 7 == 0 ? null : "n" + i});
            }
            writer.commit();
        }
        return table;
    }

    @Test
    void scansMapEachSegmentOnceAndReadWhatWasWritten() {
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = fill(wh, "t", 1_234);
            TableVersion version = wh.catalog().currentVersion(table.id());
            assertEquals(4, version.segments().size());
            assertEquals(0, wh.mappedSegments().size());
            for (int run = 0; run < 3; run++) {
                List<Object[]> rows = WarehouseTest.readAll(wh, table, new int[] {1, 0});
                assertEquals(1_234, rows.size());
                for (int i = 0; i < rows.size(); i++) {
                    assertEquals(i % 7 == 0 ? null : "n" + i, rows.get(i)[0]);
                    assertEquals((long) i, rows.get(i)[1]);
                }
                assertEquals(4, wh.mappedSegments().size(), "run " + run);
            }
        }
    }

    @Test
    void aBatchRetainedPastItsReadersCloseKeepsItsValuesAndNothingLeaks() {
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"))) {
            TableDef table = fill(wh, "t", 450);
            TableVersion version = wh.catalog().currentVersion(table.id());
            try (BatchScan scan = wh.scan(table, version, new int[] {0})) {
                org.apache.arrow.vector.BigIntVector first =
                        (org.apache.arrow.vector.BigIntVector) scan.next().getVector(0);
                org.apache.arrow.memory.ArrowBuf kept = first.getDataBuffer();
                kept.getReferenceManager().retain();
                long later = 0;
                org.apache.arrow.vector.VectorSchemaRoot batch;
                while ((batch = scan.next()) != null) {
                    later += ((org.apache.arrow.vector.BigIntVector) batch.getVector(0)).get(0);
                }
                assertEquals(100L + 200 + 300 + 400, later);
                for (int r = 0; r < 100; r++) {
                    assertEquals(r, kept.getLong((long) r * 8), "row " + r + " of the kept batch");
                }
                // A scan's buffers are let go before it closes (BatchScan's contract).
                kept.getReferenceManager().release();
            }
            assertEquals(wh.mappedSegments().bytes(), wh.allocator().getAllocatedMemory());
            wh.dropTable(table.name(), false);
            wh.collectGarbage(Long.MAX_VALUE);
            assertEquals(0, wh.mappedSegments().size());
            assertEquals(0, wh.allocator().getAllocatedMemory());
        }
    }

    @Test
    void aDroppedTablesFilesLeaveTheCacheAndTheDisk() {
        Path root = dir.resolve("wh");
        try (Warehouse wh = Warehouse.create(root)) {
            TableDef table = fill(wh, "t", 500);
            TableDef other = fill(wh, "u", 300);
            WarehouseTest.readAll(wh, table, new int[] {0});
            WarehouseTest.readAll(wh, other, new int[] {0});
            assertEquals(3, wh.mappedSegments().size());
            List<String> files = wh.catalog().currentVersion(table.id()).segments().stream()
                    .map(s -> s.path())
                    .toList();
            wh.dropTable(table.name(), false);
            wh.collectGarbage(Long.MAX_VALUE);
            assertEquals(1, wh.mappedSegments().size());
            for (String file : files) {
                assertFalse(Files.exists(root.resolve(file)), file);
            }
            assertEquals(300, WarehouseTest.readAll(wh, other, new int[] {0}).size());
        }
    }

    @Test
    void anEncryptedWarehouseMapsNothing() {
        try (Warehouse wh = Warehouse.create(dir.resolve("wh"), MasterKey.random())) {
            TableDef table = fill(wh, "t", 500);
            assertEquals(500, WarehouseTest.readAll(wh, table, new int[] {0, 1}).size());
            assertEquals(0, wh.mappedSegments().size());
        }
    }

    @Test
    void aFileReplacedUnderItsNameIsMappedAnewAndAForgottenMappingLivesWhileHeld() throws IOException {
        Path file = dir.resolve("seg.arrow");
        Files.write(file, new byte[] {1, 2, 3, 4});
        try (BufferAllocator root = new RootAllocator()) {
            MappedSegments mapped = new MappedSegments(root);
            ArrowBuf first;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                first = mapped.open(file, "seg.arrow", channel);
            }
            assertEquals(3, first.getByte(2));
            ArrowBuf again;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                again = mapped.open(file, "seg.arrow", channel);
            }
            assertSame(first, again);
            again.getReferenceManager().release();

            Path replacement = dir.resolve("new.tmp");
            Files.write(replacement, new byte[] {9, 8, 7, 6, 5});
            Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            ArrowBuf second;
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                second = mapped.open(file, "seg.arrow", channel);
            }
            assertNotSame(first, second);
            assertEquals(7, second.getByte(2));
            assertEquals(3, first.getByte(2), "the old mapping still reads the old file while held");
            first.getReferenceManager().release();

            mapped.forget("seg.arrow");
            assertEquals(0, mapped.size());
            assertEquals(5, second.getByte(4), "a forgotten mapping lives while a reader holds it");
            second.getReferenceManager().release();
            mapped.close();
            assertEquals(0, root.getAllocatedMemory());
        }
    }

    @Test
    void filesPastTheLimitAreReadUntilMappedOnesAreForgotten() throws IOException {
        Path four = dir.resolve("four.arrow");
        Files.write(four, new byte[] {1, 2, 3, 4});
        Path one = dir.resolve("one.arrow");
        Files.write(one, new byte[] {5});
        try (BufferAllocator root = new RootAllocator()) {
            MappedSegments mapped = new MappedSegments(root, 4);
            ArrowBuf first;
            try (FileChannel channel = FileChannel.open(four, StandardOpenOption.READ)) {
                first = mapped.open(four, "four.arrow", channel);
            }
            assertEquals(4, first.getByte(3));
            try (FileChannel channel = FileChannel.open(one, StandardOpenOption.READ)) {
                assertNull(mapped.open(one, "one.arrow", channel), "past the limit: read instead");
            }
            first.getReferenceManager().release();
            mapped.forget("four.arrow");
            ArrowBuf second;
            try (FileChannel channel = FileChannel.open(one, StandardOpenOption.READ)) {
                second = mapped.open(one, "one.arrow", channel);
            }
            assertEquals(5, second.getByte(0));
            second.getReferenceManager().release();
            mapped.close();
            assertEquals(0, root.getAllocatedMemory());
        }
    }

    @Test
    void theDefaultLimitLeavesTheHeapOut() {
        long limit = MappedSegments.defaultLimit();
        assertTrue(limit >= 0);
        assertTrue(limit < Runtime.getRuntime().maxMemory() * 64, "a quarter of what the heap leaves: " + limit);
    }

    @Test
    void emptyFilesAndAClosedCacheAreReadInstead() throws IOException {
        Path empty = dir.resolve("empty.arrow");
        Files.write(empty, new byte[0]);
        Path file = dir.resolve("one.arrow");
        Files.write(file, new byte[] {1});
        try (BufferAllocator root = new RootAllocator()) {
            MappedSegments mapped = new MappedSegments(root);
            try (FileChannel channel = FileChannel.open(empty, StandardOpenOption.READ)) {
                assertNull(mapped.open(empty, "empty.arrow", channel));
            }
            mapped.close();
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
                assertNull(mapped.open(file, "one.arrow", channel));
            }
            assertTrue(root.getAllocatedMemory() == 0);
        }
    }
}
