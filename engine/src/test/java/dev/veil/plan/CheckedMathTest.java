package dev.veil.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.math.BigDecimal;
import org.apache.calcite.runtime.SqlFunctions;
import org.junit.jupiter.api.Test;

/** The checked numeric functions at the ends of their types, and Calcite's values everywhere else. */
class CheckedMathTest {
    @Test
    void absOfTheSmallestBigintFails() {
        assertThrows(ArithmeticException.class, () -> CheckedMath.abs(Long.MIN_VALUE));
        assertEquals(Long.MAX_VALUE, CheckedMath.abs(-Long.MAX_VALUE));
        assertEquals(0, CheckedMath.abs(0));
        // The smallest INTEGER's absolute value is a BIGINT, but no INTEGER.
        assertEquals(2147483648L, CheckedMath.abs(Integer.MIN_VALUE));
        assertThrows(ArithmeticException.class, () -> CheckedMath.toInt(CheckedMath.abs(Integer.MIN_VALUE)));
    }

    @Test
    void narrowingFailsOutsideTheType() {
        assertEquals(Integer.MIN_VALUE, CheckedMath.toInt(Integer.MIN_VALUE));
        assertThrows(ArithmeticException.class, () -> CheckedMath.toInt(Integer.MAX_VALUE + 1L));
        assertEquals((short) -32768, CheckedMath.toShort(-32768));
        assertThrows(ArithmeticException.class, () -> CheckedMath.toShort(32768));
        assertEquals((byte) 127, CheckedMath.toByte(127));
        assertThrows(ArithmeticException.class, () -> CheckedMath.toByte(-129));
    }

    @Test
    void roundingAnIntegerPastItsTypeFails() {
        assertThrows(ArithmeticException.class, () -> CheckedMath.roundLong(Long.MAX_VALUE, -1));
        assertThrows(ArithmeticException.class, () -> CheckedMath.roundLong(Long.MIN_VALUE, -1));
        assertThrows(ArithmeticException.class, () -> CheckedMath.roundLong(Long.MAX_VALUE, -19));
        assertThrows(ArithmeticException.class, () -> CheckedMath.toInt(CheckedMath.roundLong(Integer.MIN_VALUE, -1)));
        assertEquals(9223372036854775800L, CheckedMath.roundLong(9223372036854775804L, -1));
        assertEquals(0, CheckedMath.roundLong(Long.MAX_VALUE, -20));
        assertEquals(0, CheckedMath.roundLong(Long.MIN_VALUE, Long.MIN_VALUE));
        assertEquals(Long.MIN_VALUE, CheckedMath.roundLong(Long.MIN_VALUE, Long.MAX_VALUE));
    }

    @Test
    void roundingAnIntegerIsCalcitesWhereItFits() {
        long[] values = {
            0, 1, -1, 5, -5, 15, -15, 25, 149, -150, 1_000_000_049, -2_147_483_648L, 9_000_000_000_000_000_000L
        };
        for (long x : values) {
            for (int digits = -18; digits <= 2; digits++) {
                assertEquals(SqlFunctions.sround(x, digits), CheckedMath.roundLong(x, digits), x + ", " + digits);
                assertEquals(SqlFunctions.struncate(x, digits), CheckedMath.truncateLong(x, digits), x + ", " + digits);
            }
        }
    }

    @Test
    void truncatingAnIntegerNeverFails() {
        assertEquals(9223372036854775800L, CheckedMath.truncateLong(Long.MAX_VALUE, -1));
        assertEquals(-9223372036854775800L, CheckedMath.truncateLong(Long.MIN_VALUE, -1));
        assertEquals(0, CheckedMath.truncateLong(Long.MIN_VALUE, Integer.MIN_VALUE));
        assertEquals(Long.MIN_VALUE, CheckedMath.truncateLong(Long.MIN_VALUE, Integer.MAX_VALUE));
    }

    @Test
    void roundingADecimalPastItsPrecisionFails() {
        BigDecimal max = new BigDecimal("999.99");
        assertThrows(ArithmeticException.class, () -> CheckedMath.roundDecimal(max, 1, 5, 2));
        assertThrows(ArithmeticException.class, () -> CheckedMath.roundDecimal(max.negate(), 0, 5, 2));
        assertThrows(
                ArithmeticException.class, () -> CheckedMath.roundDecimal(new BigDecimal("9".repeat(38)), -1, 38, 0));
        assertEquals(new BigDecimal("1000.0"), CheckedMath.roundDecimal(max, 1, 6, 2));
        assertEquals(new BigDecimal("1.3"), CheckedMath.roundDecimal(new BigDecimal("1.25"), 1, 5, 2));
        assertEquals(new BigDecimal("999.99"), CheckedMath.roundDecimal(max, Integer.MAX_VALUE, 5, 2));
        assertEquals(BigDecimal.ZERO, CheckedMath.roundDecimal(max, Integer.MIN_VALUE, 5, 2));
        assertEquals(new BigDecimal("0.001"), CheckedMath.roundDecimal(new BigDecimal("0.0012"), 3, 2, 4));
    }

    @Test
    void truncatingADecimalClampsItsDigits() {
        BigDecimal x = new BigDecimal("-999.99");
        assertEquals(new BigDecimal("-999.9"), CheckedMath.truncateDecimal(x, 1));
        assertEquals(x, CheckedMath.truncateDecimal(x, Long.MAX_VALUE));
        assertEquals(BigDecimal.ZERO, CheckedMath.truncateDecimal(x, Long.MIN_VALUE));
    }

    @Test
    void floatingPointNanAndInfinitiesRoundToThemselves() {
        assertEquals(Double.POSITIVE_INFINITY, CheckedMath.roundDouble(Double.POSITIVE_INFINITY, 2));
        assertEquals(Double.NEGATIVE_INFINITY, CheckedMath.truncateDouble(Double.NEGATIVE_INFINITY, 0));
        assertEquals(Double.NaN, CheckedMath.roundDouble(Double.NaN, 0));
        assertEquals(Double.NaN, CheckedMath.truncateDouble(Double.NaN, -3));
        assertEquals(1e300, CheckedMath.roundDouble(1e300, Integer.MAX_VALUE));
        assertEquals(0.0, CheckedMath.roundDouble(1e300, Integer.MIN_VALUE));
        assertEquals(Double.MIN_VALUE, CheckedMath.roundDouble(Double.MIN_VALUE, 400));
        double[] values = {0, 1.5, -1.5, 2.5, -2.675, 123.456, 1e-10, 6.02e23};
        for (double x : values) {
            for (int digits = -3; digits <= 3; digits++) {
                assertEquals(SqlFunctions.sround(x, digits), CheckedMath.roundDouble(x, digits), x + ", " + digits);
                assertEquals(
                        SqlFunctions.struncate(x, digits), CheckedMath.truncateDouble(x, digits), x + ", " + digits);
            }
        }
    }
}
