package dev.veil.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.VeilType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decrypted chunks of an encrypted warehouse: a warm scan opens no chunk again, what is cached
 * is only what was authenticated (files swapped or cut on disk under an open warehouse still fail),
 * deleted files leave the cache, and every byte taken from the memory source is given back.
 */
class PlainChunksTest {
    private static final List<Column> COLUMNS = List.of(
            new Column("id", ColumnType.of(VeilType.BIGINT), false),
            new Column("name", ColumnType.of(VeilType.VARCHAR), true));

    @TempDir
    Path dir;

    private CacheMemory previous;
    private final AtomicLong taken = new AtomicLong();
    private final AtomicLong takes = new AtomicLong();
    private volatile long limit = Long.MAX_VALUE;

    @BeforeEach
    void countingMemory() {
        previous = PlainChunks.memory();
        PlainChunks.useMemory(bytes -> {
            if (taken.get() + bytes > limit) {
                return null;
            }
            taken.addAndGet(bytes);
            takes.incrementAndGet();
            return () -> taken.addAndGet(-bytes);
        });
    }

    @AfterEach
    void restoreMemory() {
        if (previous != null) {
            PlainChunks.useMemory(previous);
        }
    }

    private Warehouse fill(MasterKey key, int rows) {
        Warehouse wh = Warehouse.create(dir.resolve("wh"), key);
        wh.setSegmentLayout(1000, 2);
        TableDef table = WarehouseTest.createTable(wh, "t", COLUMNS);
        try (TableWriter writer = wh.newWriter(table)) {
            for (long i = 0; i < rows; i++) {
                writer.append(new Object[] {i, "person-" + i + "-" + "x".repeat((int) (i % 200))});
            }
            writer.commit();
        }
        return wh;
    }

    private static TableDef table(Warehouse wh) {
        return wh.catalog().requireTable(new dev.veil.catalog.TableName("s", "t"));
    }

    @Test
    void aWarmScanOpensNoChunkAgainAndReadsTheSameRows() {
        try (Warehouse wh = fill(MasterKey.random(), 20_000)) {
            List<Object[]> cold = WarehouseTest.readAll(wh, table(wh), new int[] {0, 1});
            long chunks = wh.keys().plainChunks().size();
            assertTrue(chunks > 10, "chunks cached: " + chunks);
            assertEquals(chunks, takes.get());
            assertEquals(chunks * EncryptedFiles.CHUNK, taken.get());
            List<Object[]> warm = WarehouseTest.readAll(wh, table(wh), new int[] {0, 1});
            assertEquals(chunks, takes.get(), "a warm scan took no new chunk");
            assertEquals(cold.size(), warm.size());
            for (int i = 0; i < cold.size(); i++) {
                assertEquals(Arrays.toString(cold.get(i)), Arrays.toString(warm.get(i)));
            }
        }
        assertEquals(0, taken.get(), "closing the warehouse gives every chunk's memory back");
    }

    @Test
    void filesSwappedOrCutUnderAnOpenWarehouseStillFailAuthentication() throws IOException {
        try (Warehouse wh = fill(MasterKey.random(), 20_000)) {
            assertEquals(
                    20_000,
                    WarehouseTest.readAll(wh, table(wh), new int[] {0, 1}).size());
            List<Path> segments = segments(wh.root());
            Path first = segments.get(0);
            byte[] original = Files.readAllBytes(first);
            Files.copy(segments.get(1), first, StandardCopyOption.REPLACE_EXISTING);
            VeilException swapped =
                    assertThrows(VeilException.class, () -> WarehouseTest.readAll(wh, table(wh), new int[] {0}));
            assertEquals(ErrorCode.STORAGE_CORRUPTED, swapped.errorCode());

            Files.write(first, Arrays.copyOf(original, original.length - 16 - EncryptedFiles.CHUNK / 2));
            assertEquals(
                    ErrorCode.STORAGE_CORRUPTED,
                    assertThrows(VeilException.class, () -> WarehouseTest.readAll(wh, table(wh), new int[] {0}))
                            .errorCode());

            Files.write(first, original);
            assertEquals(
                    20_000, WarehouseTest.readAll(wh, table(wh), new int[] {0}).size());
        }
    }

    @Test
    void deletedFilesLeaveTheCache() {
        try (Warehouse wh = fill(MasterKey.random(), 5_000)) {
            WarehouseTest.readAll(wh, table(wh), new int[] {0, 1});
            assertTrue(wh.keys().plainChunks().size() > 0);
            wh.catalog().dropTable(table(wh).name(), false);
            assertTrue(wh.collectGarbage() > 0);
            assertEquals(0, wh.keys().plainChunks().size());
            assertEquals(0, wh.keys().plainChunks().bytes());
            assertEquals(0, taken.get());
        }
    }

    @Test
    void aFullMemorySourceCachesNothingAndReclaimGivesMemoryBack() {
        try (Warehouse wh = fill(MasterKey.random(), 20_000)) {
            limit = 0;
            assertEquals(
                    20_000,
                    WarehouseTest.readAll(wh, table(wh), new int[] {0, 1}).size());
            assertEquals(0, wh.keys().plainChunks().size());

            limit = Long.MAX_VALUE;
            WarehouseTest.readAll(wh, table(wh), new int[] {0, 1});
            long held = taken.get();
            assertTrue(held > 0);
            long freed = PlainChunks.reclaimAll(EncryptedFiles.CHUNK);
            assertTrue(freed >= EncryptedFiles.CHUNK && freed >= held / 8 - EncryptedFiles.CHUNK, "freed " + freed);
            assertEquals(held - freed, taken.get());
            assertEquals(held - freed, wh.keys().plainChunks().bytes());
            PlainChunks.reclaimAll(Long.MAX_VALUE);
            assertEquals(0, taken.get());
            assertEquals(
                    20_000,
                    WarehouseTest.readAll(wh, table(wh), new int[] {0, 1}).size());
        }
    }

    private static List<Path> segments(Path root) throws IOException {
        try (var files = Files.walk(root.resolve("data"))) {
            return files.filter(f -> f.toString().endsWith(".arrow")).sorted().toList();
        }
    }
}
