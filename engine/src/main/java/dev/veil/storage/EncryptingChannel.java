package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.channels.WritableByteChannel;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Writes an encrypted file ({@link EncryptedFiles}) through an open file: plain bytes written here
 * are sealed chunk by chunk. The last chunk is written by {@link #finish()}; {@link #close()}
 * without it leaves an incomplete file (for writers that abandon theirs).
 */
final class EncryptingChannel implements WritableByteChannel {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final FileChannel out;
    private final Cipher cipher = EncryptedFiles.newCipher();
    private final SecretKeySpec key;
    private final byte[] prefix;
    private final byte[] plain = new byte[EncryptedFiles.CHUNK];
    private final byte[] sealed = new byte[EncryptedFiles.CHUNK + EncryptedFiles.TAG];
    private int filled;
    private long index;
    private boolean finished;
    private boolean open = true;

    /** Starts the file {@code name} (its name inside its directory) in {@code out}, at its position 0. */
    EncryptingChannel(FileChannel out, Keyring.DataKey dataKey, String name) throws IOException {
        this.out = requireNonNull(out, "out is null");
        requireNonNull(dataKey, "dataKey is null");
        byte[] salt = new byte[EncryptedFiles.SALT];
        RANDOM.nextBytes(salt);
        byte[] header = EncryptedFiles.header(dataKey.id(), salt);
        this.key = EncryptedFiles.fileKey(dataKey.key(), header, requireNonNull(name, "name is null"));
        this.prefix = EncryptedFiles.associatedPrefix(header, name);
        writeFully(ByteBuffer.wrap(header));
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        if (!open || finished) {
            throw new ClosedChannelException();
        }
        int written = src.remaining();
        while (src.hasRemaining()) {
            if (filled == plain.length) {
                seal(false); // more is coming, so this chunk is not the last
            }
            int n = Math.min(src.remaining(), plain.length - filled);
            src.get(plain, filled, n);
            filled += n;
        }
        return written;
    }

    /** Seals and writes the last chunk; the file is then complete (force it to make it durable). */
    void finish() throws IOException {
        if (!finished) {
            seal(true);
            finished = true;
        }
    }

    private void seal(boolean last) throws IOException {
        int n;
        try {
            EncryptedFiles.init(cipher, Cipher.ENCRYPT_MODE, key, prefix, index, last);
            n = cipher.doFinal(plain, 0, filled, sealed, 0);
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM failed: " + e.getMessage(), e);
        }
        writeFully(ByteBuffer.wrap(sealed, 0, n));
        index++;
        filled = 0;
    }

    private void writeFully(ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    /** Closes the file (without finishing it). */
    @Override
    public void close() throws IOException {
        open = false;
        out.close();
    }
}
