package dev.veil.exec.scan;

import java.util.Objects;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.calcite.rex.RexNode;

/**
 * {@code column [NOT] LIKE pattern} on a VARCHAR column, matched on the batch's UTF-8 bytes by a
 * {@link LikePattern} compiled once. A NULL value makes the predicate UNKNOWN, with or without
 * NOT, so its row never passes.
 */
record LikeLeaf(int column, LikePattern pattern, boolean negated, RexNode source) implements ScanPredicate {
    LikeLeaf {
        Objects.requireNonNull(pattern, "pattern is null");
        Objects.requireNonNull(source, "source is null");
    }

    @Override
    public int[] columns() {
        return new int[] {column};
    }

    @Override
    public RowTest bind(VectorLookup vectors) {
        FieldVector v = vectors.vector(column);
        if (!(v instanceof VarCharVector strings)) {
            throw new IllegalStateException("LIKE on a " + v.getClass().getSimpleName() + ", not a VARCHAR vector");
        }
        return new Test(strings, pattern, negated);
    }

    @Override
    public String toString() {
        return source.toString();
    }

    /** The leaf over one batch: its offsets and data bytes copied out of the vector once. */
    private static final class Test implements RowTest {
        private final VarCharVector vector;
        private final LikePattern pattern;
        private final boolean negated;
        private final boolean hasNulls;
        private final int[] offsets;
        private final byte[] data;

        Test(VarCharVector vector, LikePattern pattern, boolean negated) {
            this.vector = vector;
            this.pattern = pattern;
            this.negated = negated;
            int n = vector.getValueCount();
            hasNulls = Validity.hasNulls(vector);
            offsets = new int[n + 1];
            ArrowBuf ob = vector.getOffsetBuffer();
            if (n > 0) {
                for (int i = 0; i <= n; i++) {
                    offsets[i] = ob.getInt((long) i * VarCharVector.OFFSET_WIDTH);
                }
            }
            data = new byte[offsets[n]];
            vector.getDataBuffer().getBytes(0, data, 0, data.length);
        }

        @Override
        public boolean test(int row) {
            if (hasNulls && vector.isNull(row)) {
                return false;
            }
            return pattern.matches(data, offsets[row], offsets[row + 1]) != negated;
        }

        @Override
        public int filter(int[] rows, int count) {
            if (hasNulls) {
                return RowTest.super.filter(rows, count);
            }
            int kept = 0;
            for (int i = 0; i < count; i++) {
                int row = rows[i];
                rows[kept] = row;
                kept += pattern.matches(data, offsets[row], offsets[row + 1]) != negated ? 1 : 0;
            }
            return kept;
        }
    }
}
