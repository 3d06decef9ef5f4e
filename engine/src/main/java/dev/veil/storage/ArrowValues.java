package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import java.nio.charset.StandardCharsets;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMilliVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * Reads one value of a segment vector in the Java representation of {@link dev.veil.catalog.VeilType}
 * (Arrow's own {@code getObject} differs: {@code Text}, {@code LocalDateTime}, ...). Row-at-a-time
 * code paths use it; vectorized ones read the typed vectors directly.
 */
public final class ArrowValues {
    private ArrowValues() {}

    /** The value at {@code index}, or null. */
    public static Object get(FieldVector vector, int index) {
        requireNonNull(vector, "vector is null");
        if (vector.isNull(index)) {
            return null;
        }
        if (vector instanceof BigIntVector v) {
            return v.get(index);
        }
        if (vector instanceof IntVector v) {
            return v.get(index);
        }
        if (vector instanceof Float8Vector v) {
            return v.get(index);
        }
        if (vector instanceof DecimalVector v) {
            return v.getObject(index);
        }
        if (vector instanceof VarCharVector v) {
            return new String(v.get(index), StandardCharsets.UTF_8);
        }
        if (vector instanceof DateDayVector v) {
            return v.get(index);
        }
        if (vector instanceof TimeStampMilliVector v) {
            return v.get(index);
        }
        if (vector instanceof BitVector v) {
            return v.get(index) != 0;
        }
        throw new IllegalArgumentException("not a Veil vector: " + vector.getField());
    }
}
