package dev.veil.plan;

import java.math.BigDecimal;
import org.apache.calcite.runtime.SqlFunctions;

/**
 * The checked numeric functions that {@link CheckedFunction} calls from generated code: Calcite's
 * own ABS, ROUND and TRUNCATE, but throwing {@link ArithmeticException} (NUMERIC_OUT_OF_RANGE)
 * where Calcite's would wrap around or exceed the result type. A digits argument far outside any
 * value's digits ({@link #MAX_DIGITS}) acts as that limit, so it never fails (Calcite's overflows
 * BigDecimal's scale). A floating-point NaN or infinity rounds to itself (Calcite's fails to
 * convert it to BigDecimal). Otherwise every value is Calcite's, digit for digit.
 */
public final class CheckedMath {
    /**
     * The digits argument beyond which rounding changes nothing more: a DECIMAL has at most 38
     * digits and a double at most 343 after the point (and less than 10^309 before it).
     */
    static final int MAX_DIGITS = 400;

    private CheckedMath() {}

    /** {@code |x|}; throws for the smallest BIGINT, whose absolute value is no BIGINT. */
    public static long abs(long x) {
        if (x == Long.MIN_VALUE) {
            throw overflow();
        }
        return Math.abs(x);
    }

    /** {@code ROUND(x, digits)} of an integer: half away from zero; throws if the result is no BIGINT. */
    public static long roundLong(long x, long digits) {
        if (digits >= 0) {
            return x;
        }
        BigDecimal rounded = SqlFunctions.sround(BigDecimal.valueOf(x), clamp(digits));
        return exactLong(rounded);
    }

    /** {@code TRUNCATE(x, digits)} of an integer (toward zero; it cannot overflow). */
    public static long truncateLong(long x, long digits) {
        if (digits >= 0) {
            return x;
        }
        return SqlFunctions.struncate(BigDecimal.valueOf(x), clamp(digits)).longValue();
    }

    /**
     * {@code ROUND(x, digits)} of a DECIMAL whose type is {@code DECIMAL(precision, scale)}:
     * throws when the rounded value needs more integer digits than the type has
     * ({@code ROUND(999.99, 1)} is {@code 1000.0}, no {@code DECIMAL(5,2)}).
     */
    public static BigDecimal roundDecimal(BigDecimal x, long digits, int precision, int scale) {
        if (digits > MAX_DIGITS) {
            return x;
        }
        return fit(SqlFunctions.sround(x, clamp(digits)), precision, scale);
    }

    /** {@code TRUNCATE(x, digits)} of a DECIMAL (toward zero; it cannot overflow). */
    public static BigDecimal truncateDecimal(BigDecimal x, long digits) {
        if (digits > MAX_DIGITS) {
            return x;
        }
        return SqlFunctions.struncate(x, clamp(digits));
    }

    /** {@code ROUND(x, digits)} of a double; NaN and the infinities round to themselves. */
    public static double roundDouble(double x, long digits) {
        if (!Double.isFinite(x) || digits > MAX_DIGITS) {
            return x;
        }
        return SqlFunctions.sround(x, clamp(digits));
    }

    /** {@code TRUNCATE(x, digits)} of a double; NaN and the infinities truncate to themselves. */
    public static double truncateDouble(double x, long digits) {
        if (!Double.isFinite(x) || digits > MAX_DIGITS) {
            return x;
        }
        return SqlFunctions.struncate(x, clamp(digits));
    }

    /** {@code x} as an INTEGER; throws if it is none. */
    public static int toInt(long x) {
        if (x != (int) x) {
            throw overflow();
        }
        return (int) x;
    }

    /** {@code x} as a SMALLINT; throws if it is none. */
    public static short toShort(long x) {
        if (x != (short) x) {
            throw overflow();
        }
        return (short) x;
    }

    /** {@code x} as a TINYINT; throws if it is none. */
    public static byte toByte(long x) {
        if (x != (byte) x) {
            throw overflow();
        }
        return (byte) x;
    }

    /** {@code x}, if its integer digits fit {@code DECIMAL(precision, scale)}; else throws. */
    static BigDecimal fit(BigDecimal x, int precision, int scale) {
        if (x.signum() != 0 && x.precision() - x.scale() > precision - scale) {
            throw overflow();
        }
        return x;
    }

    private static ArithmeticException overflow() {
        return new ArithmeticException("numeric overflow");
    }

    private static int clamp(long digits) {
        return (int) Math.max(-MAX_DIGITS, Math.min(MAX_DIGITS, digits));
    }

    private static long exactLong(BigDecimal x) {
        if (x.compareTo(LONG_MIN) < 0 || x.compareTo(LONG_MAX) > 0) {
            throw overflow();
        }
        return x.longValue();
    }

    private static final BigDecimal LONG_MIN = BigDecimal.valueOf(Long.MIN_VALUE);
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);
}
