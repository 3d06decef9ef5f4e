package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableName;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
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
 * Stores Java values of one column into its Arrow vector. Accepts the value representation of
 * {@link dev.veil.catalog.VeilType} and the lossless widenings of it (an Integer for a BIGINT, a
 * Long for a DECIMAL, a LocalDate for a DATE, ...); DECIMAL values are rounded half-up to the
 * column's scale. Messages name the column and the Java type, never the value.
 */
final class ValueWriter {
    private final TableName table;
    private final Column column;
    private final FieldVector vector;

    ValueWriter(TableName table, Column column, FieldVector vector) {
        this.table = requireNonNull(table, "table is null");
        this.column = requireNonNull(column, "column is null");
        this.vector = requireNonNull(vector, "vector is null");
    }

    /** Stores {@code value} at {@code index}; the vector has room for it. */
    void write(int index, Object value) {
        if (value == null) {
            if (!column.nullable()) {
                throw new VeilException(
                        ErrorCode.NOT_NULL_VIOLATION,
                        "Column '" + column.name() + "' of table '" + table + "' is NOT NULL; got NULL");
            }
            vector.setNull(index);
            return;
        }
        ColumnType type = column.type();
        switch (type.type()) {
            case BOOLEAN -> {
                if (!(value instanceof Boolean b)) {
                    throw mismatch(value);
                }
                ((BitVector) vector).set(index, b ? 1 : 0);
            }
            case INTEGER -> {
                long v = integral(value);
                if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
                    throw outOfRange();
                }
                ((IntVector) vector).set(index, (int) v);
            }
            case BIGINT -> ((BigIntVector) vector).set(index, integral(value));
            case DOUBLE -> {
                if (!(value instanceof Number n)) {
                    throw mismatch(value);
                }
                ((Float8Vector) vector).set(index, n.doubleValue());
            }
            case DECIMAL -> ((DecimalVector) vector).set(index, decimal(value, type));
            case VARCHAR -> {
                if (!(value instanceof CharSequence s)) {
                    throw mismatch(value);
                }
                byte[] bytes = s.toString().getBytes(StandardCharsets.UTF_8);
                ((VarCharVector) vector).setSafe(index, bytes, 0, bytes.length);
            }
            case DATE -> {
                int days;
                if (value instanceof Integer i) {
                    days = i;
                } else if (value instanceof LocalDate d) {
                    long epochDay = d.toEpochDay();
                    if (epochDay < Integer.MIN_VALUE || epochDay > Integer.MAX_VALUE) {
                        throw outOfRange();
                    }
                    days = (int) epochDay;
                } else {
                    throw mismatch(value);
                }
                ((DateDayVector) vector).set(index, days);
            }
            case TIMESTAMP -> {
                long millis;
                if (value instanceof Long l) {
                    millis = l;
                } else if (value instanceof LocalDateTime t) {
                    millis = t.toInstant(ZoneOffset.UTC).toEpochMilli();
                } else {
                    throw mismatch(value);
                }
                ((TimeStampMilliVector) vector).set(index, millis);
            }
        }
    }

    private long integral(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        throw mismatch(value);
    }

    private BigDecimal decimal(Object value, ColumnType type) {
        BigDecimal d;
        if (value instanceof BigDecimal b) {
            d = b;
        } else if (value instanceof Integer
                || value instanceof Long
                || value instanceof Short
                || value instanceof Byte) {
            d = BigDecimal.valueOf(((Number) value).longValue());
        } else if (value instanceof BigInteger b) {
            d = new BigDecimal(b);
        } else if (value instanceof Double || value instanceof Float) {
            double v = ((Number) value).doubleValue();
            if (!Double.isFinite(v)) {
                throw outOfRange();
            }
            d = BigDecimal.valueOf(v);
        } else {
            throw mismatch(value);
        }
        d = d.setScale(type.scale(), RoundingMode.HALF_UP);
        if (d.precision() > type.precision() && d.signum() != 0) {
            throw outOfRange();
        }
        return d;
    }

    private VeilException mismatch(Object value) {
        return new VeilException(
                ErrorCode.TYPE_MISMATCH,
                "Column '" + column.name() + "' of table '" + table + "' is " + column.type()
                        + "; cannot store a value of Java type "
                        + value.getClass().getName());
    }

    private VeilException outOfRange() {
        return new VeilException(
                ErrorCode.NUMERIC_OUT_OF_RANGE,
                "Value out of range for column '" + column.name() + "' (" + column.type() + ") of table '" + table
                        + "'");
    }
}
