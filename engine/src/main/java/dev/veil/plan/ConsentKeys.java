package dev.veil.plan;

/**
 * The keys a consent condition ({@link ConsentCall}) lets through in one execution: those whose
 * privacy unit, found along the condition's steps, has the consent it asks for at the statement
 * time. NULL, and a key whose unit is not found, is never let through. Built once per execution
 * and condition by {@code exec}, and shared by every row and thread of the execution.
 */
public interface ConsentKeys {
    /** Whether {@code key} (a value in the representation of its SQL type, or null) is let through. */
    boolean contains(Object key);

    /** Whether the key of an integral, DATE (days) or TIMESTAMP (milliseconds) column is let through. */
    boolean containsLong(long key);

    /**
     * Keeps, in order at the front of {@code rows}, those of {@code rows[0..count)} whose key
     * {@code keys[row]} (of an integral, DATE or TIMESTAMP column, none NULL) is let through; returns
     * how many: {@link #containsLong} over a batch's key column.
     */
    default int filter(long[] keys, int[] rows, int count) {
        int kept = 0;
        for (int i = 0; i < count; i++) {
            int row = rows[i];
            rows[kept] = row;
            kept += containsLong(keys[row]) ? 1 : 0;
        }
        return kept;
    }

    /**
     * The keys let through, listed for a remote database's statement parameter: a {@code long[]}
     * in ascending order for integral keys, or a {@code String[]} in ascending order for text keys;
     * null when this set only answers tests (keys found along lookup steps).
     */
    default Object list() {
        return null;
    }
}
