package dev.veil.bench.tpch;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One benchmark run's hold on a work folder at one scale factor. A run generates the data there and
 * deletes and re-creates the engines' scratch databases under fixed names ({@code veil-sf1},
 * {@code duckdb-sf1}, ...), so a second run over the same folder and scale factor would delete the
 * first one's warehouse under it (seen as "segment file is missing" in the first run). The hold is an
 * exclusive lock on a file in the folder, which the operating system releases when the process ends,
 * however it ends; a second run fails at once and says what to do instead.
 */
final class WorkFolderLock implements AutoCloseable {
    private final FileChannel channel;
    private final FileLock lock;

    private WorkFolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes the hold on {@code workDir} for scale factor {@code scaleFactor} (as the folder names spell
     * it), or fails if another process has it.
     */
    static WorkFolderLock acquire(Path workDir, String scaleFactor) throws IOException {
        requireNonNull(workDir, "workDir is null");
        requireNonNull(scaleFactor, "scaleFactor is null");
        Path file = workDir.resolve(".bench-sf" + scaleFactor + ".lock");
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            // Held by this very process (another run in the same JVM, as in tests).
            lock = null;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("Another benchmark run is using " + workDir.toAbsolutePath() + " at SF "
                    + scaleFactor + " (it would delete this run's scratch databases, and this run its); wait for"
                    + " it, or pass another --work folder (the generated data can be shared: link "
                    + workDir.toAbsolutePath().resolve("tpch-sf" + scaleFactor) + " into it)");
        }
        return new WorkFolderLock(channel, lock);
    }

    @Override
    public void close() throws IOException {
        try {
            lock.release();
        } finally {
            channel.close();
        }
    }
}
