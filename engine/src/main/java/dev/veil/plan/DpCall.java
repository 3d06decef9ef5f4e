package dev.veil.plan;

import static java.util.Objects.requireNonNull;

/**
 * One noisy aggregate of a {@link DpAggregate}: what it computes, over which input field, within
 * which value bounds.
 *
 * @param kind the aggregate
 * @param argument the input field it reads, or -1 for {@code COUNT(*)} and the unit count
 * @param filter the input field of its FILTER (WHERE ...) condition, or -1
 * @param lower the lower bound every value is clamped to (ignored by the counts)
 * @param upper the upper bound every value is clamped to (ignored by the counts)
 * @param rank for PERCENTILE_CONT, the rank in [0, 1]
 * @param integral whether the result is rounded to a whole number (counts, sums of integers)
 * @param label how EXPLAIN PRIVACY names it, e.g. {@code SUM(amount)}
 * @param wholeValues whether every value of the argument is a whole number (an integer column):
 *     PERCENTILE_CONT then chooses among integers
 * @param groupLower for a COUNT or SUM with BigQuery's {@code contribution_bounds_per_group}: the
 *     lower bound each unit's total contribution to a group is clamped to; NaN otherwise
 * @param groupUpper the upper bound of that clamp; NaN otherwise
 */
public record DpCall(
        Kind kind,
        int argument,
        int filter,
        double lower,
        double upper,
        double rank,
        boolean integral,
        String label,
        boolean wholeValues,
        double groupLower,
        double groupUpper) {
    /** The aggregates Veil can make differentially private. */
    public enum Kind {
        COUNT_ROWS("COUNT(*)"),
        COUNT_VALUES("COUNT"),
        COUNT_UNITS("COUNT(DISTINCT unit)"),
        SUM("SUM"),
        AVG("AVG"),
        VAR_POP("VAR_POP"),
        STDDEV_POP("STDDEV_POP"),
        PERCENTILE_CONT("PERCENTILE_CONT");

        private final String sql;

        Kind(String sql) {
            this.sql = sql;
        }

        public String sql() {
            return sql;
        }

        /** Whether the aggregate is a count, needing no value bounds. */
        public boolean isCount() {
            return this == COUNT_ROWS || this == COUNT_VALUES || this == COUNT_UNITS;
        }
    }

    public DpCall {
        requireNonNull(kind, "kind is null");
        requireNonNull(label, "label is null");
        if (kind.isCount()) {
            if (kind == Kind.COUNT_VALUES && argument < 0) {
                throw new IllegalArgumentException("COUNT(col) needs an argument");
            }
        } else {
            if (argument < 0) {
                throw new IllegalArgumentException(kind + " needs an argument");
            }
            if (!Double.isFinite(lower) || !Double.isFinite(upper) || lower > upper) {
                throw new IllegalArgumentException(kind + " needs finite bounds, got [" + lower + ", " + upper + "]");
            }
        }
        if (Double.isNaN(groupLower) != Double.isNaN(groupUpper)) {
            throw new IllegalArgumentException("both group bounds or neither");
        }
        if (!Double.isNaN(groupLower)) {
            if (kind != Kind.COUNT_ROWS && kind != Kind.COUNT_VALUES && kind != Kind.SUM) {
                throw new IllegalArgumentException("group bounds apply to COUNT and SUM only, not " + kind);
            }
            if (!Double.isFinite(groupLower) || !Double.isFinite(groupUpper) || groupLower > groupUpper) {
                throw new IllegalArgumentException(
                        "group bounds must be finite and ordered, got [" + groupLower + ", " + groupUpper + "]");
            }
        }
        if (kind == Kind.PERCENTILE_CONT && !(rank >= 0 && rank <= 1)) {
            throw new IllegalArgumentException("PERCENTILE_CONT rank must be in [0, 1], got " + rank);
        }
    }

    /** A call without contribution bounds per group. */
    public DpCall(
            Kind kind,
            int argument,
            int filter,
            double lower,
            double upper,
            double rank,
            boolean integral,
            String label,
            boolean wholeValues) {
        this(kind, argument, filter, lower, upper, rank, integral, label, wholeValues, Double.NaN, Double.NaN);
    }

    /** The same call with each unit's total contribution to a group clamped to {@code [low, high]}. */
    public DpCall withGroupBounds(double low, double high) {
        return new DpCall(kind, argument, filter, lower, upper, rank, integral, label, wholeValues, low, high);
    }

    /** Whether each unit's contribution to a group is clamped to bounds of its own (contribution_bounds_per_group). */
    public boolean hasGroupBounds() {
        return !Double.isNaN(groupLower);
    }

    /** A call whose argument is not known to hold whole numbers. */
    public DpCall(
            Kind kind,
            int argument,
            int filter,
            double lower,
            double upper,
            double rank,
            boolean integral,
            String label) {
        this(kind, argument, filter, lower, upper, rank, integral, label, false);
    }

    /** A count: COUNT(*), COUNT(col) or COUNT(DISTINCT unit). */
    public static DpCall count(Kind kind, int argument, int filter, String label) {
        return new DpCall(kind, argument, filter, 0, 0, 0, true, label);
    }
}
