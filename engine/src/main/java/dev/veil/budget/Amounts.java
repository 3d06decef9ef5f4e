package dev.veil.budget;

import java.math.BigDecimal;
import java.math.MathContext;

/** Arithmetic and formatting of epsilon and delta amounts. */
final class Amounts {
    /**
     * How far a window's total may exceed its limit, relative to the limit, so that charges that
     * add up to the limit in decimals (ten charges of 0.1 against 1.0) fit despite binary rounding.
     */
    static final double RELATIVE_TOLERANCE = 1e-10;

    private static final MathContext SHOWN = new MathContext(10);

    private Amounts() {}

    /** Whether spending {@code cost} on top of {@code spent} stays within {@code limit}. */
    static boolean fits(double spent, double cost, double limit) {
        return spent + cost <= limit + limit * RELATIVE_TOLERANCE;
    }

    /** What is left of {@code limit} after {@code spent}, never below 0. */
    static double remaining(double limit, double spent) {
        return Math.max(0, limit - spent);
    }

    /** {@code x} to 10 significant digits, without an exponent or trailing zeros: 0.2, 1, 0.000001. */
    static String format(double x) {
        if (Double.isNaN(x) || Double.isInfinite(x)) {
            return Double.toString(x);
        }
        if (x == 0) {
            return "0";
        }
        return new BigDecimal(x).round(SHOWN).stripTrailingZeros().toPlainString();
    }
}
