package dev.veil.policy;

/**
 * A table's differential-privacy policy: aggregates over its rows are noisy, calibrated to the
 * contribution bounds below, and each query on it spends at most {@code epsilon} and
 * {@code delta} from the user's privacy budget.
 *
 * @param epsilon the default and the cap of the epsilon one query may spend on the table, in (0, 1e30]
 * @param delta the delta one query may spend, for partition selection, in [0, 1)
 * @param maxGroupsPerUnit L0: the number of groups one privacy unit may contribute to (the others of
 *     its groups are dropped at random), at least 1
 * @param maxRowsPerUnitPerGroup Linf in rows: the rows one unit may contribute to one group (the
 *     others are dropped at random), at least 1
 */
public record DifferentialPrivacy(double epsilon, double delta, int maxGroupsPerUnit, int maxRowsPerUnitPerGroup) {
    /** The delta of a policy that does not give one. */
    public static final double DEFAULT_DELTA = 1e-5;
    /** The MAX GROUPS PER UNIT of a policy that does not give one. */
    public static final int DEFAULT_MAX_GROUPS_PER_UNIT = 1;
    /** The MAX ROWS PER UNIT PER GROUP of a policy that does not give one. */
    public static final int DEFAULT_MAX_ROWS_PER_UNIT_PER_GROUP = 1;
    /** The largest epsilon a policy may give (tests use 1e20 to make noise vanish). */
    public static final double MAX_EPSILON = 1e30;

    public DifferentialPrivacy {
        if (!(epsilon > 0) || epsilon > MAX_EPSILON) {
            throw new IllegalArgumentException("EPSILON must be > 0 and at most 1e30, got " + epsilon);
        }
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("DELTA must be >= 0 and < 1, got " + delta);
        }
        if (maxGroupsPerUnit < 1) {
            throw new IllegalArgumentException("MAX GROUPS PER UNIT must be at least 1, got " + maxGroupsPerUnit);
        }
        if (maxRowsPerUnitPerGroup < 1) {
            throw new IllegalArgumentException(
                    "MAX ROWS PER UNIT PER GROUP must be at least 1, got " + maxRowsPerUnitPerGroup);
        }
    }

    /** The strictest of two policies: the smaller of each parameter. */
    public DifferentialPrivacy strictest(DifferentialPrivacy other) {
        return new DifferentialPrivacy(Math.min(epsilon, other.epsilon), Math.min(delta, other.delta),
                Math.min(maxGroupsPerUnit, other.maxGroupsPerUnit),
                Math.min(maxRowsPerUnitPerGroup, other.maxRowsPerUnitPerGroup));
    }
}
