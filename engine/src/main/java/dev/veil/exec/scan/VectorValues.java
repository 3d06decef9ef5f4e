package dev.veil.exec.scan;

import dev.veil.catalog.ColumnType;
import java.math.BigDecimal;
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

/** Reads values out of Arrow vectors in the representation of {@link dev.veil.catalog.VeilType}. */
public final class VectorValues {
    private VectorValues() {}

    /** Reads row {@code i} of one vector; null for SQL NULL. */
    @FunctionalInterface
    public interface Reader {
        Object read(int i);
    }

    /** A reader of {@code vector} that reuses value objects through {@code cache} (one per column). */
    static Reader reader(FieldVector vector, ColumnType type, ValueCache cache) {
        return switch (type.type()) {
            case INTEGER -> {
                IntVector v = (IntVector) vector;
                yield i -> v.isNull(i) ? null : cache.integer(v.get(i));
            }
            case DATE -> {
                DateDayVector v = (DateDayVector) vector;
                yield i -> v.isNull(i) ? null : cache.integer(v.get(i));
            }
            case VARCHAR -> {
                VarCharVector v = (VarCharVector) vector;
                yield i -> v.isNull(i) ? null : cache.string(v, i);
            }
            case DECIMAL -> {
                DecimalVector v = (DecimalVector) vector;
                if (v.getPrecision() > 18) {
                    yield reader(vector, type);
                }
                int scale = type.scale();
                yield i -> v.isNull(i) ? null : cache.decimal(unscaledLong(v, i), scale);
            }
            default -> reader(vector, type);
        };
    }

    public static Reader reader(FieldVector vector, ColumnType type) {
        return switch (type.type()) {
            case BOOLEAN -> {
                BitVector v = (BitVector) vector;
                yield i -> v.isNull(i) ? null : v.get(i) != 0;
            }
            case INTEGER -> {
                IntVector v = (IntVector) vector;
                yield i -> v.isNull(i) ? null : v.get(i);
            }
            case BIGINT -> {
                BigIntVector v = (BigIntVector) vector;
                yield i -> v.isNull(i) ? null : v.get(i);
            }
            case DOUBLE -> {
                Float8Vector v = (Float8Vector) vector;
                yield i -> v.isNull(i) ? null : v.get(i);
            }
            case DECIMAL -> decimalReader((DecimalVector) vector, type.scale());
            case VARCHAR -> {
                VarCharVector v = (VarCharVector) vector;
                yield i -> v.isNull(i) ? null : new String(v.get(i), StandardCharsets.UTF_8);
            }
            case DATE -> {
                DateDayVector v = (DateDayVector) vector;
                yield i -> v.isNull(i) ? null : v.get(i);
            }
            case TIMESTAMP -> {
                TimeStampMilliVector v = (TimeStampMilliVector) vector;
                yield i -> v.isNull(i) ? null : v.get(i);
            }
        };
    }

    private static Reader decimalReader(DecimalVector v, int scale) {
        if (v.getPrecision() <= 18) {
            // The unscaled value fits a long, so its low 8 little-endian bytes are the whole value.
            return i -> v.isNull(i) ? null : BigDecimal.valueOf(unscaledLong(v, i), scale);
        }
        return i -> v.isNull(i) ? null : v.getObject(i);
    }

    /** The unscaled value of a DECIMAL of precision 18 or less. */
    static long unscaledLong(DecimalVector v, int i) {
        return v.getDataBuffer().getLong((long) i * DecimalVector.TYPE_WIDTH);
    }
}
