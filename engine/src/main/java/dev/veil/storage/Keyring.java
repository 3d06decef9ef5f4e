package dev.veil.storage;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The data keys of an encrypted warehouse, wrapped by its {@link MasterKey}: the file
 * {@value #FILE_NAME} holds the magic {@code VEILKEYS}, a format version, a random 12-byte nonce
 * and the list of data keys (id and 32 random bytes each) sealed with AES-256-GCM under the master
 * key (the magic and version as associated data). A wrong master key fails the tag: that is how
 * ENCRYPTION_KEY_WRONG is told apart from damage. New files use the {@link #current()} key (the
 * highest id); older keys stay until no file uses them. Immutable; {@link #write} replaces the file
 * atomically (temporary file, fsync, rename, fsync of the directory).
 */
final class Keyring {
    /** The key ring's file name inside the warehouse directory. */
    static final String FILE_NAME = "veil.keys";

    private static final byte[] MAGIC = "VEILKEYS".getBytes(StandardCharsets.US_ASCII);
    private static final int VERSION = 1;
    private static final int NONCE = 12;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** One data key. */
    record DataKey(int id, byte[] key) {
        DataKey {
            if (key.length != MasterKey.BYTES) {
                throw new IllegalArgumentException("a data key has " + MasterKey.BYTES + " bytes");
            }
        }

        @Override
        public String toString() {
            return "DataKey[" + id + "]";
        }
    }

    private final List<DataKey> keys;

    private Keyring(List<DataKey> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a key ring holds at least one key");
        }
        this.keys = List.copyOf(keys);
    }

    /** A key ring with one fresh data key. */
    static Keyring fresh() {
        return new Keyring(List.of(newKey(1)));
    }

    private static DataKey newKey(int id) {
        byte[] key = new byte[MasterKey.BYTES];
        RANDOM.nextBytes(key);
        return new DataKey(id, key);
    }

    /** Whether {@code root} holds a key ring. */
    static boolean exists(Path root) {
        return Files.exists(root.resolve(FILE_NAME));
    }

    /** The key to seal new files with. */
    DataKey current() {
        return keys.get(keys.size() - 1);
    }

    Optional<DataKey> key(int id) {
        return keys.stream().filter(k -> k.id() == id).findFirst();
    }

    List<DataKey> keys() {
        return keys;
    }

    /** This key ring and one fresh data key, which becomes current. */
    Keyring withNewKey() {
        List<DataKey> more = new ArrayList<>(keys);
        more.add(newKey(current().id() + 1));
        return new Keyring(more);
    }

    /** Only the keys of {@code ids}. */
    Keyring retain(Collection<Integer> ids) {
        List<DataKey> kept = new ArrayList<>();
        for (DataKey key : keys) {
            if (ids.contains(key.id())) {
                kept.add(key);
            }
        }
        return new Keyring(kept);
    }

    /** Reads the key ring of the warehouse in {@code root}, unwrapping it with {@code master}. */
    static Keyring read(Path root, MasterKey master) {
        Path file = root.resolve(FILE_NAME);
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot read the key ring " + file + ": " + e.getMessage(), e);
        }
        int headerLength = MAGIC.length + 4;
        if (bytes.length < headerLength + NONCE + 16
                || !Arrays.equals(Arrays.copyOf(bytes, MAGIC.length), MAGIC)
                || ByteBuffer.wrap(bytes).getInt(MAGIC.length) != VERSION) {
            throw new VeilException(ErrorCode.STORAGE_CORRUPTED, "The key ring " + file + " is damaged");
        }
        byte[] plain;
        try {
            Cipher cipher = EncryptedFiles.newCipher();
            cipher.init(
                    Cipher.DECRYPT_MODE,
                    new SecretKeySpec(master.bytes(), "AES"),
                    new GCMParameterSpec(128, bytes, headerLength, NONCE));
            cipher.updateAAD(bytes, 0, headerLength);
            plain = cipher.doFinal(bytes, headerLength + NONCE, bytes.length - headerLength - NONCE);
        } catch (AEADBadTagException e) {
            throw new VeilException(
                    ErrorCode.ENCRYPTION_KEY_WRONG,
                    "The master key does not open the encrypted warehouse " + root + " (wrong key, or a damaged "
                            + FILE_NAME + ")");
        } catch (GeneralSecurityException e) {
            throw new VeilException(ErrorCode.INTERNAL_ERROR, "AES-GCM failed: " + e.getMessage(), e);
        }
        ByteBuffer in = ByteBuffer.wrap(plain);
        int count = in.getInt();
        List<DataKey> keys = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int id = in.getInt();
            byte[] key = new byte[MasterKey.BYTES];
            in.get(key);
            keys.add(new DataKey(id, key));
        }
        return new Keyring(keys);
    }

    /** Writes this key ring, wrapped by {@code master}, as the key ring of {@code root}, atomically. */
    void write(Path root, MasterKey master) {
        ByteBuffer plain = ByteBuffer.allocate(4 + keys.size() * (4 + MasterKey.BYTES));
        plain.putInt(keys.size());
        for (DataKey key : keys) {
            plain.putInt(key.id()).put(key.key());
        }
        byte[] nonce = new byte[NONCE];
        RANDOM.nextBytes(nonce);
        ByteBuffer header = ByteBuffer.allocate(MAGIC.length + 4).put(MAGIC).putInt(VERSION);
        byte[] sealed;
        try {
            Cipher cipher = EncryptedFiles.newCipher();
            cipher.init(
                    Cipher.ENCRYPT_MODE, new SecretKeySpec(master.bytes(), "AES"), new GCMParameterSpec(128, nonce));
            cipher.updateAAD(header.array());
            sealed = cipher.doFinal(plain.array());
        } catch (GeneralSecurityException e) {
            throw new VeilException(ErrorCode.INTERNAL_ERROR, "AES-GCM failed: " + e.getMessage(), e);
        }
        Path file = root.resolve(FILE_NAME);
        Path temp = root.resolve(FILE_NAME + SegmentFiles.TEMP_EXTENSION);
        try {
            Files.deleteIfExists(temp);
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                try {
                    Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
                } catch (UnsupportedOperationException e) {
                    // Not a POSIX file system.
                }
                ByteBuffer all = ByteBuffer.allocate(header.capacity() + NONCE + sealed.length);
                all.put(header.array()).put(nonce).put(sealed).flip();
                while (all.hasRemaining()) {
                    out.write(all);
                }
                out.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            SegmentFiles.forceDirectory(root);
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot write the key ring " + file + ": " + e.getMessage(), e);
        }
    }
}
