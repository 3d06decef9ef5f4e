package dev.veil.exec.runtime;

import java.math.BigDecimal;
import java.util.List;

/**
 * Estimates of the heap a row or value takes, erring high: a boxed number as its object, a string
 * as two bytes a character plus its objects, an {@code Object[]} row as its array plus its values.
 * The estimates stand for memory an operator keeps, so they must not be below what the JVM uses;
 * how much they exceed it only makes limits trigger a little early.
 */
public final class RowSizes {
    /** What a hash table or sort buffer spends per row beyond the row itself (entry, bucket, list slot, key copy). */
    public static final long ENTRY_OVERHEAD = 160;
    /** What a hash aggregate spends per group and aggregate call (the accumulator). */
    static final long ACCUMULATOR = 48;

    private RowSizes() {}

    /** The estimated bytes of a row in any of the runtime's shapes ({@code Object[]}, a list, a single value). */
    public static long row(Object row) {
        if (row instanceof Object[] values) {
            long bytes = 16 + 8L * values.length;
            for (Object v : values) {
                bytes += value(v);
            }
            return bytes;
        }
        return value(row);
    }

    /** The estimated bytes of one value held by reference. */
    public static long value(Object v) {
        if (v == null) {
            return 0;
        }
        if (v instanceof String s) {
            return 48 + 2L * s.length();
        }
        if (v instanceof Long
                || v instanceof Double
                || v instanceof Integer
                || v instanceof Boolean
                || v instanceof Short
                || v instanceof Byte
                || v instanceof Float
                || v instanceof Character) {
            return 24;
        }
        if (v instanceof BigDecimal d) {
            // p digits take at most 4p bits, so p / 2 + 1 bytes are at least bitLength / 8 of the
            // unscaled value; unlike unscaledValue(), precision() allocates nothing for a value
            // that fits in a long (a BigInteger on every call: 3% of TPC-H Q9's samples).
            return 96 + d.precision() / 2 + 1;
        }
        if (v instanceof Object[] array) {
            return row(array);
        }
        if (v instanceof List<?> list) {
            long bytes = 40 + 8L * list.size();
            for (Object e : list) {
                bytes += value(e);
            }
            return bytes;
        }
        if (v instanceof byte[] bytes) {
            return 16 + bytes.length;
        }
        return 64;
    }
}
