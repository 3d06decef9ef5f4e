package dev.veil.exec.aggregate;

import dev.veil.exec.scan.LongColumns;
import dev.veil.exec.scan.ScanPredicate;
import java.util.Arrays;
import org.apache.arrow.vector.FieldVector;
import org.apache.calcite.DataContext;

/**
 * The columns of the batch a vectorized operator is working on, by table column, as the scan's
 * filter reads them: each integer-like column is decoded at most once per batch and shared by the
 * filter's tests and the operator, and the filter gets the execution's context (its statement time
 * and consent conditions). One per scan run; not thread-safe.
 */
final class BatchColumns implements ScanPredicate.VectorLookup {
    /** The loaded columns of the current batch, by table column (null for columns not loaded). */
    final FieldVector[] vectors;

    private final long[][] decoded;
    private final boolean[] decodedValid;
    private final DataContext root;

    BatchColumns(int tableColumns, DataContext root) {
        this.vectors = new FieldVector[tableColumns];
        this.decoded = new long[tableColumns][];
        this.decodedValid = new boolean[tableColumns];
        this.root = root;
    }

    /** Starts a batch: {@link #vectors} hold its columns, and nothing decoded before is valid. */
    void newBatch() {
        Arrays.fill(decodedValid, false);
    }

    @Override
    public FieldVector vector(int tableColumn) {
        return vectors[tableColumn];
    }

    @Override
    public long[] longs(int tableColumn) {
        if (!decodedValid[tableColumn]) {
            FieldVector v = vectors[tableColumn];
            decoded[tableColumn] = LongColumns.decode(v, v.getValueCount(), decoded[tableColumn]);
            decodedValid[tableColumn] = true;
        }
        return decoded[tableColumn];
    }

    @Override
    public DataContext context() {
        return root;
    }
}
