package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.CatalogImage;
import dev.veil.catalog.SqliteCatalog;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The keys of an open encrypted warehouse: its master key and {@link Keyring}, the encrypting and
 * decrypting channels of its segment files, the encrypted image of its catalog, and key rotation.
 * Also where a process finds the master key of a warehouse it opens ({@link #lookup}).
 */
public final class WarehouseKeys {
    /** Where the master key for opening a warehouse comes from. */
    public static final class Source {
        private final Supplier<Optional<MasterKey>> supplier;
        private final boolean explicit;
        private Optional<MasterKey> resolved;

        private Source(Supplier<Optional<MasterKey>> supplier, boolean explicit) {
            this.supplier = supplier;
            this.explicit = explicit;
        }

        /** The key, obtained on first call (a key command runs only if the warehouse is encrypted). */
        public synchronized Optional<MasterKey> key() {
            if (resolved == null) {
                resolved = requireNonNull(supplier.get(), "key");
            }
            return resolved;
        }

        /** Whether the key was given for this warehouse in particular (not by the environment). */
        boolean explicit() {
            return explicit;
        }
    }

    /** No key: only plain warehouses open. */
    public static final Source NONE = new Source(Optional::empty, false);

    private static final Map<Path, MasterKey> REGISTERED = new ConcurrentHashMap<>();

    private final Path root;
    private volatile MasterKey master;
    private volatile Keyring keyring;
    private final PlainChunks plainChunks = new PlainChunks();

    private WarehouseKeys(Path root, MasterKey master, Keyring keyring) {
        this.root = root;
        this.master = master;
        this.keyring = keyring;
    }

    /** A key given for one warehouse (a {@code --key-file}). */
    public static Source given(MasterKey key) {
        requireNonNull(key, "key is null");
        return new Source(() -> Optional.of(key), true);
    }

    /** The key named by the environment ({@link MasterKey#fromEnvironment}), if any. */
    public static Source fromEnvironment() {
        return new Source(() -> MasterKey.fromEnvironment(System.getenv()), false);
    }

    /**
     * Notes {@code key} as the master key of the warehouse in {@code directory} for this process:
     * {@link Warehouse#open(Path)} (and so the embedded driver and the server) then use it. The
     * command line registers its {@code --key-file} here.
     */
    public static void register(Path directory, MasterKey key) {
        REGISTERED.put(directory.toAbsolutePath().normalize(), requireNonNull(key, "key is null"));
    }

    /** Forgets the key {@link #register registered} for {@code directory}, if any. */
    public static void forget(Path directory) {
        REGISTERED.remove(directory.toAbsolutePath().normalize());
    }

    /** The key registered for {@code directory}, else the environment's. */
    static Source lookup(Path directory) {
        MasterKey key = REGISTERED.get(directory.toAbsolutePath().normalize());
        return key != null ? given(key) : fromEnvironment();
    }

    /** Whether the warehouse in {@code root} is encrypted (it has a key ring, or an encrypted catalog). */
    static boolean isEncrypted(Path root) {
        try {
            return Keyring.exists(root) || EncryptedFiles.isEncrypted(root.resolve(SqliteCatalog.FILE_NAME));
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot read the catalog of '" + root + "': " + e.getMessage(), e);
        }
    }

    static WarehouseKeys create(Path root, MasterKey master) {
        Keyring keyring = Keyring.fresh();
        keyring.write(root, master);
        return new WarehouseKeys(root, master, keyring);
    }

    static WarehouseKeys open(Path root, MasterKey master) {
        if (!Keyring.exists(root)) {
            throw new VeilException(
                    ErrorCode.STORAGE_CORRUPTED,
                    "Warehouse '" + root + "' has an encrypted catalog but no key ring (" + Keyring.FILE_NAME
                            + "); restore it from a backup");
        }
        return new WarehouseKeys(root, master, Keyring.read(root, master));
    }

    /**
     * The catalog's durable image: {@code file}, encrypted under the current data key, and the log of
     * later commits next to it ({@link EncryptedCatalogImage}).
     */
    CatalogImage catalogImage(Path file) {
        return new EncryptedCatalogImage(file, () -> keyring);
    }

    /** A channel that encrypts what is written to {@code out}, the new file {@code name}. */
    EncryptingChannel encrypting(FileChannel out, String name) throws IOException {
        return new EncryptingChannel(out, keyring.current(), name);
    }

    /** A channel that reads the plain bytes of the encrypted file {@code name} open in {@code in}. */
    DecryptingChannel decrypting(FileChannel in, String name) throws IOException {
        return new DecryptingChannel(in, keyring, name);
    }

    /**
     * A channel that reads the plain bytes of the segment file {@code name} open in {@code in}, at
     * {@code path} in the warehouse, through the warehouse's cache of decrypted chunks.
     */
    DecryptingChannel decryptingSegment(FileChannel in, String name, String path) throws IOException {
        return new DecryptingChannel(in, keyring, name, plainChunks, path);
    }

    /** Forgets the decrypted chunks of the segment file at {@code path} (it is being deleted or replaced). */
    void forget(String path) {
        plainChunks.forget(path);
    }

    /** Drops every decrypted chunk (the warehouse closes). */
    void close() {
        plainChunks.close();
    }

    /** The warehouse's cache of decrypted chunks; for tests. */
    PlainChunks plainChunks() {
        return plainChunks;
    }

    /** How many data keys the key ring holds. */
    int keyringSize() {
        return keyring.keys().size();
    }

    synchronized void rewrap(MasterKey newMaster) {
        keyring.write(root, newMaster);
        master = newMaster;
    }

    /**
     * Adds a data key, rewrites every segment file under {@code data} and the catalog with it (each
     * file: new temporary file, fsync, rename over the old one), then drops the other keys.
     */
    synchronized int rewriteData(Path data, SqliteCatalog catalog) {
        Keyring grown = keyring.withNewKey();
        grown.write(root, master);
        keyring = grown;
        List<Path> files = new ArrayList<>();
        if (Files.isDirectory(data)) {
            try (Stream<Path> all = Files.walk(data)) {
                all.filter(Files::isRegularFile)
                        .filter(f -> f.getFileName().toString().endsWith(SegmentFiles.EXTENSION))
                        .forEach(files::add);
            } catch (IOException | UncheckedIOException e) {
                throw new VeilException(ErrorCode.STORAGE_IO_ERROR, "Cannot list '" + data + "': " + e.getMessage(), e);
            }
        }
        for (Path file : files) {
            rewrite(file);
        }
        plainChunks.clear();
        catalogImage(root.resolve(SqliteCatalog.FILE_NAME)).store(catalog.serialize());
        Keyring current = keyring.retain(Set.of(keyring.current().id()));
        current.write(root, master);
        keyring = current;
        return files.size();
    }

    private void rewrite(Path file) {
        String name = file.getFileName().toString();
        Path temp = file.resolveSibling(name + SegmentFiles.TEMP_EXTENSION);
        try {
            Files.deleteIfExists(temp);
            try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                    DecryptingChannel plain = decrypting(in, name);
                    FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                EncryptingChannel sealed = encrypting(out, name);
                ByteBuffer buffer = ByteBuffer.allocate(EncryptedFiles.CHUNK);
                while (plain.read(buffer) > 0) {
                    buffer.flip();
                    sealed.write(buffer);
                    buffer.clear();
                }
                sealed.finish();
                out.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            SegmentFiles.forceDirectory(file.getParent());
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot rewrite segment " + file + ": " + e.getMessage(), e);
        }
    }
}
