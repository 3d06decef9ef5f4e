package dev.veil.exec.scan;

import org.apache.arrow.vector.FieldVector;
import org.apache.calcite.DataContext;

/**
 * A predicate on table columns that a scan evaluates on each Arrow batch before building rows.
 * Rows for which the SQL predicate is FALSE or UNKNOWN are skipped.
 */
public interface ScanPredicate {
    /** The table column positions the predicate reads. */
    int[] columns();

    /** Binds the predicate to one batch; {@code vectors} maps a table column position to its vector. */
    RowTest bind(VectorLookup vectors);

    /** Access to the loaded vectors of the current batch by table column position. */
    @FunctionalInterface
    interface VectorLookup {
        FieldVector vector(int tableColumn);

        /**
         * The values of an integer-like column (BOOLEAN, INTEGER, BIGINT, DATE, TIMESTAMP, DECIMAL
         * of precision 18 or less, as unscaled values) for every row of the batch; a NULL row's
         * entry is meaningless. A scan shares one decoded array among the predicates on a column.
         */
        default long[] longs(int tableColumn) {
            FieldVector v = vector(tableColumn);
            return LongColumns.decode(v, v.getValueCount(), null);
        }

        /**
         * The context of the execution the scan belongs to: its statement time and its consent
         * conditions ({@code plan.StatementTime}, {@code plan.ConsentCall}).
         */
        default DataContext context() {
            throw new IllegalStateException("this scan has no execution context");
        }
    }

    /** The predicate bound to one batch. */
    @FunctionalInterface
    interface RowTest {
        boolean test(int row);

        /**
         * Keeps, in order at the front of {@code rows}, those of {@code rows[0..count)} that pass;
         * returns how many. Tests on one column override it with a loop over the batch's values.
         */
        default int filter(int[] rows, int count) {
            int kept = 0;
            for (int i = 0; i < count; i++) {
                int row = rows[i];
                if (test(row)) {
                    rows[kept++] = row;
                }
            }
            return kept;
        }
    }
}
