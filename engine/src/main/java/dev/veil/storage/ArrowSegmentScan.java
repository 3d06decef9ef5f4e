package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Column;
import dev.veil.catalog.SegmentInfo;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The {@link BatchScan} of a {@link Warehouse}: reads the segments of a version one after the
 * other into a single projected root. Loading a batch releases the previous one's buffers, so
 * at most one batch is in memory however large the table; each column's bytes are read into a
 * buffer reused from batch to batch ({@link ReadBuffers}).
 */
final class ArrowSegmentScan implements BatchScan {
    private final Warehouse warehouse;
    private final TableDef table;
    private final List<SegmentInfo> segments;
    private final int[] columns;
    private final BufferAllocator allocator;
    private final VectorSchemaRoot root;
    private final VectorLoader loader;
    private final ReadBuffers readBuffers;
    private int nextSegment;
    private SegmentReader reader;
    private boolean closed;

    ArrowSegmentScan(Warehouse warehouse, TableDef table, TableVersion version, int[] columns) {
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
        this.table = requireNonNull(table, "table is null");
        this.segments = requireNonNull(version, "version is null").segments();
        this.columns = columns.clone();
        List<Column> projected = new ArrayList<>(columns.length);
        for (int column : columns) {
            if (column < 0 || column >= table.columns().size()) {
                throw new IllegalArgumentException("column " + column + " out of range for table " + table.name());
            }
            projected.add(table.columns().get(column));
        }
        this.allocator = warehouse.allocator().newChildAllocator("scan " + table.name(), 0, Long.MAX_VALUE);
        this.root = VectorSchemaRoot.create(ArrowSchemas.schema(projected), allocator);
        this.loader = new VectorLoader(root);
        this.readBuffers = new ReadBuffers(allocator, columns.length);
        warehouse.pinAll(segments);
    }

    @Override
    public Schema schema() {
        return root.getSchema();
    }

    @Override
    public VectorSchemaRoot next() {
        return advance(true) ? root : null;
    }

    @Override
    public boolean skip() {
        return advance(false);
    }

    /** Loads ({@code load}) or skips the next batch; false at the end. */
    private boolean advance(boolean load) {
        if (closed) {
            throw new IllegalStateException("scan of " + table.name() + " is closed");
        }
        while (true) {
            if (reader == null) {
                if (nextSegment >= segments.size()) {
                    return false;
                }
                String path = segments.get(nextSegment++).path();
                reader = new SegmentReader(
                        warehouse.root().resolve(path),
                        path,
                        table.columns(),
                        columns,
                        allocator,
                        readBuffers,
                        warehouse.keys(),
                        warehouse.mappedSegments());
            }
            // Lets go of the previous batch, so that its read buffers can take this one's bytes.
            root.clear();
            if (load ? reader.loadNext(loader) : reader.skipNext()) {
                return true;
            }
            reader.close();
            reader = null;
        }
    }

    /** The most memory this scan has held at once, in bytes. */
    long allocatorPeak() {
        return allocator.getPeakMemoryAllocation();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (reader != null) {
                reader.close();
            }
        } finally {
            try {
                root.close();
                readBuffers.close();
                allocator.close();
            } finally {
                warehouse.unpinAll(segments);
            }
        }
    }
}
