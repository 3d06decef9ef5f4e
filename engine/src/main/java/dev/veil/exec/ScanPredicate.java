package dev.veil.exec;

import org.apache.arrow.vector.FieldVector;

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
    }

    /** The predicate bound to one batch. */
    @FunctionalInterface
    interface RowTest {
        boolean test(int row);
    }
}
