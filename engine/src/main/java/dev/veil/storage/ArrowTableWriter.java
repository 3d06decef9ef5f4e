package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.SegmentInfo;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;

/**
 * The {@link TableWriter} of a {@link Warehouse}: fills one reusable batch of Arrow vectors, writes
 * it to the current segment file when full, and starts a new file after a fixed number of batches.
 *
 * <p>Loaders may bypass {@link #append(Object[])} and write straight into {@link #vector(int)} at
 * {@link #rowIndex()}, then call {@link #endRow()}; the vectors stay the same objects for the
 * writer's whole life and always have room for one more row.
 */
final class ArrowTableWriter implements TableWriter {
    private static final int INITIAL_BYTES_PER_STRING = 16;

    private final Warehouse warehouse;
    private final TableDef table;
    private final int batchRows;
    private final int batchesPerSegment;
    private final BufferAllocator allocator;
    private final VectorSchemaRoot root;
    private final FieldVector[] vectors;
    private final ValueWriter[] valueWriters;
    private final Path tableDirectory;
    private final String relativeDirectory;

    /** Committed-to-be segments, complete and fsynced. */
    private final List<SegmentInfo> segments = new ArrayList<>();
    /** Every file this writer created, for deletion if it never commits. */
    private final List<String> createdFiles = new ArrayList<>();

    private int rowInBatch;
    private long rowCount;
    private LoadFilter filter;
    private long skipped;

    private String segmentPath;
    private FileChannel segmentChannel;
    /** What the Arrow writer writes to: the segment file, or an encrypting channel over it. */
    private java.nio.channels.WritableByteChannel segmentOutput;

    private ArrowFileWriter segmentWriter;
    private int segmentBatches;
    private long segmentRows;

    private boolean committed;
    private boolean closed;

    ArrowTableWriter(Warehouse warehouse, TableDef table, int batchRows, int batchesPerSegment) {
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
        this.table = requireNonNull(table, "table is null");
        this.batchRows = batchRows;
        this.batchesPerSegment = batchesPerSegment;
        this.relativeDirectory = Warehouse.DATA_DIRECTORY + "/"
                + SegmentFiles.directoryName(table.name().schema()) + "/"
                + SegmentFiles.directoryName(table.name().table());
        this.tableDirectory = warehouse.root().resolve(relativeDirectory);
        this.allocator = warehouse.allocator().newChildAllocator("writer " + table.name(), 0, Long.MAX_VALUE);
        try {
            this.root = VectorSchemaRoot.create(ArrowSchemas.schema(table.columns()), allocator);
            this.vectors = root.getFieldVectors().toArray(new FieldVector[0]);
            this.valueWriters = new ValueWriter[vectors.length];
            for (int i = 0; i < vectors.length; i++) {
                FieldVector vector = vectors[i];
                if (vector instanceof BaseVariableWidthVector v) {
                    v.allocateNew((long) batchRows * INITIAL_BYTES_PER_STRING, batchRows);
                } else {
                    vector.setInitialCapacity(batchRows);
                    vector.allocateNew();
                }
                valueWriters[i] = new ValueWriter(table.name(), table.columns().get(i), vector);
            }
        } catch (RuntimeException e) {
            closeMemory();
            throw e;
        }
    }

    TableDef table() {
        return table;
    }

    /** The vector of column {@code i}; write the current row at {@link #rowIndex()}. */
    FieldVector vector(int i) {
        return vectors[i];
    }

    /** Where in the current batch the next row goes. */
    int rowIndex() {
        return rowInBatch;
    }

    /**
     * Drops, from now on, every row whose value in {@code filter}'s column it rejects (the row's
     * slot is written over by the next row).
     */
    void setFilter(LoadFilter filter) {
        if (filter != null && filter.column() >= vectors.length) {
            throw new IllegalArgumentException("filter column out of range");
        }
        this.filter = filter;
    }

    /** Rows the {@link #setFilter filter} dropped. */
    long skippedRows() {
        return skipped;
    }

    /** Completes the row written at {@link #rowIndex()}; writes the batch out when it is full. */
    void endRow() {
        if (filter != null && !filter.keep().test(ArrowValues.get(vectors[filter.column()], rowInBatch))) {
            skipped++;
            return;
        }
        rowInBatch++;
        rowCount++;
        if (rowInBatch == batchRows) {
            flushBatch();
        }
    }

    @Override
    public void append(Object[] row) {
        requireNonNull(row, "row is null");
        checkWritable();
        List<Column> columns = table.columns();
        if (row.length != columns.size()) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "Table '" + table.name() + "' has " + columns.size() + " columns; got a row of " + row.length
                            + " values");
        }
        for (int i = 0; i < row.length; i++) {
            valueWriters[i].write(rowInBatch, row[i]);
        }
        endRow();
    }

    @Override
    public long rowCount() {
        return rowCount;
    }

    @Override
    public TableVersion commit() {
        checkWritable();
        try {
            flushBatch();
            finishSegment();
            if (segments.isEmpty()) {
                committed = true;
                return warehouse.catalog().currentVersion(table.id());
            }
            // The files are forced already; force the directories too, so that the entries naming
            // them survive a power loss once the catalog says they exist.
            SegmentFiles.forceDirectory(tableDirectory);
            SegmentFiles.forceDirectory(tableDirectory.getParent());
            SegmentFiles.forceDirectory(tableDirectory.getParent().getParent());
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR,
                    "Cannot write segments of table '" + table.name() + "': " + e.getMessage(),
                    e);
        }
        TableVersion version = warehouse.commitAppend(table.id(), segments, createdFiles);
        committed = true;
        return version;
    }

    /**
     * Finishes and fsyncs the written segments without committing them (for {@link SegmentRewrite},
     * which commits several tables at once): returns them, and hands the writer's files over to
     * {@code files}, which then owns them (they stay pinned until it commits or discards them).
     */
    List<SegmentInfo> stage(List<String> files) {
        checkWritable();
        try {
            flushBatch();
            finishSegment();
            if (!segments.isEmpty()) {
                SegmentFiles.forceDirectory(tableDirectory);
                SegmentFiles.forceDirectory(tableDirectory.getParent());
                SegmentFiles.forceDirectory(tableDirectory.getParent().getParent());
            }
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR,
                    "Cannot write segments of table '" + table.name() + "': " + e.getMessage(),
                    e);
        }
        files.addAll(createdFiles);
        createdFiles.clear();
        committed = true;
        return List.copyOf(segments);
    }

    private void checkWritable() {
        if (closed || committed) {
            throw new IllegalStateException("writer of " + table.name() + " is " + (closed ? "closed" : "committed"));
        }
    }

    private void flushBatch() {
        if (rowInBatch == 0) {
            return;
        }
        try {
            root.setRowCount(rowInBatch);
            if (segmentWriter == null) {
                startSegment();
            }
            segmentWriter.writeBatch();
            segmentBatches++;
            segmentRows += rowInBatch;
            for (FieldVector vector : vectors) {
                vector.reset();
            }
            rowInBatch = 0;
            if (segmentBatches == batchesPerSegment) {
                finishSegment();
            }
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR,
                    "Cannot write segment " + segmentPath + " of table '" + table.name() + "': " + e.getMessage(),
                    e);
        }
    }

    private void startSegment() throws IOException {
        String name = SegmentFiles.newFileName();
        String path = relativeDirectory + "/" + name;
        // Registered before the file (or its directory) exists, so garbage collection never sees
        // either unclaimed.
        warehouse.pin(path);
        createdFiles.add(path);
        Files.createDirectories(tableDirectory);
        segmentPath = path;
        segmentChannel =
                FileChannel.open(tableDirectory.resolve(name), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        WarehouseKeys keys = warehouse.keys();
        segmentOutput = keys == null ? segmentChannel : keys.encrypting(segmentChannel, name);
        segmentWriter = new ArrowFileWriter(root, null, segmentOutput);
        segmentWriter.start();
        segmentBatches = 0;
        segmentRows = 0;
    }

    private void finishSegment() throws IOException {
        if (segmentWriter == null) {
            return;
        }
        segmentWriter.end();
        if (segmentOutput instanceof EncryptingChannel encrypting) {
            encrypting.finish();
        }
        segmentChannel.force(true);
        long size = segmentChannel.size();
        segmentWriter.close(); // closes the channel too
        segments.add(new SegmentInfo(segmentPath, segmentRows, size));
        segmentWriter = null;
        segmentChannel = null;
        segmentOutput = null;
        segmentPath = null;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (segmentChannel != null) {
                // Not segmentWriter.close(): that would first write a footer we do not want.
                segmentChannel.close();
            }
        } catch (IOException e) {
            throw new VeilException(
                    ErrorCode.STORAGE_IO_ERROR, "Cannot close segment " + segmentPath + ": " + e.getMessage(), e);
        } finally {
            try {
                if (!committed) {
                    warehouse.discard(createdFiles);
                }
            } finally {
                closeMemory();
            }
        }
    }

    private void closeMemory() {
        if (root != null) {
            root.close();
        }
        allocator.close();
    }
}
