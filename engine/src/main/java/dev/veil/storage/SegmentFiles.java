package dev.veil.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.util.Locale;

/** Names of segment files and directories, and the fsync of a directory. */
final class SegmentFiles {
    static final String EXTENSION = ".arrow";
    static final String TEMP_EXTENSION = ".tmp";

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private SegmentFiles() {}

    /**
     * A new, unique segment file name: the creation time in milliseconds (so names sort by age)
     * and 64 random bits (so two writers never collide), e.g. {@code 0191b2c3d4e5f-9a1b2c3d4e5f6071.arrow}.
     */
    static String newFileName() {
        return String.format("%013x-%016x%s", System.currentTimeMillis(), RANDOM.nextLong(), EXTENSION);
    }

    /**
     * The directory name for a schema or table name: the name itself when it is a plain
     * identifier, otherwise with every other character replaced by '_'. Two names may share a
     * directory; that is harmless since the catalog records each segment's full path.
     */
    static String directoryName(String name) {
        StringBuilder b = new StringBuilder(name.length());
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            boolean plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
            b.append(plain ? c : '_');
        }
        return b.length() == 0 ? "_" : b.toString();
    }

    /**
     * Overwrites a file's bytes with zeros and forces them to the device, so that a file deleted
     * afterwards does not leave its old contents in the blocks it frees (on file systems that
     * write in place; copy-on-write file systems, snapshots and SSD wear levelling may keep them).
     */
    static void overwriteWithZeros(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            long size = channel.size();
            java.nio.ByteBuffer zeros = java.nio.ByteBuffer.allocate((int) Math.min(size, 1 << 20));
            long position = 0;
            while (position < size) {
                zeros.clear();
                zeros.limit((int) Math.min(zeros.capacity(), size - position));
                position += channel.write(zeros, position);
            }
            channel.force(true);
        } catch (java.nio.file.NoSuchFileException e) {
            // Gone already.
        }
    }

    /** Makes the directory's entries durable (a created or deleted file name survives a crash). */
    static void forceDirectory(Path directory) throws IOException {
        if (WINDOWS) {
            return; // Windows cannot open a directory as a channel; NTFS journals its metadata.
        }
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }
}
