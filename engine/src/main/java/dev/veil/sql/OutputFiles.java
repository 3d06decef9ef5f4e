package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Set;

/**
 * Files that statements write on the server ({@code EXPORT PRIVACY UNIT}, {@code COPY ... TO}).
 * The file is new: an existing file (or link) of that name is never overwritten, the file may
 * not be inside the warehouse directory, and its directory must exist. It is written under a
 * temporary name in the same directory (readable by its owner only), forced to disk, and then
 * linked to its name, which fails if the name was taken meanwhile: a reader never sees half a
 * file.
 */
final class OutputFiles {
    private static final SecureRandom RANDOM = new SecureRandom();

    private OutputFiles() {}

    /** The file to create for {@code statement} (named in messages): new, in an existing directory outside the warehouse. */
    static Path target(String file, StatementContext context, String statement) {
        if (file.isBlank()) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "The " + statement + " file name is empty");
        }
        Path target = Path.of(file).toAbsolutePath().normalize();
        Path directory = target.getParent();
        if (directory == null || !Files.isDirectory(directory)) {
            throw new VeilException(
                    ErrorCode.FILE_NOT_FOUND,
                    "The directory of the " + statement + " file '" + target + "' does not exist");
        }
        try {
            Path realDirectory = directory.toRealPath();
            Path warehouse = context.warehouse().root().toRealPath();
            if (realDirectory.startsWith(warehouse)) {
                throw new VeilException(
                        ErrorCode.ACCESS_DENIED,
                        statement + " cannot write into the warehouse directory '" + warehouse
                                + "'; choose a directory outside it");
            }
            Path real = realDirectory.resolve(target.getFileName());
            if (Files.exists(real, LinkOption.NOFOLLOW_LINKS)) {
                throw exists(real, statement);
            }
            return real;
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR,
                    "Cannot resolve the " + statement + " file '" + target + "': " + e.getMessage(),
                    e);
        }
    }

    /** A fresh hidden name beside {@code target} for the file (or folder) being written. */
    static Path temporary(Path target) {
        return target.getParent()
                .resolve("." + target.getFileName() + "." + HexFormat.of().toHexDigits(RANDOM.nextLong()) + ".tmp");
    }

    /** Creates {@code temp} for writing, readable by its owner only. */
    static FileChannel create(Path temp) throws IOException {
        try {
            return FileChannel.open(
                    temp,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /**
     * Forces the written {@code temp} to disk and gives it the name {@code target}, failing with
     * ALREADY_EXISTS if that name was taken meanwhile; the temporary name is removed.
     */
    static void publish(Path temp, Path target, String statement) {
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.READ)) {
                channel.force(true);
            }
            try {
                Files.createLink(target, temp);
            } catch (UnsupportedOperationException e) {
                Files.move(temp, target); // fails if the target exists; no hard links on this file system
            }
            Files.deleteIfExists(temp);
            forceDirectory(target.getParent());
        } catch (FileAlreadyExistsException e) {
            throw exists(target, statement);
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR,
                    "Cannot write the " + statement + " file '" + target + "': " + e.getMessage(),
                    e);
        }
    }

    /** Removes a temporary file or folder that is left after a failure; a leftover's name says what it is. */
    static void deleteQuietly(Path temp) {
        try {
            if (Files.isDirectory(temp, LinkOption.NOFOLLOW_LINKS)) {
                try (var files = Files.list(temp)) {
                    for (Path f : files.toList()) {
                        Files.deleteIfExists(f);
                    }
                }
            }
            Files.deleteIfExists(temp);
        } catch (IOException ignored) {
            // A stray temporary file; its name says what it is.
        }
    }

    private static VeilException exists(Path target, String statement) {
        return new VeilException(
                ErrorCode.ALREADY_EXISTS,
                "The file '" + target + "' exists; " + statement + " never overwrites a file: choose a new name");
    }

    private static void forceDirectory(Path directory) {
        try (FileChannel channel = FileChannel.open(directory, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            // Not every platform can force a directory; the file itself is forced.
        }
    }
}
