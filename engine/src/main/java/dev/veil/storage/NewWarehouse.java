package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Consumer;

/**
 * Makes a new warehouse all or nothing: it is built (catalog, key ring, first objects) in a hidden
 * sibling folder, and only a complete one is moved to its place; on any failure what was built is
 * removed, as are the folders above the warehouse that this made, and a folder that existed before
 * is never removed. A warehouse folder that does not exist yet appears in one atomic rename; an
 * existing empty folder receives the few top-level entries one by one (a crash there can leave a
 * part, which {@link #check} then refuses rather than overwrite).
 */
public final class NewWarehouse {
    private static final SecureRandom RANDOM = new SecureRandom();

    private NewWarehouse() {}

    /**
     * Refuses a folder that cannot receive a new warehouse: one holding a warehouse (or part of one),
     * or a path that is not a folder. Creates nothing.
     */
    public static void check(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        if (Files.exists(root, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(root)) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "'" + root + "' exists and is not a folder");
        }
        if (Files.exists(root.resolve(Warehouse.CATALOG_FILE)) || Keyring.exists(root)) {
            throw new VeilException(ErrorCode.ALREADY_EXISTS, "A warehouse already exists in '" + root + "'");
        }
        if (Files.exists(root.resolve(Warehouse.DATA_DIRECTORY))) {
            throw new VeilException(
                    ErrorCode.ALREADY_EXISTS,
                    "'" + root + "' already holds a '" + Warehouse.DATA_DIRECTORY + "' folder; use a new or empty"
                            + " folder");
        }
    }

    /**
     * Creates the warehouse {@code dir} (encrypted under {@code masterKey} if not null), runs
     * {@code setup} on it, closes it, runs {@code beforePublish} (say, writing a new key file) and
     * moves it into place. If anything fails, nothing of it is left, and the exception is rethrown.
     */
    public static void create(Path dir, MasterKey masterKey, Consumer<Warehouse> setup, Runnable beforePublish) {
        requireNonNull(setup, "setup is null");
        requireNonNull(beforePublish, "beforePublish is null");
        Path root = dir.toAbsolutePath().normalize();
        check(root);
        Path parent = root.getParent();
        if (parent == null) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "A warehouse cannot be the file system's root");
        }
        Path createdAbove = firstMissing(parent);
        Path staging = parent.resolve(
                "." + root.getFileName() + ".veil-init-" + HexFormat.of().formatHex(randomBytes()));
        List<Path> moved = new ArrayList<>();
        try {
            Files.createDirectories(parent);
            try (Warehouse warehouse = Warehouse.create(staging, masterKey)) {
                setup.accept(warehouse);
            }
            beforePublish.run();
            if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
                Files.move(staging, root, StandardCopyOption.ATOMIC_MOVE);
                moved.add(root); // it did not exist before
            } else {
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(staging)) {
                    for (Path entry : entries) {
                        Path to = root.resolve(entry.getFileName().toString());
                        Files.move(entry, to, StandardCopyOption.ATOMIC_MOVE);
                        moved.add(to);
                    }
                }
                Files.delete(staging);
            }
            SegmentFiles.forceDirectory(parent);
        } catch (IOException | RuntimeException e) {
            undo(e, staging, moved, createdAbove);
            if (e instanceof IOException io) {
                throw new VeilException(
                        ErrorCode.STORAGE_IO_ERROR, "Cannot create warehouse '" + root + "': " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[6];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    /** The topmost folder of {@code dir}'s chain that does not exist yet (null if {@code dir} exists). */
    private static Path firstMissing(Path dir) {
        Path missing = null;
        for (Path p = dir; p != null && !Files.exists(p, LinkOption.NOFOLLOW_LINKS); p = p.getParent()) {
            missing = p;
        }
        return missing;
    }

    private static void undo(Exception failure, Path staging, List<Path> moved, Path createdAbove) {
        try {
            for (Path entry : moved) {
                deleteTree(entry);
            }
            deleteTree(staging);
            if (createdAbove != null) {
                deleteTree(createdAbove); // made by this call just now, holding nothing else
            }
        } catch (IOException | RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    private static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.delete(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null) {
                    throw e;
                }
                Files.delete(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}
