package dev.veil.exec.scan;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;

/**
 * Decodes integer-like Arrow vectors into {@code long} arrays, one tight loop per vector type, so
 * that predicates over a batch loop over plain longs instead of calling a getter per row.
 */
public final class LongColumns {
    private LongColumns() {}

    /**
     * The value of row {@code row} of {@code vector} as {@link #decode} gives it, read alone (for
     * a few rows of a batch, where decoding the whole column would cost more).
     */
    public static long value(FieldVector vector, int row) {
        ArrowBuf data = vector.getDataBuffer();
        if (vector instanceof IntVector || vector instanceof DateDayVector) {
            return data.getInt((long) row * 4);
        } else if (vector instanceof BigIntVector || vector instanceof TimeStampMilliVector) {
            return data.getLong((long) row * 8);
        } else if (vector instanceof DecimalVector) {
            return data.getLong((long) row * DecimalVector.TYPE_WIDTH);
        } else if (vector instanceof BitVector) {
            return (data.getByte(row >>> 3) >>> (row & 7)) & 1;
        }
        throw new IllegalStateException("no long view of " + vector.getClass().getSimpleName());
    }

    /**
     * The first {@code count} values of {@code vector} as longs, in {@code reuse} if it is large
     * enough; entries of NULL rows are whatever the data buffer holds. A DECIMAL vector must be of
     * a column of precision 18 or less; its values are unscaled.
     */
    public static long[] decode(FieldVector vector, int count, long[] reuse) {
        long[] out = reuse != null && reuse.length >= count ? reuse : new long[Math.max(count, 1)];
        ArrowBuf data = vector.getDataBuffer();
        if (vector instanceof IntVector || vector instanceof DateDayVector) {
            for (int i = 0; i < count; i++) {
                out[i] = data.getInt((long) i * 4);
            }
        } else if (vector instanceof BigIntVector || vector instanceof TimeStampMilliVector) {
            for (int i = 0; i < count; i++) {
                out[i] = data.getLong((long) i * 8);
            }
        } else if (vector instanceof DecimalVector) {
            // The unscaled value fits a long, so its low 8 little-endian bytes are the whole value.
            for (int i = 0; i < count; i++) {
                out[i] = data.getLong((long) i * DecimalVector.TYPE_WIDTH);
            }
        } else if (vector instanceof BitVector) {
            for (int i = 0; i < count; i++) {
                out[i] = (data.getByte(i >>> 3) >>> (i & 7)) & 1;
            }
        } else {
            throw new IllegalStateException(
                    "no long view of " + vector.getClass().getSimpleName());
        }
        return out;
    }
}
