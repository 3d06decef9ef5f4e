package dev.veil.exec.privacy;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.control.StatementControl;
import dev.veil.dp.BoundedMean;
import dev.veil.dp.BoundedSum;
import dev.veil.dp.BudgetSplit;
import dev.veil.dp.Count;
import dev.veil.dp.CountDistinctUnits;
import dev.veil.dp.DpResult;
import dev.veil.dp.OptimalPartitionSelection;
import dev.veil.dp.StepGrid;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import dev.veil.plan.ReleaseOrder;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;

/**
 * Runs a DP aggregate whose input a remote database has summed per group, over each unit's
 * bounded, per-(group, unit) contribution ({@code exec.remote}'s {@code RemoteGroupSums}): one
 * input row per group, never per unit. The layout: the group keys, then at the spec's unit field
 * the number of units in the group (what partition selection needs), then for each call
 * {@code c} three fields from its {@code argument}: the rows its units count, the sum of their
 * units' totals in steps of the call's {@link StepGrid} (each unit's total turned into steps
 * exactly as {@link PreSummedDpAggregator} turns it, {@link StepGrid#unitSteps}, so the integer
 * sum is the one that aggregator reaches), and the number of units with a row it counts.
 *
 * <p>What the remote is trusted with, and what is clamped again: the remote already chooses
 * each unit's rows and groups, so a unit's contribution is bounded by the remote's SQL and no
 * longer re-clamped unit by unit here; each group's totals are still clamped to what its units
 * can add at most ({@code units · Linf} rows, that many values' steps, at most {@code units}
 * counted units). Partition selection, noise, release order and the once-per-execution release
 * are those of {@link DpAggregator}. Only counts, and sums and means with fixed bounds, run here
 * ({@link #supports}).
 */
public final class GroupSummedDpAggregator {
    /** The fields a call takes in a group-summed row. */
    public static final int FIELDS_PER_CALL = 3;

    private static final int ITERATIONS_PER_CHECK = 4096;

    private GroupSummedDpAggregator() {}

    /**
     * The step grid of each call of {@code spec} (null for a count), or null when some call cannot
     * be summed per group: anything but a count, or a sum or mean with fixed, per-row bounds.
     */
    public static List<StepGrid> grids(DpSpec spec) {
        if (!PreSummedDpAggregator.supports(spec)) {
            return null;
        }
        BudgetSplit split = spec.split().orElse(null);
        List<StepGrid> grids = new ArrayList<>();
        for (int i = 0; i < spec.calls().size(); i++) {
            DpCall call = spec.calls().get(i);
            if (call.hasGroupBounds()) {
                return null;
            }
            switch (call.kind()) {
                case COUNT_ROWS, COUNT_VALUES, COUNT_UNITS -> grids.add(null);
                case SUM -> grids.add(BoundedSum.stepGrid(spec.params(split, i), spec.bounds(i)));
                case AVG -> grids.add(BoundedMean.stepGrid(spec.params(split, i), spec.bounds(i)));
                default -> {
                    return null;
                }
            }
        }
        return grids;
    }

    /** As {@link DpAggregator#aggregate}, over group-summed rows; called from generated code. */
    public static Enumerable<Object[]> aggregate(
            DataContext root, Enumerable<Object[]> input, DpSpec spec, List<StepGrid> grids) {
        DpReleases releases = DpReleases.of(root);
        AtomicBoolean cancelFlag = ExecutionContext.cancelFlag(root);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                return Linq4j.enumerator(releases.rows(spec.release(), () -> run(input, spec, grids, cancelFlag)));
            }
        };
    }

    /** The released rows of {@code spec} over group-summed {@code input}, written for {@code grids}. */
    static List<Object[]> run(Enumerable<Object[]> input, DpSpec spec, List<StepGrid> grids, AtomicBoolean cancelFlag) {
        if (!grids.equals(grids(spec))) {
            // The remote statement turned units' sums into steps of other grids (another budget).
            throw new VeilException(
                    ErrorCode.INTERNAL_ERROR,
                    "The remote statement of a differentially private aggregate does not match its budget");
        }
        int untilCheck = ITERATIONS_PER_CHECK;
        int keyCount = spec.groupKeys().size();
        int[] keyFields = spec.groupKeys().stream().mapToInt(Integer::intValue).toArray();
        int unitsField = spec.unitField();
        List<DpCall> calls = spec.calls();
        int callCount = calls.size();
        long maxRows = spec.maxRowsPerUnitPerGroup();
        BudgetSplit split = spec.split().orElse(null);
        RowKeys groupIds = new RowKeys(keyFields);
        List<Group> groups = new ArrayList<>();
        if (keyCount == 0) {
            groups.add(new Group(spec, split));
        }
        try (Enumerator<Object[]> rows = input.enumerator()) {
            while (rows.moveNext()) {
                if (--untilCheck == 0) {
                    untilCheck = ITERATIONS_PER_CHECK;
                    StatementControl.check(cancelFlag);
                }
                Object[] row = rows.current();
                int id = keyCount == 0 ? 0 : groupIds.idOf(row);
                if (id == groups.size()) {
                    groups.add(new Group(spec, split));
                }
                Group group = groups.get(id);
                long units = Math.max(0, whole(row[unitsField]).longValueExact());
                group.units += units;
                for (int c = 0; c < callCount; c++) {
                    int at = calls.get(c).argument();
                    long callRows = Math.max(0, Math.min(Math.multiplyExact(units, maxRows), longOf(row[at])));
                    long callUnits = Math.max(0, Math.min(units, longOf(row[at + 2])));
                    group.accumulators[c].add(units, callRows, whole(row[at + 1]), callUnits);
                }
            }
        }
        OptimalPartitionSelection selection = spec.partitionSelection() ? DpAccumulators.selection(spec, split) : null;
        List<Object[]> out = new ArrayList<>();
        for (int id = 0; id < groups.size(); id++) {
            Group group = groups.get(id);
            if (selection != null && !selection.keep(group.units)) {
                continue;
            }
            out.add(ReleasedRow.of(
                    keyCount > 0 ? groupIds.values(id) : null, keyCount, calls, c -> group.accumulators[c].result()));
        }
        out.sort(ReleaseOrder.ROWS);
        StatementControl.check(cancelFlag);
        return out;
    }

    /** A whole number of the input (NULL, no rows, is 0); a fraction is not one. */
    private static BigInteger whole(Object value) {
        if (value == null) {
            return BigInteger.ZERO;
        }
        if (value instanceof BigDecimal d) {
            return d.toBigIntegerExact();
        }
        if (value instanceof BigInteger b) {
            return b;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        throw new IllegalStateException("a group-summed field is not a whole number: " + value.getClass());
    }

    /** {@link #whole} within a long, saturated (the clamps that follow bring it in range). */
    private static long longOf(Object value) {
        BigInteger v = whole(value);
        return v.bitLength() < 64 ? v.longValue() : v.signum() > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    /** One group's accumulators and the number of units it holds. */
    private static final class Group {
        final Total[] accumulators;
        long units;

        Group(DpSpec spec, BudgetSplit split) {
            accumulators = new Total[spec.calls().size()];
            for (int c = 0; c < accumulators.length; c++) {
                accumulators[c] = Total.forSpec(spec, split, c);
            }
        }
    }

    /** One noisy aggregate of one group over its units' totals. */
    private interface Total {
        void add(long units, long rows, BigInteger steps, long countedUnits);

        DpResult result();

        static Total forSpec(DpSpec spec, BudgetSplit split, int i) {
            DpCall call = spec.calls().get(i);
            return switch (call.kind()) {
                case COUNT_ROWS, COUNT_VALUES -> {
                    Count count = Count.create(spec.params(split, i));
                    yield of((units, rows, steps, counted) -> count.add(rows), count::result);
                }
                case COUNT_UNITS -> {
                    CountDistinctUnits units = CountDistinctUnits.create(spec.params(split, i));
                    yield of((n, rows, steps, counted) -> units.addUnits(counted), units::result);
                }
                case SUM -> {
                    BoundedSum sum = BoundedSum.create(spec.params(split, i), spec.bounds(i));
                    yield of(sum::addTotals, sum::result);
                }
                case AVG -> {
                    BoundedMean mean = BoundedMean.create(spec.params(split, i), spec.bounds(i));
                    yield of(mean::addTotals, mean::result);
                }
                default -> throw new IllegalArgumentException(call.kind() + " cannot take group-summed rows");
            };
        }

        interface Adder {
            void add(long units, long rows, BigInteger steps, long countedUnits);
        }

        interface ThreeAdder {
            void add(long units, long rows, BigInteger steps);
        }

        static Total of(ThreeAdder adder, java.util.function.Supplier<DpResult> result) {
            return of((units, rows, steps, counted) -> adder.add(units, rows, steps), result);
        }

        static Total of(Adder adder, java.util.function.Supplier<DpResult> result) {
            return new Total() {
                @Override
                public void add(long units, long rows, BigInteger steps, long countedUnits) {
                    adder.add(units, rows, steps, countedUnits);
                }

                @Override
                public DpResult result() {
                    return result.get();
                }
            };
        }
    }
}
