package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.RecordBatch;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.TypeLayout;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.InvalidArrowFileException;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads the record batches of one segment file, loading only the buffers of the projected
 * columns. Arrow's own {@code ArrowFileReader} reads a whole batch body (every column); here the
 * footer gives each batch's position, the batch's metadata gives each buffer's offset within the
 * body, and only the byte ranges of the wanted columns are read. Each column's buffers lie next to
 * each other in the body, so that is one read per column per batch.
 */
final class SegmentReader implements AutoCloseable {
    private final String path;
    /** The file's plain bytes: the file itself, or a decrypting channel over it. */
    private final SeekableByteChannel channel;

    private final ArrowFileReader footerReader;
    private final BufferAllocator allocator;
    private final ReadBuffers readBuffers;
    private final List<ArrowBlock> blocks;
    private final int[] projection;
    /** Per field of the file: the index of its first buffer in a batch's buffer list, and how many. */
    private final int[] firstBuffer;

    private final int[] bufferCount;
    /** The whole file mapped (a reference of ours), or null: ranges are read from the channel. */
    private ArrowBuf mapping;

    private int nextBlock;

    SegmentReader(
            Path file,
            String path,
            List<Column> columns,
            int[] projection,
            BufferAllocator allocator,
            ReadBuffers readBuffers,
            WarehouseKeys keys,
            MappedSegments mapped) {
        this.path = requireNonNull(path, "path is null");
        this.projection = requireNonNull(projection, "projection is null");
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.readBuffers = requireNonNull(readBuffers, "readBuffers is null");
        try {
            FileChannel fileChannel = FileChannel.open(file, StandardOpenOption.READ);
            try {
                this.channel = keys == null
                        ? fileChannel
                        : keys.decryptingSegment(fileChannel, file.getFileName().toString(), path);
                // Plain bytes only: an encrypted file's are not the file's.
                this.mapping = keys == null && mapped != null ? mapped.open(file, path, fileChannel) : null;
            } catch (IOException | RuntimeException e) {
                fileChannel.close();
                throw e;
            }
        } catch (NoSuchFileException e) {
            throw new VeilException(ErrorCode.STORAGE_CORRUPTED, "Segment file " + path + " is missing", e);
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot open segment " + path + ": " + e.getMessage(), e);
        }
        this.footerReader = new ArrowFileReader(channel, allocator);
        try {
            this.blocks = footerReader.getRecordBlocks();
            Schema schema = footerReader.getVectorSchemaRoot().getSchema();
            List<Field> fields = schema.getFields();
            if (fields.size() != columns.size()) {
                throw corrupted("it has " + fields.size() + " columns, the table " + columns.size());
            }
            this.firstBuffer = new int[fields.size()];
            this.bufferCount = new int[fields.size()];
            int next = 0;
            for (int i = 0; i < fields.size(); i++) {
                Field field = fields.get(i);
                if (!field.getType()
                        .equals(ArrowSchemas.arrowType(columns.get(i).type()))) {
                    throw corrupted("its column " + (i + 1) + " has Arrow type " + field.getType()
                            + ", the table's column '" + columns.get(i).name() + "' is "
                            + columns.get(i).type());
                }
                if (!field.getChildren().isEmpty()) {
                    throw corrupted("its column " + (i + 1) + " is nested");
                }
                firstBuffer[i] = next;
                bufferCount[i] = TypeLayout.getTypeBufferCount(field.getType());
                next += bufferCount[i];
            }
        } catch (IOException | InvalidArrowFileException e) {
            closeQuietly(e);
            throw new VeilException(
                    ErrorCode.STORAGE_CORRUPTED, "Cannot read segment " + path + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(e);
            throw e;
        }
    }

    /**
     * Loads the next batch into {@code loader}'s root; false when the file has no more. The bytes
     * of projected column {@code i} are read into {@code readBuffers}' slot {@code i}, which the
     * caller frees for reuse by clearing the root before the next call.
     */
    /** Moves past the next batch without reading it; false when the file has no more. */
    boolean skipNext() {
        if (nextBlock >= blocks.size()) {
            return false;
        }
        nextBlock++;
        return true;
    }

    boolean loadNext(VectorLoader loader) {
        if (nextBlock >= blocks.size()) {
            return false;
        }
        ArrowBlock block = blocks.get(nextBlock++);
        try {
            channel.position(block.getOffset());
            MessageMetadataResult message = MessageSerializer.readMessage(new ReadChannel(channel));
            if (message == null || message.headerType() != MessageHeader.RecordBatch) {
                throw corrupted("batch " + nextBlock + " is not a record batch");
            }
            RecordBatch batch = (RecordBatch) message.getMessage().header(new RecordBatch());
            if (batch.compression() != null) {
                throw corrupted("batch " + nextBlock + " is compressed");
            }
            if (batch.nodesLength() != firstBuffer.length) {
                throw corrupted("batch " + nextBlock + " has " + batch.nodesLength() + " columns");
            }
            long bodyStart = block.getOffset() + block.getMetadataLength();
            List<ArrowFieldNode> nodes = new ArrayList<>(projection.length);
            List<ArrowBuf> buffers = new ArrayList<>();
            for (int slot = 0; slot < projection.length; slot++) {
                int column = projection[slot];
                org.apache.arrow.flatbuf.FieldNode node = batch.nodes(column);
                nodes.add(new ArrowFieldNode(node.length(), node.nullCount()));
                int first = firstBuffer[column];
                int last = first + bufferCount[column] - 1;
                long start = batch.buffers(first).offset();
                long end = batch.buffers(last).offset() + batch.buffers(last).length();
                ArrowBuf range = read(bodyStart + start, end - start, slot);
                for (int b = first; b <= last; b++) {
                    org.apache.arrow.flatbuf.Buffer buffer = batch.buffers(b);
                    buffers.add(range.slice(buffer.offset() - start, buffer.length()));
                }
            }
            try (ArrowRecordBatch recordBatch = new ArrowRecordBatch((int) batch.length(), nodes, buffers)) {
                loader.load(recordBatch);
            }
            return true;
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot read segment " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads {@code length} bytes at {@code position} into the read buffer of column slot {@code slot}. */
    private ArrowBuf read(long position, long length, int slot) throws IOException {
        if (length == 0) {
            return allocator.getEmpty();
        }
        if (length > Integer.MAX_VALUE) {
            throw corrupted("a column of a batch is larger than 2 GB");
        }
        if (mapping != null) {
            if (position < 0 || position + length > mapping.capacity()) {
                throw corrupted("a batch lies past the end of the file");
            }
            return mapping.slice(position, length);
        }
        ArrowBuf buf = readBuffers.get(slot, length);
        ByteBuffer target = buf.nioBuffer(0, (int) length);
        while (target.hasRemaining()) {
            channel.position(position + target.position());
            if (channel.read(target) < 0) {
                throw corrupted("it ends inside a batch");
            }
        }
        return buf;
    }

    private VeilException corrupted(String why) {
        return new VeilException(ErrorCode.STORAGE_CORRUPTED, "Segment " + path + " is corrupt: " + why);
    }

    private void closeQuietly(Exception cause) {
        try {
            close();
        } catch (RuntimeException e) {
            cause.addSuppressed(e);
        }
    }

    @Override
    public void close() {
        if (mapping != null) {
            ArrowBuf ours = mapping;
            mapping = null;
            ours.getReferenceManager().release();
        }
        try {
            footerReader.close(); // closes the channel
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot close segment " + path + ": " + e.getMessage(), e);
        }
    }
}
