package dev.veil.dp;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * An exact sum of bounded values in integer steps of a power-of-two grid.
 *
 * <p>Each value is rounded to the grid and clamped to the step range of the bounds, then added as
 * an integer (a long, widening to BigInteger on overflow). Summing in floating point would make
 * the sensitivity depend on rounding and summation order, which Casacuberta et al. ("Widespread
 * Underestimation of Sensitivity in Differentially Private Libraries", CCS 2022) show can be
 * exploited; an integer sum moves by exactly the clamped contribution, whatever the order.
 *
 * <p>A centred sum adds {@code 2u - (min + max)} for a value of u steps, that is the distance to
 * the middle of the range in half steps: its per-value bound is half that of the plain sum of a
 * range not centred on zero, which is what bounded mean and variance exploit.
 */
final class GridSum {
    private final double grid;
    private final long minSteps;
    private final long maxSteps;
    private final boolean centred;
    private long total;
    private BigInteger overflow = BigInteger.ZERO;

    private GridSum(double grid, double lower, double upper, boolean centred) {
        this.grid = grid;
        this.minSteps = toSteps(lower, grid);
        this.maxSteps = toSteps(upper, grid);
        this.centred = centred;
    }

    /** A sum of values in {@code [lower, upper]}. */
    static GridSum plain(double grid, double lower, double upper) {
        return new GridSum(grid, lower, upper, false);
    }

    /** A sum of distances of values in {@code [lower, upper]} to the middle of the range. */
    static GridSum centred(double grid, double lower, double upper) {
        return new GridSum(grid, lower, upper, true);
    }

    private static long toSteps(double value, double grid) {
        double steps = Math.rint(value / grid);
        if (!(Math.abs(steps) <= 0x1p61)) {
            throw new IllegalStateException("grid " + grid + " too fine for bound " + value);
        }
        return (long) steps;
    }

    void add(double value) {
        long steps = Math.max(minSteps, Math.min(maxSteps, (long) Math.rint(value / grid)));
        long contribution = centred ? 2 * steps - (minSteps + maxSteps) : steps;
        long sum = total + contribution;
        // Overflow iff both operands have the sign opposite to the result.
        if (((total ^ sum) & (contribution ^ sum)) < 0) {
            overflow = overflow.add(BigInteger.valueOf(total));
            sum = contribution;
        }
        total = sum;
    }

    /**
     * Adds {@code rows >= 0} values at once by their sum {@code value} (a unit's pre-summed
     * contribution): rounded to the grid and clamped to {@code [rows · min, rows · max]} steps, the
     * sums that {@code rows} values in range can have, so the total moves by at most {@code rows}
     * times one value's bound whatever {@code value} is (NaN counts as 0, then clamped).
     */
    void addPartial(long rows, double value) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, was " + rows);
        }
        try {
            long low = Math.multiplyExact(rows, minSteps);
            long high = Math.multiplyExact(rows, maxSteps);
            // A cast saturates (NaN is 0); the clamp is exact in longs.
            long steps = Math.max(low, Math.min(high, (long) Math.rint(value / grid)));
            long contribution = centred
                    ? Math.subtractExact(Math.multiplyExact(2, steps), Math.multiplyExact(rows, minSteps + maxSteps))
                    : steps;
            long sum = total + contribution;
            if (((total ^ sum) & (contribution ^ sum)) < 0) {
                overflow = overflow.add(BigInteger.valueOf(total));
                sum = contribution;
            }
            total = sum;
        } catch (ArithmeticException tooLarge) {
            BigInteger n = BigInteger.valueOf(rows);
            BigInteger low = n.multiply(BigInteger.valueOf(minSteps));
            BigInteger high = n.multiply(BigInteger.valueOf(maxSteps));
            double scaled = Math.rint(value / grid);
            BigInteger steps = Double.isNaN(scaled)
                    ? BigInteger.ZERO
                    : scaled == Double.POSITIVE_INFINITY
                            ? high
                            : scaled == Double.NEGATIVE_INFINITY ? low : new BigDecimal(scaled).toBigInteger();
            steps = steps.max(low).min(high);
            BigInteger contribution =
                    centred ? steps.shiftLeft(1).subtract(n.multiply(BigInteger.valueOf(minSteps + maxSteps))) : steps;
            overflow = overflow.add(contribution);
        }
    }

    /** The grid and step bounds of this sum. */
    StepGrid steps() {
        return new StepGrid(grid, minSteps, maxSteps);
    }

    /**
     * Adds many units' contributions at once by their totals: {@code rows >= 0} values in all, whose
     * steps (each unit's {@code rint(total / grid)} clamped as {@link #addPartial} clamps it) sum to
     * {@code steps}. The steps are clamped to {@code [rows · min, rows · max]}, what that many values
     * in range can add, so the sum moves by at most {@code rows} times one value's bound whatever
     * {@code steps} is.
     */
    void addTotals(long rows, BigInteger steps) {
        if (rows < 0) {
            throw new IllegalArgumentException("rows must be >= 0, was " + rows);
        }
        BigInteger n = BigInteger.valueOf(rows);
        BigInteger clamped =
                steps.max(n.multiply(BigInteger.valueOf(minSteps))).min(n.multiply(BigInteger.valueOf(maxSteps)));
        BigInteger contribution =
                centred ? clamped.shiftLeft(1).subtract(n.multiply(BigInteger.valueOf(minSteps + maxSteps))) : clamped;
        overflow = overflow.add(contribution);
    }

    void merge(GridSum other) {
        if (other.grid != grid
                || other.minSteps != minSteps
                || other.maxSteps != maxSteps
                || other.centred != centred) {
            throw new IllegalArgumentException("cannot merge sums on different grids");
        }
        overflow = overflow.add(other.overflow).add(BigInteger.valueOf(other.total));
    }

    /** The exact sum, in steps. */
    BigInteger total() {
        return overflow.add(BigInteger.valueOf(total));
    }

    /** The value of one step of {@link #total()}: γ, or γ/2 for a centred sum. */
    double stepSize() {
        return centred ? grid / 2 : grid;
    }

    /** The largest magnitude one value adds, in steps. */
    long maxAbsContribution() {
        return centred ? maxSteps - minSteps : Math.max(Math.abs(minSteps), Math.abs(maxSteps));
    }

    /** The middle of the range on the grid (what a centred sum measures distances from). */
    double centre() {
        return centred ? (minSteps + maxSteps) * (grid / 2) : 0;
    }
}
