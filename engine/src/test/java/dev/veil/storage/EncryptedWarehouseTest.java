package dev.veil.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.SegmentInfo;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.catalog.VeilType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Encrypted segments and catalog: reads equal writes, tampering and swapping fail, rekey survives kill -9. */
class EncryptedWarehouseTest {
    private static final List<Column> COLUMNS = List.of(
            new Column("id", ColumnType.of(VeilType.BIGINT), false),
            new Column("name", ColumnType.of(VeilType.VARCHAR), true));

    @TempDir
    Path dir;

    private Path fill(MasterKey key, int rows, int batchRows, int batchesPerSegment) {
        Path root = dir.resolve("wh");
        try (Warehouse wh = Warehouse.create(root, key)) {
            wh.setSegmentLayout(batchRows, batchesPerSegment);
            TableDef table = WarehouseTest.createTable(wh, "t", COLUMNS);
            try (TableWriter writer = wh.newWriter(table)) {
                for (long i = 0; i < rows; i++) {
                    writer.append(new Object[] {
                        i, i % 13 == 0 ? null : "person-" + i + "-" + "x".repeat((int) (i % 300))
                    });
                }
                writer.commit();
            }
        }
        return root;
    }

    private static List<Object[]> read(Path root, MasterKey key, int... columns) {
        try (Warehouse wh = Warehouse.open(root, WarehouseKeys.given(key))) {
            TableDef table = wh.catalog().requireTable(new TableName("s", "t"));
            return WarehouseTest.readAll(wh, table, columns);
        }
    }

    @Test
    void projectedReadsOfAnEncryptedWarehouseReturnWhatWasWritten() {
        MasterKey key = MasterKey.random();
        Path root = fill(key, 50_000, 4096, 3);
        List<Object[]> both = read(root, key, 0, 1);
        assertEquals(50_000, both.size());
        for (int i = 0; i < both.size(); i += 997) {
            assertEquals((long) i, both.get(i)[0]);
            assertEquals(
                    i % 13 == 0 ? null : "person-" + i + "-" + "x".repeat(i % 300),
                    String.valueOf(both.get(i)[1]).equals("null") ? null : both.get(i)[1].toString());
        }
        List<Object[]> names = read(root, key, 1);
        assertEquals(both.get(49_999)[1].toString(), names.get(49_999)[0].toString());
    }

    @Test
    void aChangedByteOrASwappedSegmentFailsAuthentication() throws IOException {
        MasterKey key = MasterKey.random();
        Path root = fill(key, 20_000, 1000, 2);
        List<Path> segments = segments(root);
        assertTrue(segments.size() >= 2);
        // Swap: one segment's bytes under another's name (same table, same key, same layout).
        Path first = segments.get(0);
        byte[] original = Files.readAllBytes(first);
        Files.copy(segments.get(1), first, StandardCopyOption.REPLACE_EXISTING);
        VeilException swapped = assertThrows(VeilException.class, () -> read(root, key, 0));
        assertEquals(ErrorCode.STORAGE_CORRUPTED, swapped.errorCode());
        assertTrue(swapped.getMessage().contains("fails authentication"), swapped.getMessage());

        Files.write(first, original);
        assertEquals(20_000, read(root, key, 0).size());
        byte[] flipped = original.clone();
        flipped[flipped.length / 2] ^= 1;
        Files.write(first, flipped);
        VeilException changed = assertThrows(VeilException.class, () -> read(root, key, 0, 1));
        assertEquals(ErrorCode.STORAGE_CORRUPTED, changed.errorCode());

        Files.write(first, java.util.Arrays.copyOf(original, original.length - 16 - 65536 / 2));
        assertEquals(
                ErrorCode.STORAGE_CORRUPTED,
                assertThrows(VeilException.class, () -> read(root, key, 0)).errorCode());
    }

    @Test
    void wrongAndMissingKeysFailAtOpen() {
        MasterKey key = MasterKey.random();
        Path root = fill(key, 100, 10, 1);
        assertEquals(
                ErrorCode.ENCRYPTION_KEY_WRONG,
                assertThrows(VeilException.class, () -> Warehouse.open(root, WarehouseKeys.given(MasterKey.random())))
                        .errorCode());
        assertEquals(
                ErrorCode.ENCRYPTION_KEY_REQUIRED,
                assertThrows(VeilException.class, () -> Warehouse.open(root, WarehouseKeys.NONE))
                        .errorCode());
        assertEquals(100, read(root, key, 0).size());
    }

    /**
     * kill -9 of {@code veil rekey --new-key-file} at random moments: the warehouse always opens with
     * exactly one of the old and new keys (the old one until the new key ring's rename, the new one
     * after) and gives the same rows.
     */
    @Test
    void killedMasterRekeyLeavesAWarehouseThatOpensWithTheOldOrTheNewKey() throws Exception {
        MasterKey key = MasterKey.random();
        Path root = fill(key, 3000, 100, 1);
        List<Object[]> expected = read(root, key, 0, 1);
        Path oldKey = dir.resolve("old.key");
        Files.writeString(oldKey, java.util.Base64.getEncoder().encodeToString(key.bytes()));
        Random random = new Random(7);
        MasterKey current = key;
        int sawOld = 0;
        int sawNew = 0;
        for (int round = 0; round < 4; round++) {
            Path currentFile = dir.resolve("current-" + round + ".key");
            Files.writeString(currentFile, java.util.Base64.getEncoder().encodeToString(current.bytes()));
            Path next = dir.resolve("next-" + round + ".key");
            Process child = veil(
                    "rekey",
                    "--warehouse",
                    root.toString(),
                    "--key-file",
                    currentFile.toString(),
                    "--new-key-file",
                    next.toString());
            Thread.sleep(200 + random.nextInt(1500));
            child.destroyForcibly();
            assertTrue(child.waitFor(30, TimeUnit.SECONDS));
            boolean newOpens = Files.exists(next) && opens(root, MasterKey.fromFile(next));
            boolean oldOpens = opens(root, current);
            assertTrue(newOpens ^ oldOpens, "exactly one key opens it (old " + oldOpens + ", new " + newOpens + ")");
            current = newOpens ? MasterKey.fromFile(next) : current;
            if (newOpens) {
                sawNew++;
            } else {
                sawOld++;
            }
            assertRowsEqual(expected, read(root, current, 0, 1));
        }
        assertEquals(4, sawOld + sawNew);
    }

    /**
     * kill -9 of {@code veil rekey --data} part way through rewriting segments: the warehouse opens
     * with the (unchanged) master key and gives the same rows; running it again completes it.
     */
    @Test
    void killedDataRekeyLeavesAWarehouseThatOpensAndCanBeRekeyedAgain() throws Exception {
        MasterKey key = MasterKey.random();
        Path root = fill(key, 30_000, 100, 1);
        List<Object[]> expected = read(root, key, 0, 1);
        Path keyFile = dir.resolve("k");
        Files.writeString(keyFile, java.util.HexFormat.of().formatHex(key.bytes()));
        FileTime keysBefore = Files.getLastModifiedTime(root.resolve(Keyring.FILE_NAME));
        Process child = veil("rekey", "--warehouse", root.toString(), "--key-file", keyFile.toString(), "--data");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        // Wait until the key ring has grown (the first step), then kill it among the segment rewrites.
        while (System.nanoTime() < deadline
                && child.isAlive()
                && Files.getLastModifiedTime(root.resolve(Keyring.FILE_NAME)).equals(keysBefore)) {
            Thread.sleep(5);
        }
        Thread.sleep(50);
        boolean killedMidway = child.isAlive();
        child.destroyForcibly();
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertRowsEqual(expected, read(root, key, 0, 1));
        assertTrue(killedMidway, "the rewrite of 300 segments should outlast 50 ms");
        Process again = veil("rekey", "--warehouse", root.toString(), "--key-file", keyFile.toString(), "--data");
        assertTrue(again.waitFor(120, TimeUnit.SECONDS));
        assertEquals(0, again.exitValue());
        assertRowsEqual(expected, read(root, key, 0, 1));
        try (Warehouse wh = Warehouse.open(root, WarehouseKeys.given(key))) {
            assertEquals(1, wh.keys().keyringSize());
        }
    }

    private static boolean opens(Path root, MasterKey key) {
        try (Warehouse wh = Warehouse.open(root, WarehouseKeys.given(key))) {
            return true;
        } catch (VeilException e) {
            assertEquals(ErrorCode.ENCRYPTION_KEY_WRONG, e.errorCode(), e.getMessage());
            return false;
        }
    }

    private static void assertRowsEqual(List<Object[]> expected, List<Object[]> actual) {
        assertEquals(expected.size(), actual.size());
        for (int i = 0; i < expected.size(); i++) {
            assertArrayEquals(
                    java.util.Arrays.stream(expected.get(i))
                            .map(String::valueOf)
                            .toArray(),
                    java.util.Arrays.stream(actual.get(i)).map(String::valueOf).toArray());
        }
    }

    private static Process veil(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.veil.cli.Main"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.redirectError(ProcessBuilder.Redirect.DISCARD);
        builder.environment().remove(MasterKey.KEY_FILE_VARIABLE);
        builder.environment().remove(MasterKey.KEY_COMMAND_VARIABLE);
        return builder.start();
    }

    private static List<Path> segments(Path root) throws IOException {
        try (var files = Files.walk(root.resolve("data"))) {
            return files.filter(f -> f.toString().endsWith(".arrow")).sorted().toList();
        }
    }

    static List<String> paths(List<SegmentInfo> segments) {
        return segments.stream().map(SegmentInfo::path).toList();
    }
}
