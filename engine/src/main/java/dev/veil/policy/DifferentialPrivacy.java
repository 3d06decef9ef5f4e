package dev.veil.policy;

/**
 * A table's differential-privacy policy: aggregates over its rows are noisy, calibrated to the
 * contribution bounds below, and each query on it spends at most {@code epsilon} and
 * {@code delta} from the user's privacy budget.
 *
 * @param epsilon the default and the cap of the epsilon one query may spend on the table, in [1e-6, 1e30]
 * @param delta the delta one query may spend, for partition selection, in [0, 1)
 * @param maxGroupsPerUnit L0: the number of groups one privacy unit may contribute to (the others of
 *     its groups are dropped at random), 1 to 1,000,000
 * @param maxRowsPerUnitPerGroup Linf in rows: the rows one unit may contribute to one group (the
 *     others are dropped at random), 1 to 1,000,000
 * @param autoBounds {@code CONTRIBUTION BOUNDS AUTO}: COUNT and SUM truncate each unit's
 *     contribution to one group at a bound chosen privately from the data (a share of the
 *     aggregate's epsilon), at most the declared one ({@code MAX ROWS PER UNIT PER GROUP} rows of
 *     values within the column's bounds); false ({@code FIXED}, the default): at the declared bound
 */
public record DifferentialPrivacy(
        double epsilon, double delta, int maxGroupsPerUnit, int maxRowsPerUnitPerGroup, boolean autoBounds) {
    /** The delta of a policy that does not give one. */
    public static final double DEFAULT_DELTA = 1e-5;
    /** The MAX GROUPS PER UNIT of a policy that does not give one. */
    public static final int DEFAULT_MAX_GROUPS_PER_UNIT = 1;
    /** The MAX ROWS PER UNIT PER GROUP of a policy that does not give one. */
    public static final int DEFAULT_MAX_ROWS_PER_UNIT_PER_GROUP = 1;
    /** The largest epsilon a policy or a session may give (tests use 1e20 to make noise vanish). */
    public static final double MAX_EPSILON = 1e30;
    /**
     * The smallest epsilon a policy or a session may give. Below it the noise is so wide that the
     * answer says nothing, and its scale leaves the range the noise computations are exact in.
     */
    public static final double MIN_EPSILON = 1e-6;
    /** The largest MAX GROUPS PER UNIT and MAX ROWS PER UNIT PER GROUP. */
    public static final int MAX_CONTRIBUTIONS = 1_000_000;

    /** A policy with fixed contribution bounds. */
    public DifferentialPrivacy(double epsilon, double delta, int maxGroupsPerUnit, int maxRowsPerUnitPerGroup) {
        this(epsilon, delta, maxGroupsPerUnit, maxRowsPerUnitPerGroup, false);
    }

    public DifferentialPrivacy {
        checkEpsilon("EPSILON", epsilon);
        if (!(delta >= 0 && delta < 1)) {
            throw new IllegalArgumentException("DELTA must be >= 0 and < 1, got " + delta);
        }
        if (maxGroupsPerUnit < 1 || maxGroupsPerUnit > MAX_CONTRIBUTIONS) {
            throw new IllegalArgumentException(
                    "MAX GROUPS PER UNIT must be from 1 to " + MAX_CONTRIBUTIONS + ", got " + maxGroupsPerUnit);
        }
        if (maxRowsPerUnitPerGroup < 1 || maxRowsPerUnitPerGroup > MAX_CONTRIBUTIONS) {
            throw new IllegalArgumentException("MAX ROWS PER UNIT PER GROUP must be from 1 to " + MAX_CONTRIBUTIONS
                    + ", got " + maxRowsPerUnitPerGroup);
        }
    }

    /** Checks that an epsilon is within [{@value #MIN_EPSILON}, {@value #MAX_EPSILON}]; {@code what} names it. */
    public static double checkEpsilon(String what, double epsilon) {
        if (!(epsilon >= MIN_EPSILON && epsilon <= MAX_EPSILON)) {
            throw new IllegalArgumentException(what + " must be at least 1e-6 and at most 1e30, got " + epsilon);
        }
        return epsilon;
    }
}
