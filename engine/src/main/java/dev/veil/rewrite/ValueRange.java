package dev.veil.rewrite;

import dev.veil.policy.Bounds;

/**
 * A closed range {@code [low, high]} that every value of a field lies in, either side possibly
 * infinite: what the differential-privacy rewrite needs to bound one row's contribution to a sum.
 * Ranges start at the BOUNDS of AGGREGATE ONLY columns and pass through arithmetic by interval
 * arithmetic ({@link RangeAnalysis}).
 */
record ValueRange(double low, double high) {
    static final ValueRange UNKNOWN = new ValueRange(Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY);

    ValueRange {
        if (Double.isNaN(low) || Double.isNaN(high) || low > high) {
            throw new IllegalArgumentException("bad range [" + low + ", " + high + "]");
        }
    }

    static ValueRange of(Bounds bounds) {
        return new ValueRange(bounds.lower().doubleValue(), bounds.upper().doubleValue());
    }

    static ValueRange point(double value) {
        return Double.isFinite(value) ? new ValueRange(value, value) : UNKNOWN;
    }

    /** Whether both ends are finite. */
    boolean bounded() {
        return Double.isFinite(low) && Double.isFinite(high);
    }

    ValueRange union(ValueRange other) {
        return new ValueRange(Math.min(low, other.low), Math.max(high, other.high));
    }

    ValueRange plus(ValueRange other) {
        return checked(low + other.low, high + other.high);
    }

    ValueRange minus(ValueRange other) {
        return checked(low - other.high, high - other.low);
    }

    ValueRange negate() {
        return new ValueRange(-high, -low);
    }

    ValueRange times(ValueRange other) {
        if (!bounded() || !other.bounded()) {
            return UNKNOWN;
        }
        double a = low * other.low;
        double b = low * other.high;
        double c = high * other.low;
        double d = high * other.high;
        return checked(Math.min(Math.min(a, b), Math.min(c, d)), Math.max(Math.max(a, b), Math.max(c, d)));
    }

    /** The quotient's range; unknown when the divisor's range holds 0 (a division by zero yields NULL). */
    ValueRange dividedBy(ValueRange other) {
        if (!bounded() || !other.bounded() || (other.low <= 0 && other.high >= 0)) {
            return UNKNOWN;
        }
        double a = low / other.low;
        double b = low / other.high;
        double c = high / other.low;
        double d = high / other.high;
        return checked(Math.min(Math.min(a, b), Math.min(c, d)), Math.max(Math.max(a, b), Math.max(c, d)));
    }

    ValueRange abs() {
        if (low >= 0) {
            return this;
        }
        if (high <= 0) {
            return negate();
        }
        return new ValueRange(0, Math.max(-low, high));
    }

    /** Widened to whole numbers, for a cast to an integer type (which may round either way). */
    ValueRange integral() {
        return new ValueRange(Math.floor(low), Math.ceil(high));
    }

    private static ValueRange checked(double low, double high) {
        if (Double.isNaN(low) || Double.isNaN(high)) {
            return UNKNOWN;
        }
        return new ValueRange(low, high);
    }

    @Override
    public String toString() {
        return "[" + low + ", " + high + "]";
    }
}
