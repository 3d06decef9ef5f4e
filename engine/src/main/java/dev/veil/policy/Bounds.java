package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;

/**
 * The value bounds of an {@code AGGREGATE ONLY BOUNDS (lo, hi)} column: values are clamped into
 * {@code [lo, hi]} before they enter an aggregate.
 */
public record Bounds(BigDecimal lower, BigDecimal upper) {
    public Bounds {
        requireNonNull(lower, "lower is null");
        requireNonNull(upper, "upper is null");
        checkBound("lower", lower);
        checkBound("upper", upper);
        if (lower.compareTo(upper) > 0) {
            throw new IllegalArgumentException("lower bound " + lower + " is above upper bound " + upper);
        }
    }

    /** The largest magnitude of a bound: it must stay a finite double with room for sensitivities. */
    public static final BigDecimal MAX_MAGNITUDE = new BigDecimal("1e300");
    /** The most significant digits, and the most digits after the point, a bound may have. */
    public static final int MAX_DIGITS = 100;

    private static void checkBound(String which, BigDecimal bound) {
        // Checked before anything prints the bound: the plain form of 1e-999999999 has a billion digits.
        if (bound.precision() > MAX_DIGITS
                || bound.scale() > MAX_DIGITS
                || bound.abs().compareTo(MAX_MAGNITUDE) > 0) {
            throw new IllegalArgumentException(which + " bound must be at most 1e300 in magnitude with at most "
                    + MAX_DIGITS + " digits (and " + MAX_DIGITS + " after the point), got " + bound.doubleValue());
        }
    }

    @Override
    public String toString() {
        return "(" + lower.toPlainString() + ", " + upper.toPlainString() + ")";
    }
}
