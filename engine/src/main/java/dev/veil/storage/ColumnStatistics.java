package dev.veil.storage;

import dev.veil.catalog.ColumnType;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * What the planner knows about one column (or a set of columns taken together) of one table
 * version: its row count, how many of its values are NULL, and an estimate of how many distinct
 * non-NULL values it holds (near-exact for small counts, within about 1% otherwise). Used only
 * for cost estimates, never for results.
 *
 * @param rowCount rows in the table version
 * @param nullCount NULL values among them
 * @param distinctCount estimated distinct non-NULL values, at most {@code rowCount - nullCount}
 */
public record ColumnStatistics(long rowCount, long nullCount, double distinctCount) {
    public ColumnStatistics {
        if (rowCount < 0 || nullCount < 0 || nullCount > rowCount || !(distinctCount >= 0)) {
            throw new IllegalArgumentException("inconsistent column statistics: rows " + rowCount + ", nulls "
                    + nullCount + ", distinct " + distinctCount);
        }
    }

    /**
     * Reads every row of the scan and summarizes its columns taken together: a row counts as NULL
     * if any of its values is, and distinct rows are distinct combinations of values.
     */
    static ColumnStatistics collect(BatchScan scan, List<ColumnType> types) {
        return merge(List.of(collectSegment(scan, types)));
    }

    /**
     * The statistics of a table version from those of its segments ({@link #collectSegment}):
     * the same as {@link #collect} over the whole version.
     */
    static ColumnStatistics merge(List<SegmentStatistics> segments) {
        DistinctCounter counter = new DistinctCounter();
        long rows = 0;
        long nulls = 0;
        for (SegmentStatistics segment : segments) {
            rows += segment.rows();
            nulls += segment.nulls();
            segment.addTo(counter);
        }
        long nonNull = rows - nulls;
        double distinct = nonNull == 0 ? 0 : Math.max(1, Math.min(nonNull, Math.round(counter.estimate())));
        return new ColumnStatistics(rows, nulls, distinct);
    }

    /**
     * Reads every row of the scan (one segment's, typically) and summarizes its columns taken
     * together, in a form that merges with other segments' ({@link #merge}).
     */
    static SegmentStatistics collectSegment(BatchScan scan, List<ColumnType> types) {
        DistinctCounter counter = null; // until the listed hashes grow past what a sketch costs
        long[] listed = new long[64];
        int listedCount = 0;
        long rows = 0;
        long nulls = 0;
        long[] hashes = new long[0];
        long[] rowHashes = new long[0];
        for (VectorSchemaRoot batch = scan.next(); batch != null; batch = scan.next()) {
            int n = batch.getRowCount();
            if (hashes.length < n) {
                hashes = new long[n];
                rowHashes = new long[n];
            }
            Arrays.fill(rowHashes, 0, n, 0L);
            for (int c = 0; c < types.size(); c++) {
                hash(batch.getVector(c), n, types.get(c), hashes);
                for (int i = 0; i < n; i++) {
                    rowHashes[i] = rowHashes[i] == NULL_HASH || hashes[i] == NULL_HASH
                            ? NULL_HASH
                            : DistinctCounter.mix(rowHashes[i] * 31 + hashes[i]);
                }
            }
            rows += n;
            for (int i = 0; i < n; i++) {
                long h = rowHashes[i];
                if (h == NULL_HASH) {
                    nulls++;
                } else if (counter != null) {
                    counter.add(h);
                } else {
                    if (listedCount == listed.length) {
                        if (listedCount >= 4 * SegmentStatistics.MAX_LISTED_HASHES) {
                            counter = new DistinctCounter();
                            for (int j = 0; j < listedCount; j++) {
                                counter.add(listed[j]);
                            }
                            counter.add(h);
                            continue;
                        }
                        listed = Arrays.copyOf(listed, listedCount * 2);
                    }
                    listed[listedCount++] = h;
                }
            }
        }
        return counter == null
                ? SegmentStatistics.ofHashes(rows, nulls, listed, listedCount)
                : SegmentStatistics.ofSketch(rows, nulls, counter);
    }

    /** Marks a NULL value among hashes (a real value hashing to it is merely counted as NULL). */
    private static final long NULL_HASH = 0x8000000000000000L;

    /** Sets {@code out[i]} to a hash of row {@code i}'s value, {@link #NULL_HASH} for NULL. */
    private static void hash(FieldVector vector, int n, ColumnType type, long[] out) {
        switch (type.type()) {
            case BOOLEAN -> {
                BitVector v = (BitVector) vector;
                for (int i = 0; i < n; i++) {
                    out[i] = v.isNull(i) ? NULL_HASH : DistinctCounter.mix(v.get(i));
                }
            }
            case INTEGER, DATE -> hashFixed((BaseFixedWidthVector) vector, n, 4, out);
            case BIGINT, TIMESTAMP -> hashFixed((BaseFixedWidthVector) vector, n, 8, out);
            case DOUBLE -> {
                Float8Vector v = (Float8Vector) vector;
                for (int i = 0; i < n; i++) {
                    if (v.isNull(i)) {
                        out[i] = NULL_HASH;
                    } else {
                        double d = v.get(i);
                        out[i] = DistinctCounter.mix(Double.doubleToLongBits(d == 0 ? 0d : d));
                    }
                }
            }
            case DECIMAL -> {
                DecimalVector v = (DecimalVector) vector;
                ArrowBuf data = v.getDataBuffer();
                for (int i = 0; i < n; i++) {
                    if (v.isNull(i)) {
                        out[i] = NULL_HASH;
                    } else {
                        long offset = (long) i * DecimalVector.TYPE_WIDTH;
                        out[i] = DistinctCounter.mix(
                                data.getLong(offset) ^ DistinctCounter.mix(data.getLong(offset + 8)));
                    }
                }
            }
            case VARCHAR -> {
                VarCharVector v = (VarCharVector) vector;
                ArrowBuf offsets = v.getOffsetBuffer();
                ArrowBuf data = v.getDataBuffer();
                for (int i = 0; i < n; i++) {
                    if (v.isNull(i)) {
                        out[i] = NULL_HASH;
                    } else {
                        int start = offsets.getInt((long) i * VarCharVector.OFFSET_WIDTH);
                        int end = offsets.getInt((long) (i + 1) * VarCharVector.OFFSET_WIDTH);
                        out[i] = hashBytes(data, start, end);
                    }
                }
            }
        }
    }

    private static void hashFixed(BaseFixedWidthVector v, int n, int width, long[] out) {
        ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < n; i++) {
            if (v.isNull(i)) {
                out[i] = NULL_HASH;
            } else {
                long value = width == 4 ? data.getInt((long) i * 4) : data.getLong((long) i * 8);
                out[i] = DistinctCounter.mix(value);
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
