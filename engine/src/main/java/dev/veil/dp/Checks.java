package dev.veil.dp;

/** Argument checks shared by the DP primitives; each failure names the parameter and its value. */
final class Checks {
    private Checks() {}

    static double epsilon(double epsilon) {
        return positiveFinite("epsilon", epsilon);
    }

    static double rho(double rho) {
        return positiveFinite("rho", rho);
    }

    /** Delta may be 0 (pure DP) but never 1: delta = 1 would allow anything. */
    static double delta(double delta) {
        if (!(delta >= 0 && delta < 1)) {
            throw new DpException("delta must be in [0, 1), was " + delta);
        }
        return delta;
    }

    /** A delta that must be strictly positive because the mechanism has a failure probability. */
    static double positiveDelta(String what, double delta) {
        delta(delta);
        if (delta == 0) {
            throw new DpException(what + " needs delta > 0, was 0");
        }
        return delta;
    }

    static double positiveFinite(String name, double value) {
        if (!(value > 0 && value < Double.POSITIVE_INFINITY)) {
            throw new DpException(name + " must be finite and > 0, was " + value);
        }
        return value;
    }

    static double nonNegativeFinite(String name, double value) {
        if (!(value >= 0 && value < Double.POSITIVE_INFINITY)) {
            throw new DpException(name + " must be finite and >= 0, was " + value);
        }
        return value;
    }

    static double finite(String name, double value) {
        if (!Double.isFinite(value)) {
            throw new DpException(name + " must be finite, was " + value);
        }
        return value;
    }

    /** The rows of one unit's pre-summed contribution: in {@code [0, maxRows]} (Linf). */
    static long partialRows(long rows, long maxRows) {
        if (rows < 0 || rows > maxRows) {
            throw new DpException("a unit's pre-summed rows must be in [0, " + maxRows + "], was " + rows);
        }
        return rows;
    }

    /** {@code rows} of {@code units >= 0} units, clamped to {@code [0, units · maxRows]}. */
    static long totalRows(long units, long rows, long maxRows) {
        if (units < 0) {
            throw new DpException("units must be >= 0, was " + units);
        }
        return Math.max(0, Math.min(Math.multiplyExact(units, maxRows), rows));
    }

    static long atLeastOne(String name, long value) {
        if (value < 1) {
            throw new DpException(name + " must be >= 1, was " + value);
        }
        return value;
    }

    static double confidenceLevel(double level) {
        if (!(level > 0 && level < 1)) {
            throw new DpException("confidence level must be in (0, 1), was " + level);
        }
        return level;
    }

    /**
     * The most steps a loop may take to correct a closed-form estimate for rounding. Every such
     * loop is capped, so no parameter can make a computation spin; exceeding the cap means the
     * parameters are outside the range where the estimate is accurate.
     */
    static final int MAX_CORRECTION_STEPS = 10_000;

    /** A count of grid steps that a double holds exactly (below 2^53): larger ones cannot be computed with. */
    static double exactSteps(String what, double steps) {
        if (!(steps < 0x1p53)) {
            throw new DpException("the noise is too large to compute " + what + " (" + steps
                    + " grid steps): epsilon is too small or the bounds too wide");
        }
        return steps;
    }

    /** Fails once a correcting loop has taken {@link #MAX_CORRECTION_STEPS} steps. */
    static void correctionStep(String what, long step) {
        if (step >= MAX_CORRECTION_STEPS) {
            throw new DpException("computing " + what + " did not converge within " + MAX_CORRECTION_STEPS
                    + " steps: the privacy parameters are outside the supported range");
        }
    }

    static double probability(String name, double p) {
        if (!(p >= 0 && p <= 1)) {
            throw new DpException(name + " must be in [0, 1], was " + p);
        }
        return p;
    }
}
