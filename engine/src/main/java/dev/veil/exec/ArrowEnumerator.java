package dev.veil.exec;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import dev.veil.storage.BatchScan;
import dev.veil.storage.Warehouse;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
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
    private final int[] loadedColumns;

    private BatchScan scan;
    private int rowCount;
    private int row;
    private VectorValues.Reader[] readers;
    /** One per output column, kept across batches. */
    private final ValueCache[] caches;
    private ScanPredicate.RowTest test;
    private Object current;
    private boolean done;

    ArrowEnumerator(Warehouse warehouse, TableDef table, TableVersion version, ScanSpec spec, AtomicBoolean cancelFlag,
            DynamicFilters dynamicFilters) {
        this.warehouse = requireNonNull(warehouse, "warehouse is null");
        this.table = requireNonNull(table, "table is null");
        this.version = requireNonNull(version, "version is null");
        this.spec = requireNonNull(spec, "spec is null");
        this.cancelFlag = requireNonNull(cancelFlag, "cancelFlag is null");
        this.dynamicFilters = requireNonNull(dynamicFilters, "dynamicFilters is null");
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
            row = 0;
        }
        while (true) {
            if (row >= rowCount && !nextBatch()) {
                done = true;
                close();
                return false;
            }
            int r = row++;
            if (test != null && !test.test(r)) {
                continue;
            }
            current = buildRow(r);
            return true;
        }
    }

    private boolean nextBatch() {
        while (true) {
            if (cancelFlag.get()) {
                throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
            }
            VectorSchemaRoot batch = scan.next();
            if (batch == null) {
                return false;
            }
            if (batch.getRowCount() == 0) {
                continue;
            }
            bind(batch);
            rowCount = batch.getRowCount();
            row = 0;
            return true;
        }
    }

    private void bind(VectorSchemaRoot batch) {
        int[] outputs = spec.outputColumns();
        readers = new VectorValues.Reader[outputs.length];
        for (int i = 0; i < outputs.length; i++) {
            int position = positionOf(outputs[i]);
            readers[i] = VectorValues.reader(batch.getVector(position), table.columns().get(outputs[i]).type(),
                    caches[i]);
        }
        ScanPredicate filter = spec.filter();
        test = filter == null ? null : filter.bind(column -> batch.getVector(positionOf(column)));
        for (ScanDynamicFilter dynamic : spec.dynamicFilters()) {
            KeySet keys = dynamicFilters.keys(dynamic.id());
            if (keys != null) {
                test = and(test, keyTest(batch.getVector(positionOf(dynamic.tableColumn())), keys));
            }
        }
    }

    private static ScanPredicate.RowTest and(ScanPredicate.RowTest first, ScanPredicate.RowTest second) {
        return first == null ? second : row -> first.test(row) && second.test(row);
    }

    /** Passes rows whose (integer) key is in {@code keys}; NULL matches no join key. */
    private static ScanPredicate.RowTest keyTest(FieldVector vector, KeySet keys) {
        if (vector instanceof BigIntVector v) {
            return row -> !v.isNull(row) && keys.contains(v.get(row));
        }
        if (vector instanceof IntVector v) {
            return row -> !v.isNull(row) && keys.contains(v.get(row));
        }
        if (vector instanceof DateDayVector v) {
            return row -> !v.isNull(row) && keys.contains(v.get(row));
        }
        throw new IllegalStateException("no dynamic filter on a " + vector.getClass().getSimpleName());
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
        rowCount = 0;
        row = 0;
    }
}
