package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.CatalogImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.function.Supplier;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * An encrypted warehouse's catalog on disk: a base image ({@code veil.db}, an encrypted file as
 * {@link EncryptedFiles} writes them) and an append-only log of the blocks each later commit
 * changed ({@code veil.db.log}), so that a commit writes what it changed, not the whole catalog
 * (whose audit log grows with every statement).
 *
 * <p>A commit compares the new image with the last one in blocks of {@value #BLOCK} bytes and
 * appends one record: the new length and the changed blocks, sealed with AES-256-GCM under the
 * log's own file key, the record's index as its nonce, and the log's header (which holds the base
 * file's header) and the index as associated data; then it syncs the log (a commit stored with
 * {@link #storeUnsynced} leaves that to the next synced one, or to {@link #sync}). So a record moved,
 * dropped from the middle or replayed fails its tag, and a log that belongs to another base (the
 * base was written again since) is recognised from its header without being decrypted and is
 * deleted. A record cut short at the end of the log is a commit that never returned (the process
 * died while writing it): it is cut off when the catalog is loaded. Once the log outgrows the base
 * (and at least {@value #MIN_COMPACT_BYTES} bytes), the next commit writes a whole new base and
 * starts a new log.
 *
 * <p>Like the whole-image file before it, the log does not stop an attacker with write access to
 * the disk from putting back an older catalog (an older base and log, or the log cut at a record
 * boundary): the key proves where bytes come from, not how recent they are.
 */
final class EncryptedCatalogImage implements CatalogImage {
    static final byte[] LOG_MAGIC = "VEILLOG1".getBytes(StandardCharsets.US_ASCII);
    /** The log's header: magic, data key id, salt (at the offsets {@link EncryptedFiles#fileKey} reads), base header. */
    static final int LOG_HEADER = LOG_MAGIC.length + 4 + EncryptedFiles.SALT + EncryptedFiles.HEADER;
    /** The unit of comparison between two images. */
    static final int BLOCK = 4096;
    /** The smallest log that is folded into a new base. */
    static final long MIN_COMPACT_BYTES = 4L << 20;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Path base;
    private final Path log;
    private final Supplier<Keyring> keyring;
    /** The image as of the last load or commit; null before the first. */
    private byte[] last;
    /** The open log's header, key and next record index; null when a commit must write a new base. */
    private byte[] logHeader;

    private SecretKeySpec logKey;
    private byte[] logPrefix;
    private long nextIndex;
    private long logBytes;
    /** Whether the log holds records appended since its last sync ({@link #storeUnsynced}). */
    private boolean unsynced;

    EncryptedCatalogImage(Path base, Supplier<Keyring> keyring) {
        this.base = requireNonNull(base, "base is null");
        this.log = logFile(base);
        this.keyring = requireNonNull(keyring, "keyring is null");
    }

    /** The log file next to the base image {@code base}. */
    static Path logFile(Path base) {
        return base.resolveSibling(base.getFileName() + ".log");
    }

    @Override
    public synchronized byte[] load() {
        try {
            if (!Files.exists(base)) {
                Files.deleteIfExists(log);
                last = new byte[0];
                logHeader = null;
                return new byte[0];
            }
            byte[] image = EncryptedFiles.readAll(base, keyring.get());
            byte[] baseHeader = readHeader(base, EncryptedFiles.HEADER);
            logHeader = null;
            if (Files.exists(log)) {
                image = replay(image, baseHeader);
            }
            last = image;
            return image.clone();
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot read catalog " + base + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void store(byte[] image) {
        store(image, compactNow(), true);
    }

    /** Appends without syncing the log (a new base is always synced); the next store or sync syncs it. */
    @Override
    public synchronized void storeUnsynced(byte[] image) {
        store(image, compactNow(), false);
    }

    @Override
    public synchronized void storeWhole(byte[] image) {
        store(image, true, true);
    }

    @Override
    public synchronized void sync() {
        if (!unsynced) {
            return;
        }
        try (FileChannel out = FileChannel.open(log, StandardOpenOption.WRITE)) {
            out.force(false);
            unsynced = false;
        } catch (IOException e) {
            logHeader = null;
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot sync catalog " + base + ": " + e.getMessage(), e);
        }
    }

    /** Whether the next commit writes a whole new base: there is none, or the log outgrew it. */
    private boolean compactNow() {
        return last == null || logHeader == null || logBytes > Math.max(MIN_COMPACT_BYTES, last.length);
    }

    private void store(byte[] image, boolean whole, boolean synced) {
        requireNonNull(image, "image is null");
        try {
            if (whole) {
                writeBase(image);
            } else {
                append(image, synced);
            }
            last = image;
        } catch (IOException e) {
            // The next commit cannot know what the disk holds: it writes a whole new base.
            logHeader = null;
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot write catalog " + base + ": " + e.getMessage(), e);
        }
    }

    /** The log's size in bytes (for tests). */
    synchronized long logBytes() {
        return logBytes;
    }

    // ----- writing

    private void writeBase(byte[] image) throws IOException {
        logHeader = null;
        Keyring.DataKey key = keyring.get().current();
        // The new base makes any old log stale (its header names the old base); a crash before the
        // new log exists leaves the new base alone, which is the commit.
        EncryptedFiles.writeAtomically(base, image, key);
        byte[] baseHeader = readHeader(base, EncryptedFiles.HEADER);
        byte[] salt = new byte[EncryptedFiles.SALT];
        RANDOM.nextBytes(salt);
        byte[] header = ByteBuffer.allocate(LOG_HEADER)
                .order(ByteOrder.BIG_ENDIAN)
                .put(LOG_MAGIC)
                .putInt(key.id())
                .put(salt)
                .put(baseHeader)
                .array();
        Path temp = log.resolveSibling(log.getFileName() + SegmentFiles.TEMP_EXTENSION);
        Files.deleteIfExists(temp);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            writeFully(out, ByteBuffer.wrap(header));
            out.force(true);
        }
        Files.move(temp, log, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        SegmentFiles.forceDirectory(log.toAbsolutePath().getParent());
        open(header, key.key(), 0, 0);
        // The synced base holds every earlier commit.
        unsynced = false;
    }

    private void append(byte[] image, boolean synced) throws IOException {
        int blocks = (image.length + BLOCK - 1) / BLOCK;
        ByteBuffer changes = null;
        int count = 0;
        for (int b = 0; b < blocks; b++) {
            int from = b * BLOCK;
            int to = Math.min(image.length, from + BLOCK);
            if (to <= last.length && Arrays.equals(image, from, to, last, from, to)) {
                continue;
            }
            if (changes == null) {
                changes = ByteBuffer.allocate(12 + (blocks - b) * (4 + BLOCK)).order(ByteOrder.BIG_ENDIAN);
                changes.position(12);
            }
            changes.putInt(b).put(image, from, to - from);
            count++;
        }
        if (count == 0 && image.length == last.length) {
            if (synced) {
                sync();
            }
            return;
        }
        if (changes == null) {
            changes = ByteBuffer.allocate(12).order(ByteOrder.BIG_ENDIAN);
            changes.position(12);
        }
        int plainLength = changes.position();
        changes.putLong(0, image.length).putInt(8, count);
        byte[] sealed;
        try {
            Cipher cipher = EncryptedFiles.newCipher();
            EncryptedFiles.init(cipher, Cipher.ENCRYPT_MODE, logKey, logPrefix, nextIndex, false);
            sealed = cipher.doFinal(changes.array(), 0, plainLength);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot seal a catalog log record: " + e.getMessage(), e);
        }
        ByteBuffer record = ByteBuffer.allocate(4 + sealed.length).order(ByteOrder.BIG_ENDIAN);
        record.putInt(sealed.length).put(sealed).flip();
        try (FileChannel out = FileChannel.open(log, StandardOpenOption.WRITE)) {
            long at = out.size();
            if (at != LOG_HEADER + logBytes) {
                throw new IOException("the catalog log " + log + " changed size under the server");
            }
            out.position(at);
            writeFully(out, record);
            if (synced) {
                out.force(false);
            }
        }
        unsynced = !synced;
        nextIndex++;
        logBytes += record.limit();
    }

    private void open(byte[] header, byte[] dataKey, long index, long bytes) {
        logHeader = header;
        String name = log.getFileName().toString();
        logKey = EncryptedFiles.fileKey(dataKey, header, name);
        logPrefix = EncryptedFiles.associatedPrefix(header, name);
        nextIndex = index;
        logBytes = bytes;
    }

    // ----- reading

    /** {@code image} with the log's records applied, or as it is if the log belongs to another base (deleted). */
    private byte[] replay(byte[] image, byte[] baseHeader) throws IOException {
        byte[] all = Files.readAllBytes(log);
        if (all.length < LOG_HEADER || !Arrays.equals(all, 0, LOG_MAGIC.length, LOG_MAGIC, 0, LOG_MAGIC.length)) {
            if (all.length < LOG_HEADER
                    && Arrays.equals(
                            all,
                            0,
                            Math.min(all.length, LOG_MAGIC.length),
                            LOG_MAGIC,
                            0,
                            Math.min(all.length, LOG_MAGIC.length))) {
                // A new log cut short: it was never renamed into place whole; nothing was committed to it.
                Files.delete(log);
                return image;
            }
            throw corrupted("does not start with a catalog log header");
        }
        byte[] header = Arrays.copyOf(all, LOG_HEADER);
        if (!Arrays.equals(header, LOG_HEADER - EncryptedFiles.HEADER, LOG_HEADER, baseHeader, 0, baseHeader.length)) {
            // Written for an earlier base, which a later commit replaced: its records are in the base.
            Files.delete(log);
            SegmentFiles.forceDirectory(log.toAbsolutePath().getParent());
            return image;
        }
        int keyId = ByteBuffer.wrap(header, LOG_MAGIC.length, 4).getInt();
        Keyring.DataKey key = keyring.get()
                .key(keyId)
                .orElseThrow(() -> corrupted("is sealed under data key " + keyId + ", which the key ring lacks"));
        open(header, key.key(), 0, 0);
        int at = LOG_HEADER;
        byte[] current = image;
        Cipher cipher = EncryptedFiles.newCipher();
        while (at < all.length) {
            if (all.length - at < 4) {
                break;
            }
            int length = ByteBuffer.wrap(all, at, 4).getInt();
            if (length < EncryptedFiles.TAG || length > all.length - at - 4) {
                // Cut short: the commit being written when the process died, which never returned.
                break;
            }
            byte[] plain;
            try {
                EncryptedFiles.init(cipher, Cipher.DECRYPT_MODE, logKey, logPrefix, nextIndex, false);
                plain = cipher.doFinal(all, at + 4, length);
            } catch (GeneralSecurityException e) {
                throw corrupted("record " + nextIndex + " fails its integrity check (tampered or damaged)");
            }
            current = apply(current, plain);
            at += 4 + length;
            nextIndex++;
        }
        if (at < all.length) {
            try (FileChannel out = FileChannel.open(log, StandardOpenOption.WRITE)) {
                out.truncate(at);
                out.force(true);
            }
        }
        logBytes = at - LOG_HEADER;
        return current;
    }

    private byte[] apply(byte[] image, byte[] plain) {
        ByteBuffer in = ByteBuffer.wrap(plain).order(ByteOrder.BIG_ENDIAN);
        long length = in.getLong();
        int count = in.getInt();
        if (length < 0 || length > Integer.MAX_VALUE - 64 || count < 0) {
            throw corrupted("holds a record with impossible sizes");
        }
        byte[] next = Arrays.copyOf(image, (int) length);
        for (int i = 0; i < count; i++) {
            int block = in.getInt();
            long from = (long) block * BLOCK;
            if (block < 0 || from >= length) {
                throw corrupted("holds a record with a block past the catalog's end");
            }
            int size = (int) Math.min(BLOCK, length - from);
            in.get(next, (int) from, size);
        }
        if (in.hasRemaining()) {
            throw corrupted("holds a record with trailing bytes");
        }
        return next;
    }

    private VeilException corrupted(String what) {
        return new VeilException(ErrorCode.STORAGE_CORRUPTED, "The catalog log " + log + " " + what);
    }

    private static byte[] readHeader(Path file, int size) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(size);
            while (b.hasRemaining() && in.read(b) >= 0) {
                // read until full or end
            }
            if (b.hasRemaining()) {
                throw new IOException(file + " is shorter than its header");
            }
            return b.array();
        }
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }
}
