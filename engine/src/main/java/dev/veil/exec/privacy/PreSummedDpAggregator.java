package dev.veil.exec.privacy;

import dev.veil.control.StatementControl;
import dev.veil.control.StatementMemory;
import dev.veil.dp.BoundedMean;
import dev.veil.dp.BoundedSum;
import dev.veil.dp.BoundedVariance;
import dev.veil.dp.BudgetSplit;
import dev.veil.dp.Count;
import dev.veil.dp.CountDistinctUnits;
import dev.veil.dp.DpResult;
import dev.veil.dp.NoisyStdDev;
import dev.veil.dp.OptimalPartitionSelection;
import dev.veil.dp.ValueBounds;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.exec.runtime.RowSizes;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import dev.veil.plan.ReleaseOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;

/**
 * Runs a DP aggregate whose input is already summed per (group, unit), as a remote database
 * computes it ({@code exec.remote}): each input row carries one unit's partial aggregate in one
 * group rather than one raw row. The layout: the group keys and the unit at the spec's fields,
 * and for each call {@code c} three fields from its {@code argument}: the unit's rows it counts
 * (non-null, FILTER true), the sum of their values clamped to the call's bounds, and the sum of
 * their squared distances to the middle of the bounds (VAR_POP, STDDEV_POP).
 *
 * <p>The input is not trusted to have bounded anything: every unit's rows are clamped to
 * {@code [0, Linf]}, its sum to what that many values within the bounds can sum to (inside the
 * primitives, {@code addPartial}), several rows of one (group, unit) are merged before being
 * clamped, and a unit in more than L0 groups keeps a uniform sample of L0 of them, as {@link
 * DpAggregator} does; so the sensitivity of every noisy value, and the noise, are those of the
 * row-by-row aggregate whatever the input holds. Partition selection, noise, release order and
 * the once-per-execution release are those of {@link DpAggregator}.
 *
 * <p>Calls with data-chosen bounds ({@code CONTRIBUTION BOUNDS AUTO}), PERCENTILE_CONT and a
 * public domain of groups need the raw rows: {@link #supports} is false for them.
 */
public final class PreSummedDpAggregator {
    /** The fields a call's partial aggregate takes in a pre-summed row. */
    public static final int FIELDS_PER_CALL = 3;

    private static final int ITERATIONS_PER_CHECK = 4096;
    private static final long CELL_BYTES = 64;
    private static final long ID_BYTES = 128;

    private PreSummedDpAggregator() {}

    /** Whether every call of {@code spec} can take pre-summed rows. */
    public static boolean supports(DpSpec spec) {
        if (spec.domainMarker() >= 0) {
            return false;
        }
        for (int i = 0; i < spec.calls().size(); i++) {
            if (spec.calls().get(i).kind() == DpCall.Kind.PERCENTILE_CONT
                    || spec.autoBounded(i)
                    || spec.autoValueBounded(i)) {
                return false;
            }
        }
        return true;
    }

    /** As {@link DpAggregator#aggregate}, over pre-summed rows; called from generated code. */
    public static Enumerable<Object[]> aggregate(DataContext root, Enumerable<Object[]> input, DpSpec spec) {
        DpReleases releases = DpReleases.of(root);
        AtomicBoolean cancelFlag = ExecutionContext.cancelFlag(root);
        StatementMemory.Account account = ExecutionContext.memory(root).account("a differentially private aggregation");
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                return Linq4j.enumerator(releases.rows(
                        spec.release(),
                        () -> run(
                                input,
                                spec,
                                cancelFlag,
                                account,
                                new SplittableRandom(new SecureRandom().nextLong()))));
            }
        };
    }

    /** The released rows of {@code spec} over pre-summed {@code input}; the sampler picks a unit's L0 groups. */
    static List<Object[]> run(
            Enumerable<Object[]> input,
            DpSpec spec,
            AtomicBoolean cancelFlag,
            StatementMemory.Account account,
            SplittableRandom sampler) {
        if (!supports(spec)) {
            throw new IllegalArgumentException("the DP aggregate cannot take pre-summed rows");
        }
        int untilCheck = ITERATIONS_PER_CHECK;
        int keyCount = spec.groupKeys().size();
        int[] keyFields = spec.groupKeys().stream().mapToInt(Integer::intValue).toArray();
        int unitField = spec.unitField();
        List<DpCall> calls = spec.calls();
        int callCount = calls.size();
        int width = FIELDS_PER_CALL * callCount;
        RowKeys groupIds = new RowKeys(keyFields);
        RowKeys unitIds = new RowKeys(new int[] {unitField});
        PairIndex cellOf = new PairIndex();
        int[] cellGroup = new int[16];
        int[] cellNext = new int[16]; // the previous cell of the same unit, or -1
        double[] partials = new double[16 * Math.max(1, width)];
        int cellCount = 0;
        int[] unitCells = new int[16];
        long kept = 0;
        try (Enumerator<Object[]> rows = input.enumerator()) {
            while (rows.moveNext()) {
                if (--untilCheck == 0) {
                    untilCheck = ITERATIONS_PER_CHECK;
                    StatementControl.check(cancelFlag);
                    account.holdAtLeast(kept);
                }
                Object[] row = rows.current();
                if (row[unitField] == null) {
                    continue; // rows of no unit belong to no one
                }
                int groupsBefore = groupIds.size();
                int unitsBefore = unitIds.size();
                int group = groupIds.idOf(row);
                int unit = unitIds.idOf(row);
                if (groupIds.size() > groupsBefore) {
                    kept += ID_BYTES;
                    for (int k : keyFields) {
                        kept += RowSizes.value(row[k]);
                    }
                }
                if (unitIds.size() > unitsBefore) {
                    kept += ID_BYTES + RowSizes.value(row[unitField]);
                    if (unit == unitCells.length) {
                        unitCells = Arrays.copyOf(unitCells, unit * 2);
                    }
                    unitCells[unit] = -1;
                }
                int cell = cellOf.get(group, unit);
                if (cell < 0) {
                    cell = cellCount++;
                    if (cell == cellGroup.length) {
                        cellGroup = Arrays.copyOf(cellGroup, cell * 2);
                        cellNext = Arrays.copyOf(cellNext, cell * 2);
                        partials = Arrays.copyOf(partials, cell * 2 * Math.max(1, width));
                    }
                    cellGroup[cell] = group;
                    cellNext[cell] = unitCells[unit];
                    unitCells[unit] = cell;
                    cellOf.putNew(group, unit, cell);
                    kept += CELL_BYTES + 8L * width;
                }
                // A second row of the same (group, unit) is merged, then clamped with the first.
                int base = cell * width;
                for (int c = 0; c < callCount; c++) {
                    int field = calls.get(c).argument();
                    for (int f = 0; f < FIELDS_PER_CALL; f++) {
                        partials[base + FIELDS_PER_CALL * c + f] += number(row[field + f]);
                    }
                }
            }
        }
        account.holdAtLeast(kept);
        cellOf = null;

        BudgetSplit split = spec.split().orElse(null);
        List<Integer> order = new ArrayList<>();
        Group[] groups = new Group[Math.max(1, groupIds.size())];
        if (keyCount == 0) {
            groups[0] = new Group(spec, split);
            order.add(0);
        }
        int l0 = spec.maxGroupsPerUnit();
        long maxRows = spec.maxRowsPerUnitPerGroup();
        int[] ofUnit = new int[16];
        for (int unit = 0; unit < unitIds.size(); unit++) {
            if (--untilCheck == 0) {
                untilCheck = ITERATIONS_PER_CHECK;
                StatementControl.check(cancelFlag);
            }
            int n = 0;
            for (int c = unitCells[unit]; c >= 0; c = cellNext[c]) {
                if (n == ofUnit.length) {
                    ofUnit = Arrays.copyOf(ofUnit, n * 2);
                }
                ofUnit[n++] = c;
            }
            // A uniform sample of l0 of the unit's groups.
            n = DpAggregator.sampleGroups(ofUnit, n, l0, sampler);
            for (int i = 0; i < n; i++) {
                int cell = ofUnit[i];
                Group group = groups[cellGroup[cell]];
                if (group == null) {
                    group = new Group(spec, split);
                    groups[cellGroup[cell]] = group;
                    order.add(cellGroup[cell]);
                }
                group.units++;
                int base = cell * width;
                for (int c = 0; c < callCount; c++) {
                    int at = base + FIELDS_PER_CALL * c;
                    // Never more than Linf rows, whatever the input says.
                    long rows = (long) Math.max(0, Math.min(maxRows, partials[at]));
                    group.accumulators[c].add(rows, partials[at + 1], partials[at + 2]);
                }
            }
        }

        OptimalPartitionSelection selection = spec.partitionSelection() ? DpAccumulators.selection(spec, split) : null;
        List<Object[]> out = new ArrayList<>();
        for (int id : order) {
            if (--untilCheck == 0) {
                untilCheck = ITERATIONS_PER_CHECK;
                StatementControl.check(cancelFlag);
            }
            Group group = groups[id];
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

    /** A partial value: NULL (no rows) is 0; NaN is left for the clamps. */
    private static double number(Object value) {
        return value == null ? 0 : ((Number) value).doubleValue();
    }

    /** One group's accumulators and the number of units it holds. */
    private static final class Group {
        final Partial[] accumulators;
        long units;

        Group(DpSpec spec, BudgetSplit split) {
            accumulators = new Partial[spec.calls().size()];
            for (int c = 0; c < accumulators.length; c++) {
                accumulators[c] = Partial.forSpec(spec, split, c);
            }
        }
    }

    /** One noisy aggregate of one group over units' pre-summed contributions. */
    private interface Partial {
        /** Adds one unit: its {@code rows} (already within [0, Linf]), their clamped sum and squared distances. */
        void add(long rows, double sum, double squares);

        DpResult result();

        static Partial forSpec(DpSpec spec, BudgetSplit split, int i) {
            DpCall call = spec.calls().get(i);
            if (call.hasGroupBounds()) {
                BoundedSum sum = spec.groupSum(split, i);
                if (call.kind().isCount()) {
                    return of((rows, total, squares) -> sum.add(rows), sum::result);
                }
                ValueBounds bounds = spec.bounds(i);
                return of(
                        (rows, total, squares) -> {
                            if (rows > 0) {
                                sum.add(clamp(total, rows * bounds.lower(), rows * bounds.upper()));
                            }
                        },
                        sum::result);
            }
            switch (call.kind()) {
                case COUNT_ROWS, COUNT_VALUES -> {
                    Count count = Count.create(spec.params(split, i));
                    return of((rows, total, squares) -> count.add(rows), count::result);
                }
                case COUNT_UNITS -> {
                    CountDistinctUnits units = CountDistinctUnits.create(spec.params(split, i));
                    return of(
                            (rows, total, squares) -> {
                                if (rows > 0) {
                                    units.addUnit();
                                }
                            },
                            units::result);
                }
                case SUM -> {
                    BoundedSum sum = BoundedSum.create(spec.params(split, i), spec.bounds(i));
                    return of((rows, total, squares) -> sum.addPartial(rows, total), sum::result);
                }
                case AVG -> {
                    BoundedMean mean = BoundedMean.create(spec.params(split, i), spec.bounds(i));
                    return of((rows, total, squares) -> mean.addPartial(rows, total), mean::result);
                }
                case VAR_POP -> {
                    BoundedVariance variance = BoundedVariance.create(spec.params(split, i), spec.bounds(i));
                    return of(variance::addPartial, variance::result);
                }
                case STDDEV_POP -> {
                    BoundedVariance variance = BoundedVariance.create(spec.params(split, i), spec.bounds(i));
                    return of(variance::addPartial, () -> new NoisyStdDev(variance.result()));
                }
                default -> throw new IllegalArgumentException(call.kind() + " cannot take pre-summed rows");
            }
        }

        interface Adder {
            void add(long rows, double sum, double squares);
        }

        static Partial of(Adder adder, java.util.function.Supplier<DpResult> result) {
            return new Partial() {
                @Override
                public void add(long rows, double sum, double squares) {
                    adder.add(rows, sum, squares);
                }

                @Override
                public DpResult result() {
                    return result.get();
                }
            };
        }
    }

    /** {@code value} within {@code [low, high]}; NaN is {@code low}. */
    private static double clamp(double value, double low, double high) {
        return value >= low ? Math.min(value, high) : low;
    }
}
