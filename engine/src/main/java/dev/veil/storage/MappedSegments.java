package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.ForeignAllocation;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * The segment files of a plain warehouse mapped into memory, each once for as long as the
 * warehouse is open, so that a scan's column bytes are read where the operating system's page
 * cache holds them instead of being copied into a buffer on every batch of every query: copying
 * TPC-H Q6's four line-item columns (312 MB at SF 1) cost twice the CPU of the query's filter.
 * A fresh mapping costs a page fault per page on first use (slower than a copy), so the mappings
 * are kept, not made per scan.
 *
 * <p><b>Lifetime.</b> A segment file never changes once written (it is replaced by a new file,
 * never rewritten in place), so a mapping stays true. Each mapping is an Arrow buffer of this
 * cache's allocator with a reference held by the cache and one by each open reader; the vectors a
 * batch is loaded into hold it too. A mapping is never unmapped explicitly: the garbage collector
 * unmaps it once nothing reaches it, so no reader, vector or slice can ever read unmapped memory.
 * {@link #forget} (garbage collection, before it deletes a file) and {@link #close} drop the
 * cache's reference; the file's disk blocks are freed when the mapping is collected (an erased
 * file is overwritten with zeros first, which the mapping sees too).
 *
 * <p><b>Integrity.</b> An entry is used only for the same file (the file system's key and size
 * as when it was mapped); readers check every range against the mapping's size. A file cut short
 * by someone else under a mapping makes a read of the missing pages fail with the JVM's
 * {@code InternalError} for a faulting unsafe access, not with wrong bytes. Files larger than 2 GB,
 * files the system refuses to map, and files past the bytes mapped at once ({@link #defaultLimit})
 * are read as before. Thread-safe.
 */
final class MappedSegments implements AutoCloseable {
    private final BufferAllocator allocator;
    private final Map<String, Entry> files = new ConcurrentHashMap<>();
    /** The most bytes mapped at once; files past it are read. */
    private final long limit;
    /** The bytes of the files mapped now. Guarded by this. */
    private long mapped;

    private volatile boolean closed;

    /** A mapping: the file it maps, and the buffer over it (the cache's reference). */
    private record Entry(Object fileKey, long size, ArrowBuf buffer) {}

    /**
     * Mappings whose buffers belong to a child of {@code parent} (the warehouse's allocator), of at
     * most {@link #defaultLimit()} bytes at once.
     */
    MappedSegments(BufferAllocator parent) {
        this(parent, defaultLimit());
    }

    /** Mappings as above, of at most {@code limit} bytes at once. */
    MappedSegments(BufferAllocator parent, long limit) {
        if (limit < 0) {
            throw new IllegalArgumentException("limit is negative: " + limit);
        }
        this.allocator =
                requireNonNull(parent, "parent is null").newChildAllocator("mapped segments", 0, Long.MAX_VALUE);
        this.limit = limit;
    }

    /**
     * A quarter of the memory the JVM's heap leaves to the system. Mapped pages live in the page
     * cache: while the mapped files fit in it, a warm scan touches no page it has not touched
     * before; when they do not, the system takes mapped pages back and each scan faults them in
     * again, page by page, which costs more than copying them (TPC-H SF 10 under a 16 GB heap on a
     * 24 GB machine: Q6 took 3.0 s instead of 0.43 s). So only the first files scanned, up to this
     * many bytes, are mapped; the others are read as before.
     */
    static long defaultLimit() {
        long physical;
        try {
            physical = ((com.sun.management.OperatingSystemMXBean)
                            java.lang.management.ManagementFactory.getOperatingSystemMXBean())
                    .getTotalMemorySize();
        } catch (RuntimeException | LinkageError e) {
            return 0;
        }
        long heap = Runtime.getRuntime().maxMemory();
        return heap == Long.MAX_VALUE ? 0 : Math.max(0, (physical - heap) / 4);
    }

    /**
     * The whole of segment file {@code file} ({@code path} in the warehouse) mapped, with a
     * reference for the caller, who releases it ({@code buffer.getReferenceManager().release()})
     * when done; null if it cannot be mapped (empty, larger than 2 GB, refused by the system, past
     * the limit, or the cache is closed): the caller reads the file instead.
     */
    ArrowBuf open(Path file, String path, FileChannel channel) {
        requireNonNull(path, "path is null");
        if (closed) {
            return null;
        }
        BasicFileAttributes attributes;
        long size;
        try {
            attributes = Files.readAttributes(file, BasicFileAttributes.class);
            size = channel.size();
        } catch (IOException e) {
            return null;
        }
        if (size == 0 || size > Integer.MAX_VALUE || attributes.size() != size) {
            return null;
        }
        Object fileKey = attributes.fileKey();
        synchronized (this) {
            if (closed) {
                return null;
            }
            Entry entry = files.get(path);
            if (entry != null && (!Objects.equals(entry.fileKey(), fileKey) || entry.size() != size)) {
                forget(path);
                entry = null;
            }
            if (entry == null) {
                if (size > limit - mapped) {
                    return null;
                }
                MappedByteBuffer buffer;
                try {
                    buffer = channel.map(FileChannel.MapMode.READ_ONLY, 0, size);
                } catch (IOException | RuntimeException e) {
                    return null;
                }
                entry = new Entry(fileKey, size, allocator.wrapForeignAllocation(new Mapping(buffer)));
                files.put(path, entry);
                mapped += size;
            }
            entry.buffer().getReferenceManager().retain();
            return entry.buffer();
        }
    }

    /** Drops the mapping of {@code path}, if any (the file is about to be deleted). */
    synchronized void forget(String path) {
        Entry entry = files.remove(path);
        if (entry != null) {
            mapped -= entry.size();
            entry.buffer().getReferenceManager().release();
        }
    }

    /** The bytes of the files mapped now (also counted by the warehouse's allocator). */
    long bytes() {
        return allocator.getAllocatedMemory();
    }

    /** How many files are mapped now. */
    int size() {
        return files.size();
    }

    /**
     * Drops every mapping and closes the allocator; fails (after dropping them) if a reader still
     * holds one, as the warehouse's allocator does for a scan left open.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (String path : files.keySet()) {
            forget(path);
        }
        allocator.close();
    }

    /**
     * One file's mapping as Arrow memory. Holding the {@link MappedByteBuffer} keeps the mapping
     * for as long as any Arrow buffer over it is reachable; releasing does nothing more, the
     * garbage collector unmaps.
     */
    private static final class Mapping extends ForeignAllocation {
        @SuppressWarnings({"unused", "FieldCanBeLocal"})
        private final MappedByteBuffer mapped;

        Mapping(MappedByteBuffer mapped) {
            super(mapped.capacity(), MemoryUtil.getByteBufferAddress(mapped));
            this.mapped = mapped;
        }

        @Override
        protected void release0() {
            // Never unmapped here: see the class comment.
        }
    }
}
