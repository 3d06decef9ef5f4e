package dev.veil.exec.aggregate;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableDef;
import dev.veil.exec.scan.DynamicFilters;
import dev.veil.exec.scan.LongColumns;
import dev.veil.exec.scan.ScanDynamicFilter;
import dev.veil.exec.scan.ScanPredicate;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.DataContext;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The columns of the batch a vectorized operator is working on, by table column, as the scan's
 * filter reads them: each integer-like column is decoded at most once per batch and shared by the
 * filter's tests and the operator, and the filter gets the execution's context (its statement time
 * and consent conditions). {@link #select} loads a batch and selects the rows that the dynamic
 * filters published so far and the filter accept.
 * One per scan run; not thread-safe.
 */
final class BatchColumns implements ScanPredicate.VectorLookup {
    /** The loaded columns of the current batch, by table column (null for columns not loaded). */
    final FieldVector[] vectors;

    private final TableDef def;
    private final int[] loadedColumns;
    private final @Nullable ScanPredicate filter;
    private final List<ScanDynamicFilter> dynamicFilters;
    private final @Nullable DynamicFilters fixedSets;
    private final long[][] decoded;
    private final boolean[] decodedValid;
    private final DataContext root;
    private int[] selection = new int[0];

    /**
     * Columns of {@code def}; a batch holds {@code loadedColumns} (in this order), and
     * {@code filter} (null: none) selects its rows.
     */
    BatchColumns(TableDef def, int[] loadedColumns, @Nullable ScanPredicate filter, DataContext root) {
        this(def, loadedColumns, filter, List.of(), root);
    }

    /**
     * Columns of {@code def} as above, whose rows {@code dynamicFilters} (over loaded columns)
     * select too, by the key sets published when each batch starts.
     */
    BatchColumns(
            TableDef def,
            int[] loadedColumns,
            @Nullable ScanPredicate filter,
            List<ScanDynamicFilter> dynamicFilters,
            DataContext root) {
        this(def, loadedColumns, filter, dynamicFilters, null, root);
    }

    /**
     * Columns of {@code def} as above, whose rows {@code dynamicFilters} select by the key sets in
     * {@code fixedSets} ({@link DynamicFilters#fixed}) for every batch, or (null) by those published
     * when each batch starts.
     */
    BatchColumns(
            TableDef def,
            int[] loadedColumns,
            @Nullable ScanPredicate filter,
            List<ScanDynamicFilter> dynamicFilters,
            @Nullable DynamicFilters fixedSets,
            DataContext root) {
        this.fixedSets = fixedSets;
        this.def = def;
        this.loadedColumns = loadedColumns;
        this.filter = filter;
        this.dynamicFilters = List.copyOf(dynamicFilters);
        int tableColumns = def.columns().size();
        this.vectors = new FieldVector[tableColumns];
        this.decoded = new long[tableColumns][];
        this.decodedValid = new boolean[tableColumns];
        this.root = root;
    }

    /**
     * Starts batch {@code batch} of {@code rows} rows: loads its columns into {@link #vectors},
     * checks their buffers, and selects the rows the filter accepts into {@link #selection()}, in
     * row order. Returns how many.
     */
    int select(VectorSchemaRoot batch, int rows) {
        for (int i = 0; i < loadedColumns.length; i++) {
            vectors[loadedColumns[i]] = batch.getVector(i);
            requireBuffers(vectors[loadedColumns[i]], rows, def, loadedColumns[i]);
        }
        if (selection.length < rows) {
            selection = new int[rows];
        }
        for (int r = 0; r < rows; r++) {
            selection[r] = r;
        }
        Arrays.fill(decodedValid, false);
        int n = rows;
        ScanPredicate.RowTest keys = dynamicFilters.isEmpty()
                ? null
                : fixedSets != null
                        ? fixedSets.test(dynamicFilters, this)
                        : DynamicFilters.test(root, dynamicFilters, this);
        if (keys != null) {
            n = keys.filter(selection, n);
        }
        return filter == null || n == 0 ? n : filter.bind(this).filter(selection, n);
    }

    /** The rows {@link #select} selected, first; as long as the batch's rows at least. */
    int[] selection() {
        return selection;
    }

    /**
     * Checks that a vector's buffers hold {@code rows} values: the kernels read them without
     * bounds checks, so a short buffer must fail here rather than read outside it.
     */
    private static void requireBuffers(FieldVector v, int rows, TableDef def, int column) {
        long needed;
        ArrowBuf buffer;
        if (v instanceof BaseVariableWidthVector) {
            buffer = v.getOffsetBuffer();
            needed = (rows + 1L) * BaseVariableWidthVector.OFFSET_WIDTH;
        } else if (v instanceof BaseFixedWidthVector f && !(v instanceof BitVector)) {
            buffer = v.getDataBuffer();
            needed = (long) rows * f.getTypeWidth();
        } else {
            return;
        }
        if (v.getValueCount() < rows || buffer.capacity() < needed) {
            throw new VeilException(
                    ErrorCode.INTERNAL_ERROR,
                    "Column '" + def.columns().get(column).name() + "' of table " + def.name()
                            + " has a batch whose buffers are shorter than its rows");
        }
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
