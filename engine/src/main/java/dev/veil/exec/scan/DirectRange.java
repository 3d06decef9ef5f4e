package dev.veil.exec.scan;

import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;

/**
 * A range test of an integer-like column over a selection, reading each selected value straight
 * from the vector's data buffer (as {@link LongColumns} decodes it) instead of from a decoded
 * batch: a test that follows a selective one then touches only the rows still selected. The
 * buffer is read without Arrow's per-access bounds checks, after one check that it holds the
 * last selected row.
 */
final class DirectRange {
    private DirectRange() {}

    /**
     * Keeps, in order at the front of {@code rows}, those of {@code rows[0..count)} (strictly
     * ascending, {@code count > 0}) whose value lies in {@code [lo, hi]}, and returns how many; or returns -1,
     * leaving {@code rows} as it was, if {@code vector} is not of a type read directly or its buffer
     * is too short. NULLs are not looked at: the caller handles a vector that has any.
     */
    static int filter(FieldVector vector, int[] rows, int count, long lo, long hi) {
        int width;
        boolean ints;
        if (vector instanceof IntVector || vector instanceof DateDayVector) {
            width = 4;
            ints = true;
        } else if (vector instanceof BigIntVector || vector instanceof TimeStampMilliVector) {
            width = 8;
            ints = false;
        } else if (vector instanceof DecimalVector) {
            // A column of precision 18 or less: the low 8 little-endian bytes are the unscaled value.
            width = DecimalVector.TYPE_WIDTH;
            ints = false;
        } else {
            return -1;
        }
        int last = rows[count - 1];
        ArrowBuf data = vector.getDataBuffer();
        if (last < 0 || last >= vector.getValueCount() || data.capacity() < (long) (last + 1) * width) {
            return -1;
        }
        long address = data.memoryAddress();
        int kept = 0;
        if (last == count - 1 && rows[0] == 0) {
            // Ascending distinct rows ending at count - 1 are 0..count-1: the batch's first test,
            // which reads every row, need not read the selection.
            if (ints) {
                for (int row = 0; row < count; row++) {
                    long v = MemoryUtil.getInt(address + (long) row * 4);
                    rows[kept] = row;
                    kept += (v >= lo && v <= hi) ? 1 : 0;
                }
            } else {
                for (int row = 0; row < count; row++) {
                    long v = MemoryUtil.getLong(address + (long) row * width);
                    rows[kept] = row;
                    kept += (v >= lo && v <= hi) ? 1 : 0;
                }
            }
            return kept;
        }
        if (ints) {
            for (int i = 0; i < count; i++) {
                int row = rows[i];
                long v = MemoryUtil.getInt(address + (long) row * 4);
                rows[kept] = row;
                kept += (v >= lo && v <= hi) ? 1 : 0;
            }
        } else {
            for (int i = 0; i < count; i++) {
                int row = rows[i];
                long v = MemoryUtil.getLong(address + (long) row * width);
                rows[kept] = row;
                kept += (v >= lo && v <= hi) ? 1 : 0;
            }
        }
        return kept;
    }
}
