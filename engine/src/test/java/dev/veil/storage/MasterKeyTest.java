package dev.veil.storage;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key file is written whole or not at all, owner-only, and never over another file: nothing
 * but the key file is left in its folder (no partial file that a later command could take for a
 * key), and a name already taken, even by an empty file, is refused with the file left as it was.
 */
class MasterKeyTest {
    @TempDir
    Path dir;

    @Test
    void aKeyFileHoldsTheKeyAndNothingElseIsLeft() throws IOException {
        Path file = dir.resolve("master.key");
        MasterKey key = MasterKey.generateTo(file);
        assertArrayEquals(key.bytes(), MasterKey.fromFile(file).bytes());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }

    @Test
    void aTakenNameIsRefusedAndLeftAsItWas() throws IOException {
        Path file = dir.resolve("taken.key");
        Files.createFile(file);
        VeilException e =
                assertThrows(VeilException.class, () -> MasterKey.random().writeTo(file));
        assertEquals(ErrorCode.ALREADY_EXISTS, e.errorCode());
        assertEquals(0, Files.size(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(List.of(file), files.toList());
        }
    }
}
