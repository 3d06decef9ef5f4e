package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.SqliteCatalog;
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
    /** The catalog that holds the key instead of {@link #file} (an encrypted warehouse), or null. */
    private final SqliteCatalog catalog;

    private volatile String id;

    private MaskKey(Path file, SqliteCatalog catalog) {
        this.file = file;
        this.catalog = catalog;
    }

    /**
     * The key of the warehouse in {@code warehouseRoot} whose catalog is {@code catalog}: in an
     * encrypted warehouse (a catalog held in memory and stored encrypted) the key lives in the
     * catalog's table {@code mask_key}, so it is encrypted at rest with it; otherwise in the file
     * {@value #FILE_NAME}.
     */
    public static MaskKey of(Path warehouseRoot, SqliteCatalog catalog) {
        requireNonNull(catalog, "catalog is null");
        return catalog.inMemory() ? new MaskKey(null, catalog) : of(warehouseRoot);
    }

    /** The key of the warehouse in {@code warehouseRoot}; the file is read or created on first use. */
    public static MaskKey of(Path warehouseRoot) {
        return new MaskKey(
                requireNonNull(warehouseRoot, "warehouseRoot is null").resolve(FILE_NAME), null);
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
        if (catalog != null) {
            return catalog.write(MaskKey::loadOrCreate);
        }
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

    private static byte[] loadOrCreate(java.sql.Connection c) throws java.sql.SQLException {
        try (java.sql.PreparedStatement ps = c.prepareStatement("SELECT secret FROM mask_key WHERE id = 1");
                java.sql.ResultSet rs = ps.executeQuery()) {
            if (rs.next()) {
                return rs.getBytes(1);
            }
        }
        byte[] key = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(key);
        try (java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO mask_key (id, secret) VALUES (1, ?)")) {
            ps.setBytes(1, key);
            ps.executeUpdate();
        }
        return key;
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
