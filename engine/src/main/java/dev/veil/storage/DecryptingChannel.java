package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * Reads an encrypted file ({@link EncryptedFiles}) as its plain bytes, with random access: a read
 * opens only the chunks it touches (and keeps the last one opened, since reads of adjacent column
 * ranges share their boundary chunks). Memory is one chunk, whatever the file's size, unless the
 * channel reads a segment through its warehouse's {@link PlainChunks}: then a chunk found there is
 * not opened again, and a chunk opened is offered to it. A chunk whose tag fails is
 * STORAGE_CORRUPTED: nothing unauthenticated is ever returned.
 */
final class DecryptingChannel implements SeekableByteChannel {
    private static final int SEALED = EncryptedFiles.CHUNK + EncryptedFiles.TAG;

    private final FileChannel in;
    private final String name;
    private final Keyring.DataKey dataKey;
    private final byte[] header;
    /** The cipher and the file's key, made on the first chunk that must be opened (not on a cache hit). */
    private Cipher cipher;

    private SecretKeySpec fileKey;
    private byte[] prefix;
    private final long chunks;
    private final long size;
    private byte[] sealed;
    /** The chunks of the warehouse, and this file's path in it; null when not cached. */
    private final PlainChunks cache;

    private final String path;
    private final int keyId;
    private final long saltHigh;
    private final long saltLow;
    /** The plain bytes of chunk {@link #cached}: this channel's own, or the cache's (never changed). */
    private byte[] plain;

    private long cached = -1;
    private int cachedLength;
    private long position;

    /** Opens the encrypted file {@code name} (its name inside its directory) read from {@code in}. */
    DecryptingChannel(FileChannel in, Keyring keyring, String name) throws IOException {
        this(in, keyring, name, null, null);
    }

    /**
     * Opens the encrypted segment {@code name} read from {@code in}, using and filling {@code cache}
     * under the file's {@code path} in the warehouse.
     */
    DecryptingChannel(FileChannel in, Keyring keyring, String name, PlainChunks cache, String path) throws IOException {
        this.in = requireNonNull(in, "in is null");
        if ((cache == null) != (path == null)) {
            throw new IllegalArgumentException("a cache needs the file's path");
        }
        this.cache = cache;
        this.path = path;
        this.name = requireNonNull(name, "name is null");
        long fileSize = in.size();
        ByteBuffer header = ByteBuffer.allocate(EncryptedFiles.HEADER);
        while (header.hasRemaining() && in.read(header, header.position()) >= 0) {
            // read until full or end
        }
        byte[] h = header.array();
        if (header.hasRemaining()
                || !Arrays.equals(Arrays.copyOf(h, EncryptedFiles.MAGIC.length), EncryptedFiles.MAGIC)) {
            throw corrupted("it is not an encrypted Veil file");
        }
        this.keyId = ByteBuffer.wrap(h).getInt(EncryptedFiles.MAGIC.length);
        this.saltHigh = ByteBuffer.wrap(h).getLong(EncryptedFiles.MAGIC.length + 4);
        this.saltLow = ByteBuffer.wrap(h).getLong(EncryptedFiles.MAGIC.length + 12);
        int chunkSize = ByteBuffer.wrap(h).getInt(EncryptedFiles.HEADER - 4);
        if (chunkSize != EncryptedFiles.CHUNK) {
            throw corrupted("its chunk size is " + chunkSize);
        }
        int id = keyId;
        this.dataKey = keyring.key(id)
                .orElseThrow(() -> corrupted("its data key " + id + " is not in the key ring (veil.keys)"));
        this.header = h;
        long body = fileSize - EncryptedFiles.HEADER;
        if (body < EncryptedFiles.TAG) {
            throw corrupted("it is truncated");
        }
        this.chunks = (body + SEALED - 1) / SEALED;
        long lastSealed = body - (chunks - 1) * SEALED;
        if (lastSealed < EncryptedFiles.TAG || (lastSealed == EncryptedFiles.TAG && chunks > 1)) {
            throw corrupted("it is truncated");
        }
        this.size = (chunks - 1) * EncryptedFiles.CHUNK + (lastSealed - EncryptedFiles.TAG);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        if (position >= size) {
            return dst.hasRemaining() ? -1 : 0;
        }
        int total = 0;
        while (dst.hasRemaining() && position < size) {
            long chunk = position / EncryptedFiles.CHUNK;
            open(chunk);
            int offset = (int) (position - chunk * EncryptedFiles.CHUNK);
            int n = Math.min(dst.remaining(), cachedLength - offset);
            dst.put(plain, offset, n);
            position += n;
            total += n;
        }
        return total;
    }

    private void open(long chunk) throws IOException {
        if (chunk == cached) {
            return;
        }
        boolean last = chunk == chunks - 1;
        PlainChunks.Key key = null;
        if (cache != null) {
            key = new PlainChunks.Key(path, saltHigh, saltLow, keyId, chunk, last);
            PlainChunks.Plain hit = cache.get(key);
            if (hit != null) {
                plain = hit.plain();
                cachedLength = hit.length();
                cached = chunk;
                return;
            }
        }
        if (cipher == null) {
            cipher = EncryptedFiles.newCipher();
            fileKey = EncryptedFiles.fileKey(dataKey.key(), header, name);
            prefix = EncryptedFiles.associatedPrefix(header, name);
            sealed = new byte[SEALED];
        }
        long start = EncryptedFiles.HEADER + chunk * SEALED;
        int length =
                (int) (last ? (EncryptedFiles.HEADER + (chunks - 1) * SEALED + lastSealedLength()) - start : SEALED);
        ByteBuffer target = ByteBuffer.wrap(sealed, 0, length);
        while (target.hasRemaining()) {
            if (in.read(target, start + target.position()) < 0) {
                throw corrupted("it ends inside chunk " + chunk);
            }
        }
        cached = -1;
        // A chunk that goes to the cache gets an array of its own; otherwise the channel's is reused.
        byte[] into = cache != null || plain == null ? new byte[EncryptedFiles.CHUNK] : plain;
        try {
            EncryptedFiles.init(cipher, Cipher.DECRYPT_MODE, fileKey, prefix, chunk, last);
            cachedLength = cipher.doFinal(sealed, 0, length, into, 0);
        } catch (AEADBadTagException e) {
            throw corrupted(
                    "chunk " + chunk + " fails authentication (the file was changed, cut, or is not this file)");
        } catch (GeneralSecurityException e) {
            throw new IOException("AES-GCM failed: " + e.getMessage(), e);
        }
        plain = into;
        cached = chunk;
        if (key != null) {
            cache.put(key, into, cachedLength);
        }
    }

    private long lastSealedLength() {
        return size - (chunks - 1) * EncryptedFiles.CHUNK + EncryptedFiles.TAG;
    }

    private VeilException corrupted(String why) {
        return new VeilException(ErrorCode.STORAGE_CORRUPTED, "Encrypted file " + name + " is corrupt: " + why);
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        if (newPosition < 0) {
            throw new IllegalArgumentException("negative position");
        }
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return in.isOpen();
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
