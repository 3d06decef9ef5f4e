package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The warehouse's secret key for the {@code HASH} mask: 32 random bytes in the file
 * {@value #FILE_NAME} of the warehouse directory, readable by its owner only. It is created the
 * first time a HASH mask is used and never changes, so hashed values stay joinable across queries
 * and sessions; without the key they cannot be reversed by hashing guessed values.
 *
 * <p>The key never appears in a plan, an error or a log: plans name it by its {@link #id()}, a
 * one-way fingerprint, which {@link MaskFunctions} maps back to the key in this process.
 */
public final class MaskKey {
    /** The key file's name inside the warehouse directory. */
    public static final String FILE_NAME = "mask.key";

    private static final int KEY_BYTES = 32;

    private final Path file;
    private volatile String id;

    private MaskKey(Path file) {
        this.file = file;
    }

    /** The key of the warehouse in {@code warehouseRoot}; the file is read or created on first use. */
    public static MaskKey of(Path warehouseRoot) {
        return new MaskKey(
                requireNonNull(warehouseRoot, "warehouseRoot is null").resolve(FILE_NAME));
    }

    /** The key's public name, which generated code passes to {@link MaskFunctions#hash}. */
    public String id() {
        String current = id;
        if (current == null) {
            synchronized (this) {
                if (id == null) {
                    byte[] key = loadOrCreate();
                    String fingerprint = fingerprint(key);
                    MaskFunctions.registerKey(fingerprint, key);
                    id = fingerprint;
                }
                current = id;
            }
        }
        return current;
    }

    private byte[] loadOrCreate() {
        try {
            if (!Files.exists(file)) {
                create();
            }
            byte[] key = Files.readAllBytes(file);
            if (key.length != KEY_BYTES) {
                throw new VeilException(
                        ErrorCode.STORAGE_CORRUPTED,
                        "The mask key file " + file + " is damaged (it must hold " + KEY_BYTES
                                + " bytes); restore it from a backup");
            }
            return key;
        } catch (IOException e) {
            throw new VeilException(ErrorCode.STORAGE_IO_ERROR, "Cannot read or create the mask key file " + file, e);
        }
    }

    /** Writes a new key to a temporary file, then moves it into place, so a crash leaves no partial key. */
    private void create() throws IOException {
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        Path temp = file.resolveSibling(FILE_NAME + ".tmp");
        Files.deleteIfExists(temp);
        try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            ownerOnly(temp);
            channel.write(ByteBuffer.wrap(key));
            channel.force(true);
        }
        try {
            Files.createLink(file, temp);
        } catch (FileAlreadyExistsException e) {
            // Another opener won the race; its key is the warehouse's key.
        } catch (UnsupportedOperationException | IOException e) {
            if (!Files.exists(file)) {
                Files.move(temp, file);
            }
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static void ownerOnly(Path path) throws IOException {
        try {
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the directory's permissions protect the key.
        }
    }

    private static String fingerprint(byte[] key) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update("veil mask key id".getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest.digest(key), 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
