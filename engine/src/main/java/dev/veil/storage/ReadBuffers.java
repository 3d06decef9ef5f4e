package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The buffers a scan reads its columns' bytes into, one per projected column, reused from batch to
 * batch. A new direct buffer for every column of every batch makes the memory pool hand out fresh
 * chunks (the previous batch's were freed when their last buffer went), which the JVM zeroes and
 * the kernel maps page by page: on TPC-H lineitem that cost more CPU than the rest of reading a
 * batch, and every extra column read (such as a consent condition's key) paid it again.
 *
 * <p>A buffer is reused only when this holder has the only reference to it, that is when the
 * vectors that sliced it for the previous batch have let go of it; a buffer someone still holds
 * (a vector kept or transferred past the next batch) is left to them and a new one allocated, so
 * reuse never overwrites bytes another holder can read. Not thread-safe: one per scan.
 */
final class ReadBuffers implements AutoCloseable {
    private final BufferAllocator allocator;
    private final ArrowBuf[] buffers;

    /** Buffers for {@code slots} columns, from {@code allocator}. */
    ReadBuffers(BufferAllocator allocator, int slots) {
        this.allocator = requireNonNull(allocator, "allocator is null");
        if (slots < 0) {
            throw new IllegalArgumentException("slots is negative: " + slots);
        }
        this.buffers = new ArrowBuf[slots];
    }

    /**
     * A buffer of at least {@code length} bytes (positive) for column slot {@code slot}, owned by
     * this holder: the caller slices it and must not close it. Its previous content is unspecified.
     */
    ArrowBuf get(int slot, long length) {
        if (length <= 0) {
            throw new IllegalArgumentException("length must be positive: " + length);
        }
        ArrowBuf buffer = buffers[slot];
        if (buffer != null
                && buffer.capacity() >= length
                && buffer.getReferenceManager().getRefCount() == 1) {
            return buffer;
        }
        if (buffer != null) {
            buffers[slot] = null;
            // Our reference only: a holder of a slice keeps the memory until it lets go.
            buffer.close();
        }
        buffer = allocator.buffer(length);
        buffers[slot] = buffer;
        return buffer;
    }

    @Override
    public void close() {
        for (int i = 0; i < buffers.length; i++) {
            if (buffers[i] != null) {
                ArrowBuf buffer = buffers[i];
                buffers[i] = null;
                buffer.close();
            }
        }
    }
}
