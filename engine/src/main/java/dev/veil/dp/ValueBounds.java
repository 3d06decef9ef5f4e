package dev.veil.dp;

/** The clamping range {@code [lower, upper]} of the values fed to a bounded aggregation. */
public record ValueBounds(double lower, double upper) {
    public ValueBounds {
        Checks.finite("lower bound", lower);
        Checks.finite("upper bound", upper);
        if (lower > upper) {
            throw new DpException("lower bound must be <= upper bound, were " + lower + " and " + upper);
        }
    }

    public double clamp(double value) {
        return Math.max(lower, Math.min(upper, value));
    }

    /** The largest magnitude a clamped value can have. */
    public double maxMagnitude() {
        return Math.max(Math.abs(lower), Math.abs(upper));
    }

    /** Half the width of the range: the largest distance of a clamped value from the midpoint. */
    public double halfWidth() {
        return upper / 2 - lower / 2;
    }

    public double midpoint() {
        return lower / 2 + upper / 2;
    }
}
