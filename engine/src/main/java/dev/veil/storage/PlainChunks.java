package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The decrypted chunks of one encrypted warehouse's segment files, so that a warm query reads its
 * columns at the speed of a plain warehouse instead of opening every AES-GCM chunk again (the
 * plain warehouse has the operating system's page cache for that; decrypted bytes are in no page
 * cache).
 *
 * <p><b>Only authenticated bytes.</b> A chunk enters the cache after its tag was checked, under a
 * key made of everything its tag covers that can vary: the file's path in the warehouse, the
 * random salt and data key id of the file's header, the chunk's index and whether it is the file's
 * last. A file is immutable once written, and every file written gets a fresh salt, so a key names
 * one content: a rewritten file (erasure, {@code rekey --data}) has a new salt and misses; a file
 * moved, cut or swapped on disk presents a key that misses, and its chunks are opened and fail.
 *
 * <p><b>Memory.</b> Every cached chunk holds memory taken from the process's memory pool
 * ({@link CacheMemory}, installed by the pool): a chunk the pool cannot hold now is not cached, and
 * when statements need memory the pool asks the caches to give some back ({@link #reclaimAll}),
 * least recently used files' chunks first. Nothing is cached until a pool is installed.
 *
 * <p><b>Plain bytes in memory.</b> Encryption at rest protects the disk; the running process holds
 * plain data anyway (docs/storage.md says so). The files VACUUM deletes leave the cache at once
 * ({@link #forget}), so the chunks of an erased person's replaced segments do not outlive their
 * files; closing the warehouse drops everything. Thread-safe.
 */
public final class PlainChunks {
    /** At least this share of a cache goes when the pool asks it for memory, so that eviction is not per chunk. */
    private static final int EVICT_DIVISOR = 8;

    private static volatile CacheMemory memory;
    private static final Set<PlainChunks> LIVE = Collections.newSetFromMap(new WeakHashMap<>());

    private final Map<Key, Chunk> chunks = new ConcurrentHashMap<>();
    private final AtomicLong clock = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private volatile boolean closed;

    /** What one cached chunk is. */
    record Key(String path, long saltHigh, long saltLow, int keyId, long index, boolean last) {
        Key {
            requireNonNull(path, "path is null");
        }
    }

    private static final class Chunk {
        final byte[] plain;
        final int length;
        final CacheMemory.Grant grant;
        volatile long lastUse;

        Chunk(byte[] plain, int length, CacheMemory.Grant grant, long lastUse) {
            this.plain = plain;
            this.length = length;
            this.grant = grant;
            this.lastUse = lastUse;
        }
    }

    /** A cached chunk's plain bytes: the first {@code length} of {@code plain}, which no one may change. */
    record Plain(byte[] plain, int length) {}

    PlainChunks() {
        synchronized (LIVE) {
            LIVE.add(this);
        }
    }

    /** Installs the memory every cache takes its chunks from (the process's memory pool does). */
    public static void useMemory(CacheMemory cacheMemory) {
        memory = requireNonNull(cacheMemory, "cacheMemory is null");
    }

    /** The installed memory source, or null; for tests. */
    static CacheMemory memory() {
        return memory;
    }

    /**
     * Gives back at least {@code wanted} bytes if the caches hold them, least recently used chunks
     * first (and at least an eighth of each cache it takes from); returns the bytes freed.
     */
    public static long reclaimAll(long wanted) {
        List<PlainChunks> caches;
        synchronized (LIVE) {
            caches = new ArrayList<>(LIVE);
        }
        long freed = 0;
        for (PlainChunks cache : caches) {
            if (freed >= wanted) {
                break;
            }
            freed += cache.evict(Math.max(wanted - freed, cache.bytes.get() / EVICT_DIVISOR));
        }
        return freed;
    }

    /** The chunk under {@code key}, or null. */
    Plain get(Key key) {
        Chunk chunk = chunks.get(key);
        if (chunk == null) {
            return null;
        }
        chunk.lastUse = clock.incrementAndGet();
        return new Plain(chunk.plain, chunk.length);
    }

    /** Keeps {@code plain} (the first {@code length} bytes; the array is the cache's from now on) under {@code key}, if memory allows. */
    void put(Key key, byte[] plain, int length) {
        CacheMemory source = memory;
        if (source == null || closed || chunks.containsKey(key)) {
            return;
        }
        CacheMemory.Grant grant = source.tryTake(plain.length);
        if (grant == null) {
            return;
        }
        Chunk chunk = new Chunk(plain, length, grant, clock.incrementAndGet());
        if (chunks.putIfAbsent(key, chunk) != null) {
            grant.release();
            return;
        }
        bytes.addAndGet(plain.length);
        if (closed) {
            // Closed meanwhile: clear() may have missed this chunk.
            remove(key, chunk);
        }
    }

    /** Drops the chunks of the file at {@code path} (it is being deleted). */
    void forget(String path) {
        for (Map.Entry<Key, Chunk> entry : chunks.entrySet()) {
            if (entry.getKey().path().equals(path)) {
                remove(entry.getKey(), entry.getValue());
            }
        }
    }

    /** Drops every chunk. */
    void clear() {
        for (Map.Entry<Key, Chunk> entry : chunks.entrySet()) {
            remove(entry.getKey(), entry.getValue());
        }
    }

    /** Drops every chunk and caches nothing more (the warehouse closes). */
    void close() {
        closed = true;
        clear();
        synchronized (LIVE) {
            LIVE.remove(this);
        }
    }

    /** The bytes this cache holds; for tests and reports. */
    long bytes() {
        return bytes.get();
    }

    /** How many chunks this cache holds; for tests. */
    int size() {
        return chunks.size();
    }

    private long evict(long wanted) {
        if (wanted <= 0 || chunks.isEmpty()) {
            return 0;
        }
        List<Map.Entry<Key, Chunk>> entries = new ArrayList<>(chunks.entrySet());
        long[] uses = new long[entries.size()];
        for (int i = 0; i < uses.length; i++) {
            uses[i] = entries.get(i).getValue().lastUse;
        }
        long[] sorted = uses.clone();
        Arrays.sort(sorted);
        // Evict in order of last use: find the use time below which enough bytes go.
        long freed = 0;
        long cutoff = Long.MIN_VALUE;
        long chunkBytes = EncryptedFiles.CHUNK; // every cached array is one chunk long
        for (long use : sorted) {
            cutoff = use;
            freed += chunkBytes;
            if (freed >= wanted) {
                break;
            }
        }
        freed = 0;
        for (int i = 0; i < uses.length; i++) {
            if (uses[i] <= cutoff) {
                Map.Entry<Key, Chunk> entry = entries.get(i);
                if (remove(entry.getKey(), entry.getValue())) {
                    freed += entry.getValue().plain.length;
                }
            }
        }
        return freed;
    }

    private boolean remove(Key key, Chunk chunk) {
        if (chunks.remove(key, chunk)) {
            bytes.addAndGet(-chunk.plain.length);
            chunk.grant.release();
            return true;
        }
        return false;
    }
}
