package dev.veil.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import dev.veil.catalog.VeilType;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadBuffersTest {
    @TempDir
    Path dir;

    @Test
    void bufferIsReusedOnceNoSliceOfItIsHeld() {
        try (BufferAllocator allocator = new RootAllocator();
                ReadBuffers buffers = new ReadBuffers(allocator, 2)) {
            ArrowBuf first = buffers.get(0, 100);
            ArrowBuf slice = first.slice(0, 50);
            slice.getReferenceManager().retain();
            slice.getReferenceManager().release();
            assertSame(first, buffers.get(0, 100));
            assertSame(first, buffers.get(0, 60), "a smaller request fits the same buffer");
            assertNotSame(first, buffers.get(1, 100), "each column slot has its own buffer");
        }
    }

    @Test
    void bufferSomeoneStillHoldsIsNeitherReusedNorFreed() {
        try (BufferAllocator allocator = new RootAllocator()) {
            ArrowBuf slice;
            try (ReadBuffers buffers = new ReadBuffers(allocator, 1)) {
                ArrowBuf first = buffers.get(0, 64);
                first.setLong(0, 42L);
                slice = first.slice(0, 64);
                slice.getReferenceManager().retain();
                ArrowBuf second = buffers.get(0, 64);
                assertNotSame(first, second);
                second.setLong(0, 7L);
                assertEquals(42L, slice.getLong(0), "the held bytes are not overwritten");
            }
            assertEquals(42L, slice.getLong(0), "closing the holder leaves the held bytes alone");
            slice.getReferenceManager().release();
            assertEquals(0, allocator.getAllocatedMemory());
        }
    }

    @Test
    void largerRequestGetsALargerBuffer() {
        try (BufferAllocator allocator = new RootAllocator();
                ReadBuffers buffers = new ReadBuffers(allocator, 1)) {
            ArrowBuf small = buffers.get(0, 16);
            ArrowBuf large = buffers.get(0, small.capacity() + 1);
            assertTrue(large.capacity() > small.capacity());
        }
    }

    @Test
    void scanReadsEveryBatchIntoTheSameMemoryAndFreesItAtClose() {
        try (Warehouse wh = Warehouse.create(dir)) {
            // The read path (an encrypted warehouse's, or files that cannot be mapped): no mappings.
            wh.mappedSegments().close();
            TableDef table = table(wh, 10_000);
            TableVersion version = wh.catalog().currentVersion(table.id());
            Set<Long> addresses = new HashSet<>();
            long sum = 0;
            int batches = 0;
            try (BatchScan scan = wh.scan(table, version, new int[] {0})) {
                VectorSchemaRoot batch;
                while ((batch = scan.next()) != null) {
                    BigIntVector v = (BigIntVector) batch.getVector(0);
                    addresses.add(v.getDataBuffer().memoryAddress());
                    for (int r = 0; r < batch.getRowCount(); r++) {
                        sum += v.get(r);
                    }
                    batches++;
                }
            }
            assertEquals(10_000L * 9_999 / 2, sum);
            assertEquals(10, batches);
            assertEquals(1, addresses.size(), "batches read into " + addresses.size() + " places");
            assertEquals(0, wh.allocator().getAllocatedMemory());
        }
    }

    @Test
    void batchRetainedPastNextKeepsItsValues() {
        try (Warehouse wh = Warehouse.create(dir)) {
            // The read path (an encrypted warehouse's, or files that cannot be mapped): no mappings.
            wh.mappedSegments().close();
            TableDef table = table(wh, 3_000);
            TableVersion version = wh.catalog().currentVersion(table.id());
            ArrowBuf kept;
            int keptRows;
            try (BatchScan scan = wh.scan(table, version, new int[] {0})) {
                BigIntVector first = (BigIntVector) scan.next().getVector(0);
                keptRows = first.getValueCount();
                kept = first.getDataBuffer();
                kept.getReferenceManager().retain();
                long later = 0;
                VectorSchemaRoot batch;
                while ((batch = scan.next()) != null) {
                    later += ((BigIntVector) batch.getVector(0)).get(0);
                }
                assertEquals(1_000L + 2_000L, later);
                for (int r = 0; r < keptRows; r++) {
                    assertEquals(r, kept.getLong((long) r * 8), "row " + r + " of the kept batch");
                }
                // A scan's buffers are let go before it closes (BatchScan's contract).
                kept.getReferenceManager().release();
            }
            assertEquals(0, wh.allocator().getAllocatedMemory());
        }
    }

    /** A table {@code s.t(v BIGINT)} of the values 0..rows-1, in batches of 1,000 rows and segments of 4 batches. */
    private static TableDef table(Warehouse wh, int rows) {
        wh.setSegmentLayout(1_000, 4);
        TableDef table =
                WarehouseTest.createTable(wh, "t", List.of(new Column("v", ColumnType.of(VeilType.BIGINT), false)));
        try (TableWriter writer = wh.newWriter(table)) {
            for (long i = 0; i < rows; i++) {
                writer.append(new Object[] {i});
            }
            writer.commit();
        }
        return table;
    }
}
