package dev.veil.storage;

import dev.veil.catalog.ColumnType;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * What the planner knows about one column of one table version: its row count, how many of its
 * values are NULL, and an estimate of how many distinct non-NULL values it holds (exact for
 * small counts, within about 1% otherwise). Used only for cost estimates, never for results.
 *
 * @param rowCount rows in the table version
 * @param nullCount NULL values among them
 * @param distinctCount estimated distinct non-NULL values, at most {@code rowCount - nullCount}
 */
public record ColumnStatistics(long rowCount, long nullCount, double distinctCount) {
    public ColumnStatistics {
        if (rowCount < 0 || nullCount < 0 || nullCount > rowCount || !(distinctCount >= 0)) {
            throw new IllegalArgumentException("inconsistent column statistics: rows " + rowCount
                    + ", nulls " + nullCount + ", distinct " + distinctCount);
        }
    }

    /** Reads every value of the scan's single column and summarizes them. */
    static ColumnStatistics collect(BatchScan scan, ColumnType type) {
        DistinctCounter counter = new DistinctCounter();
        long rows = 0;
        long nulls = 0;
        for (VectorSchemaRoot batch = scan.next(); batch != null; batch = scan.next()) {
            FieldVector vector = batch.getVector(0);
            int n = batch.getRowCount();
            rows += n;
            nulls += vector.getNullCount();
            addAll(counter, vector, n, type);
        }
        long nonNull = rows - nulls;
        double distinct = nonNull == 0 ? 0 : Math.max(1, Math.min(nonNull, Math.round(counter.estimate())));
        return new ColumnStatistics(rows, nulls, distinct);
    }

    private static void addAll(DistinctCounter counter, FieldVector vector, int n, ColumnType type) {
        switch (type.type()) {
            case BOOLEAN -> {
                BitVector v = (BitVector) vector;
                for (int i = 0; i < n; i++) {
                    if (!v.isNull(i)) {
                        counter.add(DistinctCounter.mix(v.get(i)));
                    }
                }
            }
            case INTEGER, DATE -> addFixed(counter, (BaseFixedWidthVector) vector, n, 4);
            case BIGINT, TIMESTAMP -> addFixed(counter, (BaseFixedWidthVector) vector, n, 8);
            case DOUBLE -> {
                Float8Vector v = (Float8Vector) vector;
                for (int i = 0; i < n; i++) {
                    if (!v.isNull(i)) {
                        double d = v.get(i);
                        counter.add(DistinctCounter.mix(Double.doubleToLongBits(d == 0 ? 0d : d)));
                    }
                }
            }
            case DECIMAL -> {
                DecimalVector v = (DecimalVector) vector;
                ArrowBuf data = v.getDataBuffer();
                for (int i = 0; i < n; i++) {
                    if (!v.isNull(i)) {
                        long offset = (long) i * DecimalVector.TYPE_WIDTH;
                        long low = data.getLong(offset);
                        long high = data.getLong(offset + 8);
                        counter.add(DistinctCounter.mix(low ^ DistinctCounter.mix(high)));
                    }
                }
            }
            case VARCHAR -> {
                VarCharVector v = (VarCharVector) vector;
                ArrowBuf offsets = v.getOffsetBuffer();
                ArrowBuf data = v.getDataBuffer();
                for (int i = 0; i < n; i++) {
                    if (!v.isNull(i)) {
                        int start = offsets.getInt((long) i * VarCharVector.OFFSET_WIDTH);
                        int end = offsets.getInt((long) (i + 1) * VarCharVector.OFFSET_WIDTH);
                        counter.add(hashBytes(data, start, end));
                    }
                }
            }
        }
    }

    private static void addFixed(DistinctCounter counter, BaseFixedWidthVector v, int n, int width) {
        ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < n; i++) {
            if (!v.isNull(i)) {
                long value = width == 4 ? data.getInt((long) i * 4) : data.getLong((long) i * 8);
                counter.add(DistinctCounter.mix(value));
            }
        }
    }

    /** A 64-bit hash of bytes {@code [start, end)}, eight at a time. */
    private static long hashBytes(ArrowBuf data, int start, int end) {
        long h = 0x9e3779b97f4a7c15L ^ (end - start);
        int i = start;
        for (; i + 8 <= end; i += 8) {
            h = DistinctCounter.mix(h ^ data.getLong(i)) * 31;
        }
        long tail = 0;
        for (; i < end; i++) {
            tail = (tail << 8) | (data.getByte(i) & 0xff);
        }
        return DistinctCounter.mix(h ^ tail);
    }
}
