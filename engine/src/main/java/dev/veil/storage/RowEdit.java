package dev.veil.storage;

/** What a {@link SegmentRewrite} does to one row of a table. */
@FunctionalInterface
public interface RowEdit {
    /**
     * The row to keep: {@code row} itself when it stays as it is, a new array (same length) to
     * replace it, or null to delete it. {@code row} holds every column, in the representation
     * of {@link dev.veil.catalog.VeilType}; the edit may not modify it.
     */
    Object[] apply(Object[] row);
}
