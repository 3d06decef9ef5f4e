package dev.veil.cli;

import static dev.veil.cli.EncryptionCommandTest.veil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.cli.EncryptionCommandTest.Run;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code veil init} is all or nothing: a failure leaves no half-made warehouse, key file or folder behind. */
class InitCommandTest {
    @TempDir
    Path dir;

    private List<String> listing(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.map(p -> folder.relativize(p).toString()).sorted().toList();
        }
    }

    @Test
    void tooShortPasswordCreatesNothing() throws IOException {
        Path shortPassword = dir.resolve("short.password");
        Files.writeString(shortPassword, "short\n");
        List<String> before = listing(dir);

        Run plain = veil(
                "init",
                "--warehouse",
                dir.resolve("a/b/wh").toString(),
                "--admin-password-file",
                shortPassword.toString());
        assertNotEquals(0, plain.status());
        assertTrue(plain.err().contains("INVALID_ARGUMENT") && plain.err().contains("at least 12"), plain.err());

        Run encrypted = veil(
                "init",
                "--warehouse",
                dir.resolve("enc").toString(),
                "--encrypt",
                "--new-key-file",
                dir.resolve("new.key").toString(),
                "--admin-password-file",
                shortPassword.toString());
        assertNotEquals(0, encrypted.status());
        assertTrue(encrypted.err().contains("at least 12"), encrypted.err());
        assertEquals(before, listing(dir), "no folder, warehouse or key file was made");

        // An existing empty folder stays, empty.
        Path empty = Files.createDirectory(dir.resolve("empty"));
        assertNotEquals(
                0,
                veil("init", "--warehouse", empty.toString(), "--admin-password-file", shortPassword.toString())
                        .status());
        assertTrue(Files.isDirectory(empty));
        assertEquals(List.of(""), listing(empty));
    }

    @Test
    void failureMidwayRemovesWhatInitMadeAndKeepsWhatWasThere() throws IOException {
        Path password = dir.resolve("admin.password");
        Files.writeString(password, "a long admin password\n");
        // The folder exists and holds a (non-empty) folder where init's lock file has to go: the
        // warehouse is built aside, then moving it in fails part way.
        Path wh = Files.createDirectory(dir.resolve("wh"));
        Files.createDirectory(wh.resolve("veil.lock"));
        Files.writeString(wh.resolve("veil.lock").resolve("keep.txt"), "mine");
        Files.writeString(wh.resolve("notes.txt"), "also mine");
        List<String> before = listing(dir);

        Run run = veil(
                "init",
                "--warehouse",
                wh.toString(),
                "--encrypt",
                "--new-key-file",
                dir.resolve("new.key").toString(),
                "--admin-password-file",
                password.toString());
        assertNotEquals(0, run.status());
        assertTrue(run.err().contains("STORAGE_IO_ERROR"), run.err());
        assertEquals(before, listing(dir), "the warehouse's files, the staging folder and the key file are gone");
        assertEquals("mine", Files.readString(wh.resolve("veil.lock").resolve("keep.txt")));

        // Once the obstacle is gone the same command works, and the folder's own file stays.
        Files.delete(wh.resolve("veil.lock").resolve("keep.txt"));
        Files.delete(wh.resolve("veil.lock"));
        Run again = veil(
                "init",
                "--warehouse",
                wh.toString(),
                "--encrypt",
                "--new-key-file",
                dir.resolve("new.key").toString(),
                "--admin-password-file",
                password.toString());
        assertEquals(0, again.status(), again.err());
        assertTrue(Files.exists(wh.resolve("veil.db")));
        assertTrue(Files.exists(wh.resolve("notes.txt")));
        assertTrue(Files.exists(dir.resolve("new.key")));
        try (Stream<Path> siblings = Files.list(dir)) {
            assertFalse(siblings.anyMatch(p -> p.getFileName().toString().contains("veil-init")), "no staging left");
        }
        Run query = veil(
                "sql",
                "--warehouse",
                wh.toString(),
                "--key-file",
                dir.resolve("new.key").toString(),
                "-e",
                "SELECT 1");
        assertEquals(0, query.status(), query.err());

        // A second init over it is refused before anything is touched.
        Run twice = veil("init", "--warehouse", wh.toString(), "--admin-password-file", password.toString());
        assertNotEquals(0, twice.status());
        assertTrue(twice.err().contains("ALREADY_EXISTS"), twice.err());
    }
}
