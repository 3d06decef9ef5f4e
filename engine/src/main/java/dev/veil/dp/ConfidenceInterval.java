package dev.veil.dp;

/**
 * An interval {@code [lower, upper]} that contains the true (noise-free) value with probability
 * at least {@code level}, computed from a released value and the mechanism's parameters only:
 * reporting it spends no privacy budget.
 */
public record ConfidenceInterval(double lower, double upper, double level) {
    public ConfidenceInterval {
        if (Double.isNaN(lower) || Double.isNaN(upper) || lower > upper) {
            throw new IllegalArgumentException(
                    "interval bounds must satisfy lower <= upper, were " + lower + " and " + upper);
        }
        Checks.confidenceLevel(level);
    }

    public boolean contains(double value) {
        return lower <= value && value <= upper;
    }
}
