package dev.veil.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The encrypted catalog's base image and log of changed blocks: what a commit writes, and what survives. */
class EncryptedCatalogImageTest {
    @TempDir
    Path dir;

    private final Keyring keyring = Keyring.fresh();

    private EncryptedCatalogImage image() {
        return new EncryptedCatalogImage(dir.resolve("veil.db"), () -> keyring);
    }

    private static byte[] randomImage(Random random, int size) {
        byte[] b = new byte[size];
        random.nextBytes(b);
        return b;
    }

    @Test
    void aCommitAppendsOnlyTheBlocksItChangedAndALoadReplaysThem() throws IOException {
        Random random = new Random(1);
        EncryptedCatalogImage image = image();
        assertEquals(0, image.load().length);
        byte[] v1 = randomImage(random, 100 * EncryptedCatalogImage.BLOCK + 123);
        image.store(v1);
        byte[] base = Files.readAllBytes(dir.resolve("veil.db"));
        byte[] v2 = v1.clone();
        v2[5 * EncryptedCatalogImage.BLOCK + 7] ^= 1;
        image.store(v2);
        long oneBlock = image.logBytes();
        assertTrue(
                oneBlock < 2 * EncryptedCatalogImage.BLOCK, "one changed block appends about one block: " + oneBlock);
        byte[] v3 = java.util.Arrays.copyOf(v2, v2.length + 3 * EncryptedCatalogImage.BLOCK);
        v3[v3.length - 1] = 42;
        image.store(v3);
        byte[] v4 = java.util.Arrays.copyOf(v3, 10 * EncryptedCatalogImage.BLOCK + 5);
        image.store(v4);
        image.store(v4.clone()); // no change: nothing appended
        assertArrayEquals(base, Files.readAllBytes(dir.resolve("veil.db")), "the base is not rewritten per commit");
        assertArrayEquals(v4, image().load());
        // The plain bytes are nowhere on disk.
        byte[] log = Files.readAllBytes(EncryptedCatalogImage.logFile(dir.resolve("veil.db")));
        assertFalse(contains(
                log,
                java.util.Arrays.copyOfRange(
                        v2, 5 * EncryptedCatalogImage.BLOCK, 5 * EncryptedCatalogImage.BLOCK + 64)));
        // A reopened image goes on appending after the records it read.
        EncryptedCatalogImage reopened = image();
        reopened.load();
        byte[] v5 = v4.clone();
        v5[0] ^= 1;
        reopened.store(v5);
        assertArrayEquals(v5, image().load());
    }

    @Test
    void aRecordCutShortIsACommitThatNeverReturnedAndATamperedOneFails() throws IOException {
        Random random = new Random(2);
        EncryptedCatalogImage image = image();
        image.load();
        byte[] v1 = randomImage(random, 20 * EncryptedCatalogImage.BLOCK);
        image.store(v1);
        byte[] v2 = v1.clone();
        v2[3] ^= 1;
        image.store(v2);
        byte[] v3 = v2.clone();
        v3[9 * EncryptedCatalogImage.BLOCK] ^= 1;
        image.store(v3);
        Path log = EncryptedCatalogImage.logFile(dir.resolve("veil.db"));
        byte[] whole = Files.readAllBytes(log);
        // Cut within the last record: the load gives v2 and cuts the log back to its last whole record.
        Files.write(log, java.util.Arrays.copyOf(whole, whole.length - 10));
        assertArrayEquals(v2, image().load());
        long cut = Files.size(log);
        assertTrue(cut < whole.length - 10);
        EncryptedCatalogImage again = image();
        again.load();
        again.store(v3);
        assertArrayEquals(v3, image().load());
        // A changed byte inside a whole record fails its tag.
        byte[] now = Files.readAllBytes(log);
        now[EncryptedCatalogImage.LOG_HEADER + 20] ^= 1;
        Files.write(log, now);
        VeilException e = assertThrows(VeilException.class, () -> image().load());
        assertEquals(ErrorCode.STORAGE_CORRUPTED, e.errorCode());
        // A record dropped from the middle shifts the nonces of the rest: fails too.
        Files.write(log, whole);
        int first = EncryptedCatalogImage.LOG_HEADER;
        int firstLength = 4 + java.nio.ByteBuffer.wrap(whole, first, 4).getInt();
        byte[] dropped = new byte[whole.length - firstLength];
        System.arraycopy(whole, 0, dropped, 0, first);
        System.arraycopy(whole, first + firstLength, dropped, first, whole.length - first - firstLength);
        Files.write(log, dropped);
        assertEquals(
                ErrorCode.STORAGE_CORRUPTED,
                assertThrows(VeilException.class, () -> image().load()).errorCode());
    }

    @Test
    void aGrownLogIsFoldedIntoANewBaseAndAnOldLogIsNeverReplayedOverIt() throws IOException {
        Random random = new Random(3);
        EncryptedCatalogImage image = image();
        image.load();
        byte[] v = randomImage(random, 256 * EncryptedCatalogImage.BLOCK);
        image.store(v);
        Path log = EncryptedCatalogImage.logFile(dir.resolve("veil.db"));
        byte[] oldLog = null;
        byte[] baseBefore = Files.readAllBytes(dir.resolve("veil.db"));
        boolean folded = false;
        for (int i = 0; i < 12 && !folded; i++) {
            v = randomImage(random, v.length); // every block changes
            if (i == 0) {
                image.store(v);
                oldLog = Files.readAllBytes(log);
                continue;
            }
            image.store(v);
            folded = !java.util.Arrays.equals(baseBefore, Files.readAllBytes(dir.resolve("veil.db")));
        }
        assertTrue(folded, "a log larger than the base (and 4 MiB) is folded into a new base");
        assertTrue(image.logBytes() < EncryptedCatalogImage.MIN_COMPACT_BYTES);
        assertArrayEquals(v, image().load());
        // The old log, put back over the new base, names another base: it is deleted, not replayed.
        Files.write(log, oldLog);
        assertArrayEquals(v, image().load());
        assertFalse(Files.exists(log));
    }

    @Test
    void storingWholeLeavesNoEarlierCommitOnDisk() throws IOException {
        Random random = new Random(4);
        EncryptedCatalogImage image = image();
        image.load();
        byte[] v1 = randomImage(random, 8 * EncryptedCatalogImage.BLOCK);
        image.store(v1);
        byte[] v2 = v1.clone();
        v2[0] ^= 1;
        image.store(v2);
        Path log = EncryptedCatalogImage.logFile(dir.resolve("veil.db"));
        assertTrue(Files.size(log) > EncryptedCatalogImage.LOG_HEADER);
        image.storeWhole(v2);
        assertEquals(EncryptedCatalogImage.LOG_HEADER, Files.size(log), "VACUUM's whole store drops the log's records");
        assertArrayEquals(v2, image().load());
    }

    /**
     * kill -9 of a process committing catalog writes in a loop, synced ones (schemas) and unsynced
     * ones (audit records, {@code SqliteCatalog.writeLogUnsynced}) in turn: every write it reported
     * as returned is in the catalog when the warehouse is opened again, and the warehouse opens.
     * (Only a power failure may lose an unsynced commit; a process that dies does not.)
     */
    @Test
    void killedWhileCommittingKeepsEveryReturnedCommit() throws Exception {
        killedWhileCommitting(true);
    }

    /** The same for a plain warehouse, whose catalog is a SQLite file in WAL mode. */
    @Test
    void killedWhileCommittingKeepsEveryReturnedCommitOfAPlainCatalog() throws Exception {
        killedWhileCommitting(false);
    }

    private void killedWhileCommitting(boolean encrypted) throws Exception {
        MasterKey key = MasterKey.random();
        Path root = dir.resolve("wh");
        try (Warehouse wh = encrypted ? Warehouse.create(root, key) : Warehouse.create(root)) {
            wh.catalog().createSchema("start", true);
        }
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                CatalogWriter.class.getName(),
                root.toString(),
                encrypted ? HexFormat.of().formatHex(key.bytes()) : "-");
        Process child = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        List<String> returned = new ArrayList<>();
        try (BufferedReader out =
                new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while (returned.size() < 300 && (line = out.readLine()) != null) {
                returned.add(line);
            }
            child.destroyForcibly();
        }
        assertTrue(child.waitFor(30, TimeUnit.SECONDS));
        assertEquals(300, returned.size(), "the writer reported 300 commits before it was killed");
        try (Warehouse wh = encrypted ? Warehouse.open(root, WarehouseKeys.given(key)) : Warehouse.open(root)) {
            java.util.Set<String> audited = new java.util.HashSet<>();
            for (dev.veil.audit.AuditEntry e : new dev.veil.audit.AuditLog(wh.sqliteCatalog()).entries()) {
                audited.add(e.statement());
            }
            for (String written : returned) {
                if (!written.startsWith("statement ")) {
                    assertTrue(wh.catalog().schemaExists(written), "a returned commit was lost: " + written);
                } else {
                    assertTrue(audited.contains(written), "a returned unsynced commit was lost: " + written);
                }
            }
            wh.catalog().createSchema("after", true);
        }
        try (Warehouse wh = encrypted ? Warehouse.open(root, WarehouseKeys.given(key)) : Warehouse.open(root)) {
            assertTrue(wh.catalog().schemaExists("after"));
        }
    }

    /**
     * The child of {@link #killedWhileCommitting}: commits schemas (synced) and audit records
     * (unsynced) in turn, and names each once it returned; {@code -} instead of a key opens a plain
     * warehouse.
     */
    public static final class CatalogWriter {
        public static void main(String[] args) {
            Path root = Path.of(args[0]);
            try (Warehouse wh = args[1].equals("-")
                    ? Warehouse.open(root)
                    : Warehouse.open(
                            root,
                            WarehouseKeys.given(MasterKey.of(HexFormat.of().parseHex(args[1]))))) {
                dev.veil.audit.AuditLog audit = new dev.veil.audit.AuditLog(wh.sqliteCatalog());
                for (int i = 0; ; i++) {
                    String name = "s" + i;
                    wh.catalog().createSchema(name, true);
                    System.out.println(name);
                    String text = "statement " + i;
                    audit.record(
                            "ana", dev.veil.audit.StatementKind.QUERY, text, dev.veil.audit.Decision.ALLOWED, null);
                    System.out.println(text);
                    System.out.flush();
                }
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
