package dev.veil.storage;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The format of an encrypted warehouse file (a segment, or the catalog image): a 32-byte header
 * and then the plain bytes cut in chunks of {@value #CHUNK} bytes, each sealed with AES-256-GCM.
 *
 * <p>Header: the magic {@code VEILENC1}, the id of the data key (big-endian int), a 16-byte
 * random salt, the chunk size (int). The file's own key is HMAC-SHA256 under the data key of
 * {@code "veil file key"}, the salt and the file's name, so every file has a fresh key and a
 * chunk's nonce can simply be its index. Each chunk's associated data is the header, the file's
 * name, the chunk's index and whether it is the last: a chunk moved within or between files, a
 * file renamed or swapped for another, or a file cut at a chunk boundary fails its tag. The last
 * chunk holds 1 to {@value #CHUNK} bytes (0 only in an empty file); the plain length follows from
 * the file size.
 */
final class EncryptedFiles {
    static final byte[] MAGIC = "VEILENC1".getBytes(StandardCharsets.US_ASCII);
    static final int HEADER = 32;
    static final int CHUNK = 64 * 1024;
    static final int TAG = 16;
    static final int SALT = 16;
    static final String TRANSFORMATION = "AES/GCM/NoPadding";

    private EncryptedFiles() {}

    /** Whether {@code file} starts with the magic of an encrypted file. */
    static boolean isEncrypted(Path file) throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer start = ByteBuffer.allocate(MAGIC.length);
            while (start.hasRemaining() && channel.read(start) >= 0) {
                // read until full or end
            }
            return !start.hasRemaining() && Arrays.equals(start.array(), MAGIC);
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /** A header for a new file under data key {@code keyId} with {@code salt}. */
    static byte[] header(int keyId, byte[] salt) {
        ByteBuffer b = ByteBuffer.allocate(HEADER).order(ByteOrder.BIG_ENDIAN);
        b.put(MAGIC).putInt(keyId).put(salt).putInt(CHUNK);
        return b.array();
    }

    /** The key of the file {@code name} with {@code header} (salt inside) under {@code dataKey}. */
    static SecretKeySpec fileKey(byte[] dataKey, byte[] header, String name) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(dataKey, "HmacSHA256"));
            mac.update("veil file key".getBytes(StandardCharsets.US_ASCII));
            mac.update((byte) 0);
            mac.update(header, MAGIC.length + 4, SALT);
            mac.update(name.getBytes(StandardCharsets.UTF_8));
            return new SecretKeySpec(mac.doFinal(), "AES");
        } catch (GeneralSecurityException e) {
            throw new VeilException(ErrorCode.INTERNAL_ERROR, "HMAC-SHA256 is not available", e);
        }
    }

    /** The associated data that every chunk of a file starts with: its header and name. */
    static byte[] associatedPrefix(byte[] header, String name) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] prefix = Arrays.copyOf(header, header.length + n.length);
        System.arraycopy(n, 0, prefix, header.length, n.length);
        return prefix;
    }

    /** Sets {@code cipher} up to seal or open chunk {@code index} of a file. */
    static void init(Cipher cipher, int mode, SecretKeySpec key, byte[] prefix, long index, boolean last)
            throws GeneralSecurityException {
        byte[] nonce = new byte[12];
        ByteBuffer.wrap(nonce).putLong(4, index);
        cipher.init(mode, key, new GCMParameterSpec(TAG * 8, nonce));
        cipher.updateAAD(prefix);
        byte[] tail = new byte[9];
        ByteBuffer.wrap(tail).putLong(index).put((byte) (last ? 1 : 0));
        cipher.updateAAD(tail);
    }

    static Cipher newCipher() {
        try {
            return Cipher.getInstance(TRANSFORMATION);
        } catch (GeneralSecurityException e) {
            throw new VeilException(ErrorCode.INTERNAL_ERROR, "AES-GCM is not available in this JVM", e);
        }
    }

    /** Writes {@code plain} as the encrypted file {@code file} (its name bound), replacing it atomically. */
    static void writeAtomically(Path file, byte[] plain, Keyring.DataKey key) throws IOException {
        Path temp = file.resolveSibling(file.getFileName() + SegmentFiles.TEMP_EXTENSION);
        Files.deleteIfExists(temp);
        try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            EncryptingChannel channel =
                    new EncryptingChannel(out, key, file.getFileName().toString());
            channel.write(ByteBuffer.wrap(plain));
            channel.finish();
            out.force(true);
        }
        Files.move(
                temp,
                file,
                java.nio.file.StandardCopyOption.ATOMIC_MOVE,
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        SegmentFiles.forceDirectory(file.toAbsolutePath().getParent());
    }

    /** The plain bytes of the encrypted file {@code file}, read whole. */
    static byte[] readAll(Path file, Keyring keyring) throws IOException {
        try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ);
                DecryptingChannel channel =
                        new DecryptingChannel(in, keyring, file.getFileName().toString())) {
            long size = channel.size();
            if (size > Integer.MAX_VALUE - 64) {
                throw new VeilException(ErrorCode.STORAGE_CORRUPTED, file + " is larger than 2 GB");
            }
            ByteBuffer plain = ByteBuffer.allocate((int) size);
            while (plain.hasRemaining() && channel.read(plain) >= 0) {
                // read until full
            }
            return plain.array();
        }
    }
}
