package dev.veil.schema;

/**
 * A scan of a stored table that reads only some of its columns, so that the table's statistics
 * can answer for the scan's output fields.
 */
public interface ProjectedScan {
    /** The table column each output field reads. */
    int[] projects();
}
