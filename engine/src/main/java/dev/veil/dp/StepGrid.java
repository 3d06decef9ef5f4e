package dev.veil.dp;

/**
 * The integer grid on which a bounded sum is kept ({@link GridSum}): a value {@code v} is
 * {@code rint(v / grid)} steps, clamped to {@code [minSteps, maxSteps]} (a unit's total of
 * {@code rows} values to {@code [rows · minSteps, rows · maxSteps]}). Published so that a unit's
 * total can be turned into steps where the data lives, exactly as {@link BoundedSum#addPartial}
 * and {@link BoundedMean#addPartial} turn it, and only the integer totals of many units travel.
 *
 * @param grid the value of one step, a power of two
 * @param minSteps the lower bound in steps
 * @param maxSteps the upper bound in steps
 */
public record StepGrid(double grid, long minSteps, long maxSteps) {
    public StepGrid {
        if (!(grid > 0) || Math.scalb(1.0, Math.getExponent(grid)) != grid) {
            throw new DpException("a grid must be a power of two, was " + grid);
        }
        if (minSteps > maxSteps) {
            throw new DpException("minSteps " + minSteps + " exceeds maxSteps " + maxSteps);
        }
    }

    /**
     * The steps one unit's {@code rows} values summing to {@code total} add, as {@link
     * GridSum#addPartial} computes them: {@code rint(total / grid)} (NaN is 0) clamped to
     * {@code [rows · minSteps, rows · maxSteps]}. Fails when those bounds do not fit in a long.
     */
    public long unitSteps(long rows, double total) {
        if (rows < 0) {
            throw new DpException("rows must be >= 0, was " + rows);
        }
        long low = Math.multiplyExact(rows, minSteps);
        long high = Math.multiplyExact(rows, maxSteps);
        return Math.max(low, Math.min(high, (long) Math.rint(total / grid)));
    }

    /** The largest magnitude of a unit's steps when it adds at most {@code maxRows} values. */
    public double maxUnitSteps(long maxRows) {
        return (double) maxRows * Math.max(Math.abs((double) minSteps), Math.abs((double) maxSteps));
    }
}
