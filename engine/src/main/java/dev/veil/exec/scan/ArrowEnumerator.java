package dev.veil.exec.scan;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import dev.veil.storage.BatchScan;
import dev.veil.storage.Warehouse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.Enumerator;

/**
 * Streams the rows of one table version batch by batch: loads only the needed columns, skips
 * rows the pushed-down predicate or a complete dynamic filter rejects, and builds a row object
 * only for rows that pass. Dynamic filters are looked up per batch, so a key set that a join
 * publishes while the scan runs takes effect from the next batch.
 */
final class ArrowEnumerator implements Enumerator<Object> {
    private final Warehouse warehouse;
    private final TableDef table;
    private final TableVersion version;
    private final ScanSpec spec;
    private final AtomicBoolean cancelFlag;
    private final DynamicFilters dynamicFilters;
    private final DataContext context;
    private final int[] loadedColumns;

    private BatchScan scan;
    private int rowCount;
    /** The rows of the batch that pass the filters, in {@code selection[0..selected)}; null when all do. */
    private int[] selection;

    private int[] selectionBuffer;
    private int selected;
    /** The next position in the selection. */
    private int row;
    /** Per loaded column, its values decoded as longs for the current batch (see {@link #longs}). */
    private long[][] decoded;

    private boolean[] decodedValid;
    private VectorValues.Reader[] readers;
    /** One per output column, kept across batches. */
    private final ValueCache[] caches;

    private ScanPredicate.RowTest test;
    private Object current;
    private boolean done;

    ArrowEnumerator(
            Warehouse warehouse,
            TableDef table,
            TableVersion version,
            ScanSpec spec,
            AtomicBoolean cancelFlag,
            DynamicFilters dynamicFilters,
            DataContext context) {
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
        this.table = requireNonNull(table, "table is null");
        this.version = requireNonNull(version, "version is null");
        this.spec = requireNonNull(spec, "spec is null");
        this.cancelFlag = requireNonNull(cancelFlag, "cancelFlag is null");
        this.dynamicFilters = requireNonNull(dynamicFilters, "dynamicFilters is null");
        this.context = context;
        this.loadedColumns = spec.loadedColumns();
        this.caches = new ValueCache[spec.outputColumns().length];
        for (int i = 0; i < caches.length; i++) {
            caches[i] = new ValueCache();
        }
    }

    @Override
    public Object current() {
        return current;
    }

    @Override
    public boolean moveNext() {
        if (done) {
            return false;
        }
        if (scan == null) {
            scan = warehouse.scan(table, version, loadedColumns);
            rowCount = 0;
            selected = 0;
            row = 0;
        }
        if (row >= selected && !nextBatch()) {
            done = true;
            close();
            return false;
        }
        int r = row++;
        current = buildRow(selection == null ? r : selection[r]);
        return true;
    }

    private boolean nextBatch() {
        while (true) {
            if (cancelFlag.get()) {
                throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
            }
            dev.veil.control.CpuScheduler.checkpoint();
            VectorSchemaRoot batch = scan.next();
            if (batch == null) {
                return false;
            }
            if (batch.getRowCount() == 0) {
                continue;
            }
            rowCount = batch.getRowCount();
            row = 0;
            bind(batch);
            if (test == null) {
                selection = null;
                selected = rowCount;
            } else {
                if (selectionBuffer == null || selectionBuffer.length < rowCount) {
                    selectionBuffer = new int[rowCount];
                }
                for (int i = 0; i < rowCount; i++) {
                    selectionBuffer[i] = i;
                }
                selection = selectionBuffer;
                selected = test.filter(selection, rowCount);
            }
            if (selected > 0) {
                return true;
            }
        }
    }

    private void bind(VectorSchemaRoot batch) {
        int[] outputs = spec.outputColumns();
        readers = new VectorValues.Reader[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            int position = positionOf(outputs[i]);
            readers[i] = VectorValues.reader(
                    batch.getVector(position), table.columns().get(outputs[i]).type(), caches[i]);
        }
        if (decoded == null) {
            decoded = new long[loadedColumns.length][];
            decodedValid = new boolean[loadedColumns.length];
        }
        java.util.Arrays.fill(decodedValid, false);
        ScanPredicate.VectorLookup lookup = new ScanPredicate.VectorLookup() {
            @Override
            public FieldVector vector(int tableColumn) {
                return batch.getVector(positionOf(tableColumn));
            }

            @Override
            public long[] longs(int tableColumn) {
                return ArrowEnumerator.this.longs(batch, positionOf(tableColumn));
            }

            @Override
            public DataContext context() {
                return context;
            }
        };
        // Dynamic filters first: a key test is cheap, and the join that publishes one is there
        // because it drops rows.
        ScanPredicate.RowTest combined = dynamicFilters.test(spec.dynamicFilters(), lookup);
        ScanPredicate filter = spec.filter();
        if (filter != null) {
            ScanPredicate.RowTest pushed = filter.bind(lookup);
            combined = combined == null ? pushed : new BothTest(combined, pushed);
        }
        test = combined;
    }

    private long[] longs(VectorSchemaRoot batch, int position) {
        if (!decodedValid[position]) {
            decoded[position] = LongColumns.decode(batch.getVector(position), rowCount, decoded[position]);
            decodedValid[position] = true;
        }
        return decoded[position];
    }

    /** Rows that pass both tests. */
    private record BothTest(ScanPredicate.RowTest first, ScanPredicate.RowTest second)
            implements ScanPredicate.RowTest {
        @Override
        public boolean test(int row) {
            return first.test(row) && second.test(row);
        }

        @Override
        public int filter(int[] rows, int count) {
            return second.filter(rows, first.filter(rows, count));
        }
    }

    private int positionOf(int tableColumn) {
        for (int i = 0; i < loadedColumns.length; i++) {
            if (loadedColumns[i] == tableColumn) {
                return i;
            }
        }
        throw new IllegalStateException("column " + tableColumn + " is not loaded");
    }

    private Object buildRow(int r) {
        if (spec.scalar()) {
            return readers[0].read(r);
        }
        Object[] values = new Object[readers.length];
        for (int i = 0; i < readers.length; i++) {
            values[i] = readers[i].read(r);
        }
        return values;
    }

    @Override
    public void reset() {
        close();
        done = false;
    }

    @Override
    public void close() {
        if (scan != null) {
            scan.close();
            scan = null;
        }
        readers = null;
        test = null;
        selection = null;
        rowCount = 0;
        selected = 0;
        row = 0;
    }
}
