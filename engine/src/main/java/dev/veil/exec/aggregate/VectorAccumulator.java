package dev.veil.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.ColumnType;
import dev.veil.exec.scan.Validity;
import java.math.BigDecimal;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;

/**
 * The state of one aggregate call over all groups of a vectorized aggregation, in primitive
 * arrays indexed by group id, updated a batch at a time. The results have the Java types and
 * values that Calcite's row code produces for the same call: COUNT a Long; SUM of INTEGER or
 * BIGINT a Long, exact, that fails (NUMERIC_OUT_OF_RANGE) when the total does not fit, like the
 * row code's checked sum ({@link CheckedSums}); SUM of DECIMAL an exact BigDecimal
 * at the argument's scale (a long sum that would overflow moves into a BigDecimal); SUM of
 * DOUBLE a Double summed in row order; SUM of no value NULL and $SUM0 of no value zero.
 * Used by one thread.
 */
abstract class VectorAccumulator {
    /** Makes room for groups {@code 0..groups-1}. */
    abstract void ensure(int groups);

    /** Adds rows {@code sel[0..n)} of a batch, row {@code sel[j]} to group {@code gids[j]}. */
    abstract void add(FieldVector[] vectors, int[] sel, int n, int[] gids);

    /** Adds the state of {@code other} (same call), its group g into group {@code map[g]} here. */
    abstract void merge(VectorAccumulator other, int[] map);

    /** The call's value for one group. */
    abstract Object result(int group);

    static int grow(int length, int groups) {
        return Math.max(groups, Math.max(16, length * 2));
    }

    /** {@code COUNT(*)}. */
    static final class CountRows extends VectorAccumulator {
        private long[] counts = new long[0];

        @Override
        void ensure(int groups) {
            if (counts.length < groups) {
                counts = Arrays.copyOf(counts, grow(counts.length, groups));
            }
        }

        @Override
        void add(FieldVector[] vectors, int[] sel, int n, int[] gids) {
            for (int j = 0; j < n; j++) {
                counts[gids[j]]++;
            }
        }

        @Override
        void merge(VectorAccumulator other, int[] map) {
            long[] o = ((CountRows) other).counts;
            for (int g = 0; g < map.length; g++) {
                counts[map[g]] += o[g];
            }
        }

        @Override
        Object result(int group) {
            return counts[group];
        }
    }

    /** {@code COUNT(column)}: the rows where a column of any type is not null. */
    static final class CountColumn extends VectorAccumulator {
        private final int column;
        private long[] counts = new long[0];

        CountColumn(int column) {
            this.column = column;
        }

        @Override
        void ensure(int groups) {
            if (counts.length < groups) {
                counts = Arrays.copyOf(counts, grow(counts.length, groups));
            }
        }

        @Override
        void add(FieldVector[] vectors, int[] sel, int n, int[] gids) {
            FieldVector v = vectors[column];
            boolean nullable = Validity.hasNulls(v);
            for (int j = 0; j < n; j++) {
                if (!nullable || !v.isNull(sel[j])) {
                    counts[gids[j]]++;
                }
            }
        }

        @Override
        void merge(VectorAccumulator other, int[] map) {
            long[] o = ((CountColumn) other).counts;
            for (int g = 0; g < map.length; g++) {
                counts[map[g]] += o[g];
            }
        }

        @Override
        Object result(int group) {
            return counts[group];
        }
    }

    /**
     * SUM, $SUM0 and COUNT of a numeric expression: each evaluates the expression per batch and
     * keeps whether a group has seen a non-null value.
     */
    abstract static class OverExpression extends VectorAccumulator {
        final VectorExpression argument;
        final boolean zeroWhenEmpty;
        boolean[] seen = new boolean[0];
        long[] longs = new long[0];
        double[] doubles = new double[0];
        boolean[] nulls = new boolean[0];

        OverExpression(VectorExpression argument, boolean zeroWhenEmpty) {
            this.argument = requireNonNull(argument, "argument is null");
            this.zeroWhenEmpty = zeroWhenEmpty;
        }

        @Override
        void ensure(int groups) {
            if (seen.length < groups) {
                int size = grow(seen.length, groups);
                seen = Arrays.copyOf(seen, size);
                resize(size);
            }
        }

        abstract void resize(int size);

        void scratch(int n) {
            if (nulls.length < n) {
                nulls = new boolean[n];
                if (argument.isDouble) {
                    doubles = new double[n];
                } else {
                    longs = new long[n];
                }
            }
        }

        void mergeSeen(OverExpression other, int[] map) {
            for (int g = 0; g < map.length; g++) {
                seen[map[g]] |= other.seen[g];
            }
        }
    }

    /**
     * SUM or $SUM0 of an INTEGER or BIGINT expression: a wrapped long and its carries per group
     * ({@link CheckedSums#carry}), so the sum is exact whatever the order of rows and threads, and
     * fails when its total does not fit a long, as in the row code (or, on protected rows,
     * saturates: {@link CheckedSums#saturated}).
     */
    static final class SumLong extends OverExpression {
        private long[] sums = new long[0];
        private long[] carries = new long[0];
        private final boolean saturating;

        SumLong(VectorExpression argument, boolean zeroWhenEmpty, boolean saturating) {
            super(argument, zeroWhenEmpty);
            this.saturating = saturating;
        }

        @Override
        void resize(int size) {
            sums = Arrays.copyOf(sums, size);
            carries = Arrays.copyOf(carries, size);
        }

        @Override
        void add(FieldVector[] vectors, int[] sel, int n, int[] gids) {
            scratch(n);
            argument.evalLong(vectors, sel, n, longs, nulls);
            for (int j = 0; j < n; j++) {
                if (!nulls[j]) {
                    int g = gids[j];
                    long s = sums[g];
                    long v = longs[j];
                    long r = s + v;
                    if (((s ^ r) & (v ^ r)) < 0) {
                        carries[g] += v < 0 ? -1 : 1;
                    }
                    sums[g] = r;
                    seen[g] = true;
                }
            }
        }

        @Override
        void merge(VectorAccumulator other, int[] map) {
            SumLong o = (SumLong) other;
            for (int g = 0; g < map.length; g++) {
                int to = map[g];
                carries[to] += o.carries[g] + CheckedSums.carry(sums[to], o.sums[g]);
                sums[to] += o.sums[g];
            }
            mergeSeen(o, map);
        }

        @Override
        Object result(int group) {
            if (!seen[group]) {
                return zeroWhenEmpty ? (Object) 0L : null;
            }
            return saturating
                    ? CheckedSums.saturated(sums[group], carries[group])
                    : CheckedSums.total(sums[group], carries[group]);
        }
    }

    /** SUM or $SUM0 of a DOUBLE expression, in row order. */
    static final class SumDouble extends OverExpression {
        private double[] sums = new double[0];

        SumDouble(VectorExpression argument, boolean zeroWhenEmpty) {
            super(argument, zeroWhenEmpty);
        }

        @Override
        void resize(int size) {
            sums = Arrays.copyOf(sums, size);
        }

        @Override
        void add(FieldVector[] vectors, int[] sel, int n, int[] gids) {
            scratch(n);
            argument.evalDouble(vectors, sel, n, doubles, nulls);
            for (int j = 0; j < n; j++) {
                if (!nulls[j]) {
                    int g = gids[j];
                    sums[g] += doubles[j];
                    seen[g] = true;
                }
            }
        }

        @Override
        void merge(VectorAccumulator other, int[] map) {
            SumDouble o = (SumDouble) other;
            for (int g = 0; g < map.length; g++) {
                sums[map[g]] += o.sums[g];
            }
            mergeSeen(o, map);
        }

        @Override
        Object result(int group) {
            return seen[group] ? (Object) sums[group] : zeroWhenEmpty ? (Object) 0d : null;
        }
    }

    /**
     * SUM or $SUM0 of a DECIMAL expression, exact: a scaled long per group, and the part that
     * did not fit a long in a BigDecimal; a batch whose expression overflows a long is summed
     * in BigDecimal row by row.
     */
    static final class SumDecimal extends OverExpression {
        private long[] sums = new long[0];
        private BigDecimal[] overflow = new BigDecimal[0];

        SumDecimal(VectorExpression argument, boolean zeroWhenEmpty) {
            super(argument, zeroWhenEmpty);
        }

        @Override
        void resize(int size) {
            sums = Arrays.copyOf(sums, size);
            overflow = Arrays.copyOf(overflow, size);
        }

        @Override
        void add(FieldVector[] vectors, int[] sel, int n, int[] gids) {
            scratch(n);
            try {
                argument.evalLong(vectors, sel, n, longs, nulls);
            } catch (ArithmeticException e) {
                addExactly(vectors, sel, n, gids);
                return;
            }
            for (int j = 0; j < n; j++) {
                if (!nulls[j]) {
                    addLong(gids[j], longs[j]);
                }
            }
        }

        private void addLong(int g, long v) {
            long s = sums[g];
            long r = s + v;
            if (((s ^ r) & (v ^ r)) < 0) {
                spill(g, BigDecimal.valueOf(s, argument.scale));
                r = v;
            }
            sums[g] = r;
            seen[g] = true;
        }

        private void spill(int g, BigDecimal value) {
            overflow[g] = overflow[g] == null ? value : overflow[g].add(value);
        }

        private void addExactly(FieldVector[] vectors, int[] sel, int n, int[] gids) {
            for (int j = 0; j < n; j++) {
                BigDecimal v = argument.evalDecimal(vectors, sel[j]);
                if (v != null) {
                    int g = gids[j];
                    spill(g, v);
                    seen[g] = true;
                }
            }
        }

        @Override
        void merge(VectorAccumulator other, int[] map) {
            SumDecimal o = (SumDecimal) other;
            for (int g = 0; g < map.length; g++) {
                int to = map[g];
                if (o.seen[g]) {
                    addLong(to, o.sums[g]);
                }
                if (o.overflow[g] != null) {
                    spill(to, o.overflow[g]);
                }
            }
            mergeSeen(o, map);
        }

        @Override
        Object result(int group) {
            if (!seen[group]) {
                // The row code's $SUM0 starts from new BigDecimal(0).
                return zeroWhenEmpty ? BigDecimal.ZERO : null;
            }
            BigDecimal sum = BigDecimal.valueOf(sums[group], argument.scale);
            return overflow[group] == null ? sum : sum.add(overflow[group]);
        }
    }

    /** COUNT of a numeric expression: the rows where it is not null. */
    static final class CountExpression extends OverExpression {
        private long[] counts = new long[0];

        CountExpression(VectorExpression argument) {
            super(argument, true);
        }

        @Override
        void resize(int size) {
            counts = Arrays.copyOf(counts, size);
        }

        @Override
        void add(FieldVector[] vectors, int[] sel, int n, int[] gids) {
            scratch(n);
            try {
                if (argument.isDouble) {
                    argument.evalDouble(vectors, sel, n, doubles, nulls);
                } else {
                    argument.evalLong(vectors, sel, n, longs, nulls);
                }
            } catch (ArithmeticException e) {
                for (int j = 0; j < n; j++) {
                    nulls[j] = argument.evalDecimal(vectors, sel[j]) == null;
                }
            }
            for (int j = 0; j < n; j++) {
                if (!nulls[j]) {
                    counts[gids[j]]++;
                }
            }
        }

        @Override
        void merge(VectorAccumulator other, int[] map) {
            long[] o = ((CountExpression) other).counts;
            for (int g = 0; g < map.length; g++) {
                counts[map[g]] += o[g];
            }
        }

        @Override
        Object result(int group) {
            return counts[group];
        }
    }

    /** MIN or MAX of an INTEGER, BIGINT, DATE, TIMESTAMP or DECIMAL (precision 18 or less) column. */
    static final class MinMax extends VectorAccumulator {
        private final int column;
        private final ColumnType type;
        private final boolean max;
        private long[] values = new long[0];
        private boolean[] seen = new boolean[0];

        MinMax(int column, ColumnType type, boolean max) {
            this.column = column;
            this.type = requireNonNull(type, "type is null");
            this.max = max;
        }

        static boolean supports(ColumnType type) {
            return switch (type.type()) {
                case INTEGER, BIGINT, DATE, TIMESTAMP -> true;
                case DECIMAL -> type.precision() <= 18;
                default -> false;
            };
        }

        @Override
        void ensure(int groups) {
            if (seen.length < groups) {
                int size = grow(seen.length, groups);
                seen = Arrays.copyOf(seen, size);
                values = Arrays.copyOf(values, size);
            }
        }

        private long read(ArrowBuf data, int row) {
            return switch (type.type()) {
                case INTEGER, DATE -> data.getInt((long) row * 4);
                case DECIMAL -> data.getLong((long) row * DecimalVector.TYPE_WIDTH);
                default -> data.getLong((long) row * 8);
            };
        }

        @Override
        void add(FieldVector[] vectors, int[] sel, int n, int[] gids) {
            FieldVector v = vectors[column];
            boolean nullable = Validity.hasNulls(v);
            ArrowBuf data = v.getDataBuffer();
            for (int j = 0; j < n; j++) {
                int row = sel[j];
                if (nullable && v.isNull(row)) {
                    continue;
                }
                offer(gids[j], read(data, row));
            }
        }

        private void offer(int g, long x) {
            if (!seen[g] || (max ? x > values[g] : x < values[g])) {
                values[g] = x;
                seen[g] = true;
            }
        }

        @Override
        void merge(VectorAccumulator other, int[] map) {
            MinMax o = (MinMax) other;
            for (int g = 0; g < map.length; g++) {
                if (o.seen[g]) {
                    offer(map[g], o.values[g]);
                }
            }
        }

        @Override
        Object result(int group) {
            if (!seen[group]) {
                return null;
            }
            long v = values[group];
            return switch (type.type()) {
                case INTEGER, DATE -> (int) v;
                case DECIMAL -> BigDecimal.valueOf(v, type.scale());
                default -> v;
            };
        }
    }
}
