package dev.veil.storage;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.storage.TextValues.BadValue;
import java.math.BigDecimal;
import java.math.RoundingMode;
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
 * Parses a text value (bytes of a CSV field) as one column's type and stores it straight into the
 * column's Arrow vector. Non-text columns get the value with surrounding blanks trimmed.
 */
abstract class TextColumnWriter {
    final Column column;

    private TextColumnWriter(Column column) {
        this.column = requireNonNull(column, "column is null");
    }

    static TextColumnWriter of(Column column, FieldVector vector) {
        return switch (column.type().type()) {
            case BOOLEAN -> new BooleanWriter(column, (BitVector) vector);
            case INTEGER -> new IntegerWriter(column, (IntVector) vector);
            case BIGINT -> new BigintWriter(column, (BigIntVector) vector);
            case DOUBLE -> new DoubleWriter(column, (Float8Vector) vector);
            case DECIMAL -> new DecimalWriter(column, (DecimalVector) vector);
            case VARCHAR -> new VarcharWriter(column, (VarCharVector) vector);
            case DATE -> new DateWriter(column, (DateDayVector) vector);
            case TIMESTAMP -> new TimestampWriter(column, (TimeStampMilliVector) vector);
        };
    }

    /** Whether values are taken verbatim (VARCHAR) rather than trimmed, and an empty one is a value. */
    boolean isText() {
        return false;
    }

    /** Stores the value in bytes {@code [s, e)} of {@code b} at {@code index}. */
    abstract void write(int index, byte[] b, int s, int e) throws BadValue;

    abstract void writeNull(int index);

    private static final class BooleanWriter extends TextColumnWriter {
        private final BitVector vector;

        BooleanWriter(Column column, BitVector vector) {
            super(column);
            this.vector = vector;
        }

        @Override
        void write(int index, byte[] b, int s, int e) throws BadValue {
            vector.set(index, TextValues.parseBoolean(b, s, e) ? 1 : 0);
        }

        @Override
        void writeNull(int index) {
            vector.setNull(index);
        }
    }

    private static final class IntegerWriter extends TextColumnWriter {
        private final IntVector vector;

        IntegerWriter(Column column, IntVector vector) {
            super(column);
            this.vector = vector;
        }

        @Override
        void write(int index, byte[] b, int s, int e) throws BadValue {
            vector.set(index, (int) TextValues.parseLong(b, s, e, Integer.MIN_VALUE, Integer.MAX_VALUE));
        }

        @Override
        void writeNull(int index) {
            vector.setNull(index);
        }
    }

    private static final class BigintWriter extends TextColumnWriter {
        private final BigIntVector vector;

        BigintWriter(Column column, BigIntVector vector) {
            super(column);
            this.vector = vector;
        }

        @Override
        void write(int index, byte[] b, int s, int e) throws BadValue {
            vector.set(index, TextValues.parseLong(b, s, e, Long.MIN_VALUE, Long.MAX_VALUE));
        }

        @Override
        void writeNull(int index) {
            vector.setNull(index);
        }
    }

    private static final class DoubleWriter extends TextColumnWriter {
        private final Float8Vector vector;

        DoubleWriter(Column column, Float8Vector vector) {
            super(column);
            this.vector = vector;
        }

        @Override
        void write(int index, byte[] b, int s, int e) throws BadValue {
            vector.set(index, TextValues.parseDouble(b, s, e));
        }

        @Override
        void writeNull(int index) {
            vector.setNull(index);
        }
    }

    /**
     * DECIMAL(p,s): for p up to 18 the unscaled value is built in a long, digit by digit; wider
     * columns and exponent notation go through BigDecimal. Extra fraction digits round half up.
     */
    private static final class DecimalWriter extends TextColumnWriter {
        private static final long[] POWERS_OF_TEN = new long[19];

        static {
            POWERS_OF_TEN[0] = 1;
            for (int i = 1; i < POWERS_OF_TEN.length; i++) {
                POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
            }
        }

        private final DecimalVector vector;
        private final int precision;
        private final int scale;
        private final boolean fast;

        DecimalWriter(Column column, DecimalVector vector) {
            super(column);
            this.vector = vector;
            ColumnType type = column.type();
            this.precision = type.precision();
            this.scale = type.scale();
            this.fast = precision <= 18;
        }

        @Override
        void write(int index, byte[] b, int s, int e) throws BadValue {
            if (!fast) {
                writeBig(index, b, s, e);
                return;
            }
            int p = s;
            boolean negative = false;
            if (p < e && (b[p] == '-' || b[p] == '+')) {
                negative = b[p] == '-';
                p++;
            }
            boolean anyDigit = false;
            long unscaled = 0;
            int integerDigits = 0;
            for (; p < e && TextValues.isDigit(b[p]); p++) {
                anyDigit = true;
                int digit = b[p] - '0';
                if (integerDigits > 0 || digit != 0) {
                    if (++integerDigits > precision - scale) {
                        throw tooManyDigits(b, p, e, integerDigits);
                    }
                    unscaled = unscaled * 10 + digit;
                }
            }
            int fractionDigits = 0;
            int roundingDigit = 0;
            if (p < e && b[p] == '.') {
                p++;
                boolean first = true;
                for (; p < e && TextValues.isDigit(b[p]); p++) {
                    anyDigit = true;
                    int digit = b[p] - '0';
                    if (fractionDigits < scale) {
                        unscaled = unscaled * 10 + digit;
                        fractionDigits++;
                    } else if (first) {
                        roundingDigit = digit;
                        first = false;
                    }
                }
            }
            if (p != e) {
                if (anyDigit && (b[p] == 'e' || b[p] == 'E')) {
                    writeBig(index, b, s, e);
                    return;
                }
                throw new BadValue("a value that is not a number");
            }
            if (!anyDigit) {
                throw new BadValue("a value that is not a number");
            }
            unscaled *= POWERS_OF_TEN[scale - fractionDigits];
            if (roundingDigit >= 5) {
                unscaled++;
                if (unscaled >= POWERS_OF_TEN[precision]) {
                    throw new BadValue("a number too large for it once rounded to " + scale + " decimal places");
                }
            }
            vector.set(index, negative ? -unscaled : unscaled);
        }

        private BadValue tooManyDigits(byte[] b, int p, int e, int integerDigits) {
            int digits = integerDigits;
            for (int q = p + 1; q < e && TextValues.isDigit(b[q]); q++) {
                digits++;
            }
            return new BadValue("a number with " + digits + " digits before the point");
        }

        private void writeBig(int index, byte[] b, int s, int e) throws BadValue {
            BigDecimal value;
            try {
                value = new BigDecimal(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
            } catch (NumberFormatException ex) {
                throw new BadValue("a value that is not a number");
            }
            value = value.setScale(scale, RoundingMode.HALF_UP);
            if (value.precision() > precision && value.signum() != 0) {
                throw new BadValue("a number with " + (value.precision() - scale) + " digits before the point");
            }
            vector.set(index, value);
        }

        @Override
        void writeNull(int index) {
            vector.setNull(index);
        }
    }

    private static final class VarcharWriter extends TextColumnWriter {
        private final VarCharVector vector;

        VarcharWriter(Column column, VarCharVector vector) {
            super(column);
            this.vector = vector;
        }

        @Override
        boolean isText() {
            return true;
        }

        @Override
        void write(int index, byte[] b, int s, int e) throws BadValue {
            for (int p = s; p < e; p++) {
                if (b[p] < 0) {
                    if (!TextValues.isValidUtf8(b, p, e)) {
                        throw new BadValue("text that is not valid UTF-8");
                    }
                    break;
                }
            }
            vector.setSafe(index, b, s, e - s);
        }

        @Override
        void writeNull(int index) {
            vector.setNull(index);
        }
    }

    private static final class DateWriter extends TextColumnWriter {
        private final DateDayVector vector;

        DateWriter(Column column, DateDayVector vector) {
            super(column);
            this.vector = vector;
        }

        @Override
        void write(int index, byte[] b, int s, int e) throws BadValue {
            vector.set(index, TextValues.parseDate(b, s, e));
        }

        @Override
        void writeNull(int index) {
            vector.setNull(index);
        }
    }

    private static final class TimestampWriter extends TextColumnWriter {
        private final TimeStampMilliVector vector;

        TimestampWriter(Column column, TimeStampMilliVector vector) {
            super(column);
            this.vector = vector;
        }

        @Override
        void write(int index, byte[] b, int s, int e) throws BadValue {
            vector.set(index, TextValues.parseTimestamp(b, s, e));
        }

        @Override
        void writeNull(int index) {
            vector.setNull(index);
        }
    }
}
