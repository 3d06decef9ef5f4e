package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import org.junit.jupiter.api.Test;

class NormalDistributionTest {
    private static final MathContext MC = new MathContext(160, RoundingMode.HALF_EVEN);
    private static final BigDecimal SQRT_PI = pi().sqrt(MC);

    @Test
    void erfcMatchesHighPrecisionSeriesAcrossItsRange() {
        double worst = 0;
        for (double x = -3; x <= 10; x += 0.0859375) {
            double expected = erfcOracle(x);
            double actual = NormalDistribution.erfc(x);
            worst = Math.max(worst, Math.abs(actual - expected) / expected);
        }
        assertTrue(worst < 1.5e-15, "worst relative error " + worst);
    }

    @Test
    void erfcMatchesPublishedValues() {
        assertEquals(0.4795001221869534623, NormalDistribution.erfc(0.5), 2e-16);
        assertEquals(0.15729920705028513066, NormalDistribution.erfc(1), 1e-16);
        assertEquals(0.0046777349810472658379, NormalDistribution.erfc(2), 1e-18);
        assertEquals(1.5374597944280348502e-12, NormalDistribution.erfc(5), 1e-26);
        assertEquals(2.0884875837625447570e-45, NormalDistribution.erfc(10), 1e-59);
    }

    @Test
    void logErfcStaysFiniteAndAccurateWhereErfcUnderflows() {
        // Asymptotically erfc(x) ~ e^{-x²}/(x√π) (1 - 1/(2x²) + 3/(4x⁴) - 15/(8x⁶)).
        for (double x : new double[] {30, 100, 1e4}) {
            double s = 1 / (2 * x * x);
            double series = 1 - s + 3 * s * s - 15 * s * s * s;
            double expected = -x * x - Math.log(x * Math.sqrt(Math.PI)) + Math.log(series);
            assertEquals(expected, NormalDistribution.logErfc(x), 1e-13 * Math.abs(expected));
        }
        assertEquals(Math.log(erfcOracle(4)), NormalDistribution.logErfc(4), 1e-14);
    }

    @Test
    void upperTailInverseInvertsTheTail() {
        assertEquals(1.959963984540054, NormalDistribution.upperTailInverse(0.025), 1e-12);
        assertEquals(0, NormalDistribution.upperTailInverse(0.5), 1e-15);
        for (double tail : new double[] {1e-300, 1e-20, 1e-5, 0.1, 0.9, 0.999}) {
            double z = NormalDistribution.upperTailInverse(tail);
            assertEquals(tail, NormalDistribution.upperTail(z), 1e-12 * tail);
        }
        assertThrows(DpException.class, () -> NormalDistribution.upperTailInverse(0));
    }

    @Test
    void cdfIsSymmetric() {
        for (double z = -8; z <= 8; z += 0.5) {
            assertEquals(1, NormalDistribution.cdf(z) + NormalDistribution.cdf(-z), 1e-15);
        }
    }

    /** erfc by the positive series for erf, in 160-digit decimal arithmetic. */
    static double erfcOracle(double x) {
        BigDecimal bx = new BigDecimal(x).abs();
        BigDecimal square = bx.multiply(bx, MC);
        BigDecimal twiceSquare = square.multiply(BigDecimal.valueOf(2), MC);
        BigDecimal term = bx;
        BigDecimal sum = bx;
        for (int n = 1; n < 5000; n++) {
            term = term.multiply(twiceSquare, MC).divide(BigDecimal.valueOf(2L * n + 1), MC);
            sum = sum.add(term, MC);
            if (term.compareTo(sum.scaleByPowerOfTen(-150)) < 0) {
                break;
            }
        }
        BigDecimal erf =
                sum.multiply(BigDecimal.valueOf(2), MC).divide(SQRT_PI, MC).divide(exp(square), MC);
        BigDecimal erfc = BigDecimal.ONE.subtract(erf, MC);
        if (x < 0) {
            erfc = BigDecimal.valueOf(2).subtract(erfc, MC);
        }
        return erfc.doubleValue();
    }

    private static BigDecimal exp(BigDecimal y) {
        BigDecimal term = BigDecimal.ONE;
        BigDecimal sum = BigDecimal.ONE;
        for (int n = 1; n < 5000; n++) {
            term = term.multiply(y, MC).divide(BigDecimal.valueOf(n), MC);
            sum = sum.add(term, MC);
            if (term.compareTo(sum.scaleByPowerOfTen(-155)) < 0) {
                break;
            }
        }
        return sum;
    }

    /** π by Machin's formula 16 atan(1/5) - 4 atan(1/239). */
    private static BigDecimal pi() {
        return atanInverse(5)
                .multiply(BigDecimal.valueOf(16), MC)
                .subtract(atanInverse(239).multiply(BigDecimal.valueOf(4), MC), MC);
    }

    private static BigDecimal atanInverse(int n) {
        BigDecimal x = BigDecimal.ONE.divide(BigDecimal.valueOf(n), MC);
        BigDecimal xSquare = x.multiply(x, MC);
        BigDecimal power = x;
        BigDecimal sum = x;
        for (int k = 1; k < 1000; k++) {
            power = power.multiply(xSquare, MC);
            BigDecimal term = power.divide(BigDecimal.valueOf(2L * k + 1), MC);
            sum = (k % 2 == 1) ? sum.subtract(term, MC) : sum.add(term, MC);
            if (term.compareTo(BigDecimal.ONE.scaleByPowerOfTen(-158)) < 0) {
                break;
            }
        }
        return sum;
    }
}
