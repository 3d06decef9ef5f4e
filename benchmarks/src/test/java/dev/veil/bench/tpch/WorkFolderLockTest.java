package dev.veil.bench.tpch;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkFolderLockTest {
    @TempDir
    Path dir;

    @Test
    void aSecondRunOverTheSameFolderAndScaleFactorFailsUntilTheFirstEnds() throws IOException {
        try (WorkFolderLock first = WorkFolderLock.acquire(dir, "1")) {
            IOException e = assertThrows(IOException.class, () -> WorkFolderLock.acquire(dir, "1"));
            assertTrue(e.getMessage().contains("Another benchmark run is using"), e.getMessage());
            assertTrue(e.getMessage().contains("--work"), e.getMessage());
            // Another scale factor's scratch databases have other names.
            try (WorkFolderLock other = WorkFolderLock.acquire(dir, "0.1")) {
                assertTrue(other != null);
            }
        }
        try (WorkFolderLock again = WorkFolderLock.acquire(dir, "1")) {
            assertTrue(again != null);
        }
    }
}
