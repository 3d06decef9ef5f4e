package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Files that clients upload to the server for a load ({@code veil load --url}): the folder
 * {@code uploads/} of the warehouse. An upload is streamed to a new file (readable by the server's
 * user only) under its own name, in a folder named after its owner and a random id; {@code COPY s.t FROM 'upload:<id>'} by the same
 * user loads it and removes it, whether the load succeeds or not. Uploads nobody loaded are removed
 * when the server starts and after a day.
 *
 * <p>The owner is part of the name (a hash of the user name), so one user cannot load another's
 * upload even knowing its id; the id has 128 random bits, so it cannot be guessed either.
 *
 * <p>In an encrypted warehouse an upload is encrypted as it arrives, in the format of the segment
 * files ({@link EncryptedFiles}, under the current data key, its file name bound), and the CSV and
 * Arrow loaders read it through {@link #openForLoad}. Parquet is read by Arrow's native reader,
 * which takes only a plain file: an encrypted Parquet upload is decrypted into a file on a memory
 * file system ({@value #MEMORY_FOLDER}, owner-only, removed after the load) when it fits there in
 * half of the free space, and is refused otherwise; it never reaches the disk in the plain.
 */
public final class UploadArea {
    /** How a COPY path names an upload: {@code upload:<id>}. */
    public static final String SCHEME = "upload:";

    private static final String FOLDER = "uploads";
    private static final Duration MAX_AGE = Duration.ofDays(1);
    private static final long RESERVED_DISK_BYTES = 1L << 30;
    private static final Pattern ID = Pattern.compile("[0-9a-f]{32}");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Where an encrypted Parquet upload is decrypted for Arrow's native reader: memory, not disk. */
    static final String MEMORY_FOLDER = "/dev/shm";

    private static final String PLAIN_PREFIX = "veil-upload-";

    private final Path folder;
    private final Warehouse warehouse;
    private final WarehouseKeys keys;

    public UploadArea(Warehouse warehouse) {
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
        this.folder = warehouse.root().resolve(FOLDER);
        this.keys = warehouse.keys();
    }

    /**
     * A channel that reads {@code file} for a load: an upload of an encrypted {@code warehouse}
     * decrypted (a file of another place, or of a plain warehouse, as it is).
     */
    static SeekableByteChannel openForLoad(Warehouse warehouse, Path file) throws IOException {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        if (warehouse == null || warehouse.keys() == null || !isUpload(warehouse, file)) {
            return channel;
        }
        try {
            return warehouse.keys().decrypting(channel, file.getFileName().toString());
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    private static boolean isUpload(Warehouse warehouse, Path file) {
        return file.toAbsolutePath().normalize().startsWith(warehouse.root().resolve(FOLDER));
    }

    /**
     * The uploads {@code files} as plain files that Arrow's native Parquet reader can open: as they
     * are in a plain warehouse; in an encrypted one, decrypted into {@value #MEMORY_FOLDER} (see the
     * class comment), NOT_SUPPORTED if they do not fit there. {@link #removePlain} removes them.
     */
    public List<Path> plainForNativeReader(List<Path> files) {
        if (keys == null) {
            return files;
        }
        Path memory = Path.of(MEMORY_FOLDER);
        long size = 0;
        try {
            for (Path file : files) {
                size += Files.size(file);
            }
            if (!Files.isDirectory(memory) || Files.getFileStore(memory).getUsableSpace() / 2 < size) {
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        "This warehouse is encrypted, and an uploaded Parquet file is read by Arrow's native reader,"
                                + " which needs a plain file: Veil decrypts it only into memory (" + MEMORY_FOLDER
                                + "), where " + size + " bytes do not fit. Upload it as CSV or Arrow, or load it on"
                                + " the server with veil load --warehouse");
            }
        } catch (IOException e) {
            throw new VeilException(ErrorCode.STORAGE_IO_ERROR, "Cannot read the uploads: " + e.getMessage(), e);
        }
        List<Path> plain = new ArrayList<>();
        Path own = null;
        try {
            own = Files.createTempDirectory(
                    memory,
                    PLAIN_PREFIX,
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            for (Path file : files) {
                Path copy = own.resolve(plain.size() + "-" + file.getFileName());
                try (SeekableByteChannel in = openForLoad(warehouse, file);
                        FileChannel out = create(copy)) {
                    plain.add(copy);
                    ByteBuffer buffer = ByteBuffer.allocate(1 << 16);
                    while (in.read(buffer) >= 0) {
                        buffer.flip();
                        while (buffer.hasRemaining()) {
                            out.write(buffer);
                        }
                        buffer.clear();
                    }
                }
            }
            return List.copyOf(plain);
        } catch (IOException | RuntimeException e) {
            removePlain(plain);
            deleteQuietly(own);
            if (e instanceof IOException io) {
                throw new VeilException(
                        ErrorCode.STORAGE_IO_ERROR, "Cannot decrypt the uploads: " + io.getMessage(), io);
            }
            throw (RuntimeException) e;
        }
    }

    /** Removes the plain files {@link #plainForNativeReader} made, and their folder (nothing in a plain warehouse). */
    public void removePlain(List<Path> plain) {
        if (keys == null || plain.isEmpty()) {
            return;
        }
        for (Path file : plain) {
            deleteQuietly(file);
        }
        Path own = plain.get(0).getParent();
        if (own != null
                && Path.of(MEMORY_FOLDER).equals(own.getParent())
                && own.getFileName().toString().startsWith(PLAIN_PREFIX)) {
            deleteQuietly(own);
        }
    }

    private static void deleteQuietly(Path path) {
        if (path == null) {
            return;
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            // In memory: gone at the next reboot at the latest.
        }
    }

    /**
     * Streams {@code in} to a new upload of {@code user} and returns its id. The file keeps the
     * extension of {@code fileName} (so that a load can tell CSV, Arrow and Parquet apart). Fails
     * with INVALID_ARGUMENT past {@code maxBytes}, and with STORAGE_IO_ERROR when the disk would
     * have less than 1 GiB left; a failed upload leaves nothing.
     */
    public String receive(String user, String fileName, InputStream in, long maxBytes) throws IOException {
        requireNonNull(user, "user is null");
        requireNonNull(fileName, "fileName is null");
        requireNonNull(in, "in is null");
        Files.createDirectories(folder);
        removeOlderThan(Instant.now().minus(MAX_AGE));
        String id = HexFormat.of().formatHex(randomBytes());
        // A folder per upload, holding the file under its own name, so that load errors name it.
        Path own = Files.createDirectory(folder.resolve(owner(user) + "-" + id));
        Path file = own.resolve(safeName(fileName));
        boolean done = false;
        try (FileChannel channel = create(file)) {
            // Encrypted as it arrives in an encrypted warehouse: no plain byte of it reaches the disk.
            EncryptingChannel encrypting = keys == null
                    ? null
                    : keys.encrypting(channel, file.getFileName().toString());
            OutputStream out = Channels.newOutputStream(encrypting == null ? channel : new Unclosable(encrypting));
            byte[] buffer = new byte[1 << 16];
            long total = 0;
            long checkDiskAt = 0;
            int n;
            while ((n = in.read(buffer)) > 0) {
                total += n;
                if (total > maxBytes) {
                    throw new VeilException(
                            ErrorCode.INVALID_ARGUMENT,
                            "The upload is larger than the server's limit of " + maxBytes + " bytes");
                }
                if (total >= checkDiskAt) {
                    if (Files.getFileStore(folder).getUsableSpace() < RESERVED_DISK_BYTES + n) {
                        throw new VeilException(
                                ErrorCode.STORAGE_IO_ERROR, "The server's disk is too full to take this upload");
                    }
                    checkDiskAt = total + (64L << 20);
                }
                out.write(buffer, 0, n);
            }
            out.flush();
            if (encrypting != null) {
                encrypting.finish();
            }
            channel.force(true);
            done = true;
        } finally {
            if (!done) {
                Files.deleteIfExists(file);
                Files.deleteIfExists(own);
            }
        }
        return id;
    }

    /** The file of upload {@code id} of {@code user}; FILE_NOT_FOUND if there is none (or it is another user's). */
    public Path file(String user, String id) {
        requireNonNull(user, "user is null");
        requireNonNull(id, "id is null");
        String key = id.toLowerCase(Locale.ROOT);
        if (ID.matcher(key).matches()) {
            Path own = folder.resolve(owner(user) + "-" + key);
            if (Files.isDirectory(own, LinkOption.NOFOLLOW_LINKS)) {
                try (DirectoryStream<Path> files = Files.newDirectoryStream(own)) {
                    for (Path file : files) {
                        return file;
                    }
                } catch (IOException e) {
                    throw new VeilException(
                            ErrorCode.STORAGE_IO_ERROR, "Cannot read the upload folder: " + e.getMessage(), e);
                }
            }
        }
        throw new VeilException(
                ErrorCode.FILE_NOT_FOUND,
                "There is no upload '" + SCHEME + id + "' of user '" + user
                        + "'; uploads are loaded once and kept for a day");
    }

    /** Removes an upload (after its load). */
    public void remove(Path file) {
        try {
            Files.deleteIfExists(file);
            Files.deleteIfExists(file.getParent());
        } catch (IOException e) {
            // Removed at the next start, or after a day.
        }
    }

    /** Removes every upload (at server start: nobody can load them any more). */
    public void clear() {
        removeOlderThan(Instant.MAX);
    }

    private void removeOlderThan(Instant limit) {
        if (!Files.isDirectory(folder)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path own : files) {
                FileTime modified = Files.getLastModifiedTime(own);
                if (modified.toInstant().isBefore(limit)) {
                    if (Files.isDirectory(own, LinkOption.NOFOLLOW_LINKS)) {
                        try (DirectoryStream<Path> inside = Files.newDirectoryStream(own)) {
                            for (Path file : inside) {
                                Files.deleteIfExists(file);
                            }
                        }
                    }
                    Files.deleteIfExists(own);
                }
            }
        } catch (IOException e) {
            // An upload that could not be removed now is removed later.
        }
    }

    /** The encrypting channel without its close: the file channel under it is closed by its owner. */
    private record Unclosable(EncryptingChannel channel) implements WritableByteChannel {
        @Override
        public int write(ByteBuffer src) throws IOException {
            return channel.write(src);
        }

        @Override
        public boolean isOpen() {
            return channel.isOpen();
        }

        @Override
        public void close() {}
    }

    private static FileChannel create(Path file) throws IOException {
        try {
            return FileChannel.open(
                    file,
                    Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            return FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        }
    }

    /** The file's own name, cut to letters, digits, '.', '-' and '_' (the extension tells the format). */
    private static String safeName(String fileName) {
        String name = fileName.substring(Math.max(fileName.lastIndexOf('/'), fileName.lastIndexOf('\\')) + 1);
        String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
        if (safe.length() > 100) {
            safe = safe.substring(safe.length() - 100);
        }
        return safe.isEmpty() || safe.startsWith(".") ? "upload" + safe : safe;
    }

    private static String owner(String user) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(user.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing", e);
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }
}
