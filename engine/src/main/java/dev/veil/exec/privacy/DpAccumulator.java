package dev.veil.exec.privacy;

import dev.veil.dp.AutoBoundedSum;
import dev.veil.dp.BoundedMean;
import dev.veil.dp.BoundedSum;
import dev.veil.dp.BoundedVariance;
import dev.veil.dp.Count;
import dev.veil.dp.CountDistinctUnits;
import dev.veil.dp.DpResult;
import dev.veil.dp.ExponentialQuantile;
import dev.veil.dp.NoisyStdDev;
import java.util.function.DoubleConsumer;
import java.util.function.Supplier;

/**
 * One noisy aggregate of one group, over the DP primitives: takes each unit's bounded
 * contribution, then releases the noisy value once. {@link DpAccumulators} builds them from a
 * {@code DpSpec}.
 */
abstract class DpAccumulator {
    /**
     * Adds one unit's rows to the group: {@code count} values from {@code values[from]} (NaN for
     * a row the aggregate skips), at most Linf of them.
     */
    abstract void addUnit(double[] values, int from, int count);

    /**
     * Adds one unit's rows by their totals, what {@link #addUnit} computes from them: {@code total}
     * the sum of the values clamped as this aggregate clamps each row (for a count, the rows
     * counted), {@code rows} the number of rows not skipped. Only for the aggregates that take one
     * total per unit ({@link CellTotals#of}); the others throw.
     */
    void addTotal(double total, long rows) {
        throw new IllegalStateException("this aggregate takes a unit's values one by one");
    }

    /** Adds the noise and releases the value; once. */
    abstract DpResult result();

    /** The heap the accumulator holds beyond its fixed size (the values a quantile keeps). */
    long bytes() {
        return 0;
    }

    static DpAccumulator count(Count count) {
        return new DpAccumulator() {
            @Override
            void addUnit(double[] values, int from, int n) {
                long rows = 0;
                for (int i = from; i < from + n; i++) {
                    if (!Double.isNaN(values[i])) {
                        rows++;
                    }
                }
                count.add(rows);
            }

            @Override
            void addTotal(double total, long rows) {
                count.add(rows);
            }

            @Override
            DpResult result() {
                return count.result();
            }
        };
    }

    static DpAccumulator units(CountDistinctUnits units) {
        return new DpAccumulator() {
            @Override
            void addUnit(double[] values, int from, int n) {
                for (int i = from; i < from + n; i++) {
                    if (!Double.isNaN(values[i])) {
                        units.addUnit();
                        return;
                    }
                }
            }

            @Override
            void addTotal(double total, long rows) {
                if (rows > 0) {
                    units.addUnit();
                }
            }

            @Override
            DpResult result() {
                return units.result();
            }
        };
    }

    /** A count or sum whose contribution bound is chosen from the data; keeps one value per unit. */
    static DpAccumulator auto(AutoBoundedSum sum) {
        return new DpAccumulator() {
            @Override
            void addUnit(double[] values, int from, int n) {
                sum.addUnit(values, from, n);
            }

            @Override
            void addTotal(double total, long rows) {
                sum.addTotal(total);
            }

            @Override
            DpResult result() {
                return sum.result();
            }

            @Override
            long bytes() {
                return sum.bytes();
            }
        };
    }

    /**
     * A count or sum with contribution bounds per group: each unit's total over its rows (a counted
     * row is 1; a value is clamped to {@code rows} first) is one value of {@code sum}, which clamps
     * it to the group bounds.
     */
    static DpAccumulator groupBounded(BoundedSum sum, dev.veil.dp.ValueBounds rows) {
        return new DpAccumulator() {
            @Override
            void addUnit(double[] values, int from, int n) {
                double total = 0;
                boolean any = false;
                for (int i = from; i < from + n; i++) {
                    if (!Double.isNaN(values[i])) {
                        total += rows == null ? 1 : rows.clamp(values[i]);
                        any = true;
                    }
                }
                if (any || rows == null) {
                    sum.add(total);
                }
            }

            @Override
            void addTotal(double total, long counted) {
                if (counted > 0 || rows == null) {
                    sum.add(total);
                }
            }

            @Override
            DpResult result() {
                return sum.result();
            }
        };
    }

    /** A mean or variance (standard deviation: its square root) whose value bounds are chosen from the data. */
    static DpAccumulator autoValues(dev.veil.dp.AutoClampedStatistic statistic, boolean stdDev) {
        return new DpAccumulator() {
            @Override
            void addUnit(double[] values, int from, int n) {
                statistic.addUnit(values, from, n);
            }

            @Override
            DpResult result() {
                DpResult result = statistic.result();
                return stdDev ? new NoisyStdDev((dev.veil.dp.NoisyVariance) result) : result;
            }

            @Override
            long bytes() {
                return statistic.bytes();
            }
        };
    }

    static DpAccumulator sum(BoundedSum sum) {
        return new ValueAccumulator(sum::add, sum::result);
    }

    static DpAccumulator mean(BoundedMean mean) {
        return new ValueAccumulator(mean::add, mean::result);
    }

    static DpAccumulator variance(BoundedVariance variance) {
        return new ValueAccumulator(variance::add, variance::result);
    }

    /** The standard deviation: the square root of the noisy variance (post-processing). */
    static DpAccumulator stdDev(BoundedVariance variance) {
        return new ValueAccumulator(variance::add, () -> new NoisyStdDev(variance.result()));
    }

    /** A quantile, which keeps the group's values until it is released. */
    static DpAccumulator quantile(ExponentialQuantile quantile) {
        return new ValueAccumulator(quantile::add, quantile::result) {
            @Override
            long bytes() {
                return quantile.bytes();
            }
        };
    }

    /** An aggregate of values: each non-NaN value of the unit's rows is added. */
    private static class ValueAccumulator extends DpAccumulator {
        private final DoubleConsumer add;
        private final Supplier<DpResult> result;

        ValueAccumulator(DoubleConsumer add, Supplier<DpResult> result) {
            this.add = add;
            this.result = result;
        }

        @Override
        void addUnit(double[] values, int from, int n) {
            for (int i = from; i < from + n; i++) {
                if (!Double.isNaN(values[i])) {
                    add.accept(values[i]);
                }
            }
        }

        @Override
        DpResult result() {
            return result.get();
        }
    }
}
