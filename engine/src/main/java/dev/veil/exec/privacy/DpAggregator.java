package dev.veil.exec.privacy;

import dev.veil.control.StatementControl;
import dev.veil.control.StatementMemory;
import dev.veil.dp.BudgetSplit;
import dev.veil.dp.DpResult;
import dev.veil.dp.OptimalPartitionSelection;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.exec.runtime.RowSizes;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import dev.veil.plan.ReleaseOrder;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;

/**
 * Runs a {@link DpAggregate}, in the order of Google's and BigQuery's DP engines:
 * <ol>
 *   <li>per (group, unit), keep at most Linf rows, a uniform sample (reservoir sampling);
 *   <li>per unit, keep at most L0 of its groups, a uniform sample;
 *   <li>per group, feed each unit's kept rows to the noisy aggregates (which clamp values to
 *       their bounds) and count the group's units;
 *   <li>unless the groups are a public domain, keep a group only if DP partition selection on its
 *       unit count says so (after the minimum group size as a pre-threshold);
 *   <li>release each kept group: keys, noisy values, and each value's 95% interval, sorted by the
 *       keys ({@link ReleaseOrder#ROWS}), never in an order that depends on the data.
 * </ol>
 * The noise comes from the DP primitives' secure source. The row and group samples only decide
 * which of a unit's own contributions are dropped, so they need no secret randomness; they use
 * a generator seeded from {@link SecureRandom} per run so no one can predict them either.
 */
public final class DpAggregator {
    /** The confidence level of the released intervals. */
    public static final double INTERVAL_LEVEL = DpSpec.INTERVAL_LEVEL;

    private DpAggregator() {}

    /**
     * The rows of {@code spec} over {@code input}, called from generated code: computed when first
     * enumerated, and the same rows for every later enumeration in the execution of {@code root}
     * (see {@link DpReleases}), so a plan that enumerates the aggregate again (the inner side of a
     * nested-loop join) never draws fresh noise. As the statement of {@code root} runs them:
     * stopped, it fails with QUERY_CANCELLED and releases nothing; the cells, groups and units kept,
     * and the values each group's PERCENTILE_CONT keeps, are accounted to the statement's memory.
     */
    public static Enumerable<Object[]> aggregate(DataContext root, Enumerable<Object[]> input, DpSpec spec) {
        DpReleases releases = DpReleases.of(root);
        AtomicBoolean cancelFlag = ExecutionContext.cancelFlag(root);
        StatementMemory.Account account = ExecutionContext.memory(root).account("a differentially private aggregation");
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                return Linq4j.enumerator(releases.rows(spec.release(), () -> run(input, spec, cancelFlag, account)));
            }
        };
    }

    /** How many loop iterations (rows, units, groups) pass between two checks of the cancel flag. */
    private static final int ITERATIONS_PER_CHECK = 4096;

    /**
     * A cell: one unit's rows in one group, at most Linf of them, with each kept row's value of
     * each value source. The values live in a {@link ValueArena}, in blocks of 2, 4, 8, ... slots
     * (the last one cut at the cap): block {@code k} holds slots {@code 2^(k+1) - 2} onwards, each
     * slot's values of every source together (one cache line for a row's values).
     */
    static final class Cell {
        final int group;
        /** The next cell of the same unit, or -1. */
        final int nextOfUnit;
        /** The arena address of each block. */
        long[] blocks = NO_BLOCKS;

        int blockCount;
        int kept;
        long seen;

        Cell(int group, int nextOfUnit) {
            this.group = group;
            this.nextOfUnit = nextOfUnit;
        }

        /** The block of slot {@code slot}. */
        static int blockOf(int slot) {
            return 30 - Integer.numberOfLeadingZeros(slot + 2);
        }

        /** The first slot of block {@code k}. */
        static int blockStart(int k) {
            return (2 << k) - 2;
        }

        /** The slots of block {@code k} under a cap of {@code capacity} rows. */
        static int blockSize(int k, int capacity) {
            return Math.min(2 << k, capacity - blockStart(k));
        }

        /** Makes room for slot {@code kept} (below the cap): a new block when it starts one. */
        void ensure(ValueArena arena, int sources, int capacity) {
            if (blockCount > 0 && kept < blockStart(blockCount)) {
                return;
            }
            if (blockCount == blocks.length) {
                blocks = Arrays.copyOf(blocks, Math.max(2, blockCount * 2));
            }
            blocks[blockCount] = arena.allocate(sources * blockSize(blockCount, capacity));
            blockCount++;
        }

        void set(ValueArena arena, int slot, int source, int sources, double value) {
            int k = blockOf(slot);
            long address = blocks[k];
            arena.chunk(address)[ValueArena.offset(address) + (slot - blockStart(k)) * sources + source] = value;
        }

        /** Sets slot {@code slot} to row {@code row}'s value of each source, {@code values[source][row]}. */
        void setRow(ValueArena arena, int slot, double[][] values, int row) {
            int k = blockOf(slot);
            long address = blocks[k];
            double[] chunk = arena.chunk(address);
            int sources = values.length;
            int at = ValueArena.offset(address) + (slot - blockStart(k)) * sources;
            for (int s = 0; s < sources; s++) {
                chunk[at + s] = values[s][row];
            }
        }

        /** Copies the kept values of {@code source} (of {@code sources}) into {@code into}, from index 0. */
        void copy(ValueArena arena, int source, int sources, int capacity, double[] into) {
            for (int k = 0; k < blockCount; k++) {
                int start = blockStart(k);
                int n = Math.min(blockSize(k, capacity), kept - start);
                if (n <= 0) {
                    break;
                }
                long address = blocks[k];
                double[] chunk = arena.chunk(address);
                int at = ValueArena.offset(address) + source;
                for (int i = 0; i < n; i++) {
                    into[start + i] = chunk[at + i * sources];
                }
            }
        }
    }

    private static final long[] NO_BLOCKS = new long[0];

    /**
     * The distinct values the calls read from a row: calls with the same argument and filter (and
     * the same kind of reading: the value, or 1 when it is not NULL) share one, so each is read
     * and stored once per row. {@code COUNT(*)} without a filter reads a constant 1 and needs none.
     */
    record Sources(DpCall[] readers, int[] ofCall) {
        static Sources of(DpCall[] calls) {
            List<DpCall> readers = new ArrayList<>();
            List<List<Object>> keys = new ArrayList<>();
            int[] ofCall = new int[calls.length];
            for (int c = 0; c < calls.length; c++) {
                DpCall call = calls[c];
                if (call.argument() < 0 && call.filter() < 0) {
                    ofCall[c] = -1;
                    continue;
                }
                List<Object> key =
                        List.of(call.argument(), call.filter(), call.kind().isCount());
                int index = keys.indexOf(key);
                if (index < 0) {
                    index = keys.size();
                    keys.add(key);
                    readers.add(call);
                }
                ofCall[c] = index;
            }
            return new Sources(readers.toArray(new DpCall[0]), ofCall);
        }
    }

    static List<Object[]> run(Enumerable<Object[]> input, DpSpec spec) {
        return run(
                input,
                spec,
                new AtomicBoolean(),
                ExecutionContext.memory(null).account("a differentially private aggregation"));
    }

    /** Estimated heap per cell (object, list slot, index entry), per unit and per group beyond its key values. */
    private static final long CELL_BYTES = 96;

    private static final long ID_BYTES = 128;

    static List<Object[]> run(Enumerable<Object[]> input, DpSpec spec, AtomicBoolean cancelFlag) {
        return run(
                input, spec, cancelFlag, ExecutionContext.memory(null).account("a differentially private aggregation"));
    }

    static List<Object[]> run(
            Enumerable<Object[]> input, DpSpec spec, AtomicBoolean cancelFlag, StatementMemory.Account account) {
        return run(input, spec, cancelFlag, account, sampler(), DENSE_GROUPS);
    }

    /**
     * For tests that compare the row and batch paths only (never reachable from SQL, a property or
     * the environment): when set, the seed of each run's row and group sampler.
     */
    static volatile java.util.function.LongSupplier testSeeds;

    /**
     * Keeps a uniform sample of {@code l0} of the first {@code n} cells of one unit in {@code
     * ofUnit} (a partial Fisher-Yates shuffle into its first places) when there are more; returns
     * how many are kept. The batch and pre-summed paths' form of the row path's step.
     */
    static int sampleGroups(int[] ofUnit, int n, int l0, SplittableRandom sampler) {
        if (n <= l0) {
            return n;
        }
        for (int i = 0; i < l0; i++) {
            int j = i + sampler.nextInt(n - i);
            int t = ofUnit[i];
            ofUnit[i] = ofUnit[j];
            ofUnit[j] = t;
        }
        return l0;
    }

    /** A run's row and group sampler, seeded from {@link SecureRandom}. */
    static SplittableRandom sampler() {
        java.util.function.LongSupplier seeds = testSeeds;
        return new SplittableRandom(seeds == null ? new SecureRandom().nextLong() : seeds.getAsLong());
    }

    /**
     * The groups up to which a unit's cells are found in a dense table (a row of
     * {@code denseGroups} cell numbers per unit) rather than a hash of (group, unit) pairs. Beyond
     * it (the first row of a group numbered {@code denseGroups} or more) every cell moves to the
     * hash. Which index finds a cell changes nothing of what is kept or released.
     */
    static final int DENSE_GROUPS = 32;

    /**
     * As above, with the row and group sampler and the dense group limit given: for tests only (a
     * seeded sampler, one index or the other), never reachable from SQL.
     */
    static List<Object[]> run(
            Enumerable<Object[]> input,
            DpSpec spec,
            AtomicBoolean cancelFlag,
            StatementMemory.Account account,
            SplittableRandom sampler,
            int denseGroups) {
        int untilCheck = ITERATIONS_PER_CHECK;
        int keyCount = spec.groupKeys().size();
        int[] keyFields = spec.groupKeys().stream().mapToInt(Integer::intValue).toArray();
        DpCall[] calls = spec.calls().toArray(new DpCall[0]);
        Sources sources = Sources.of(calls);
        DpCall[] readers = sources.readers();
        int sourceCount = readers.length;
        int unitField = spec.unitField();
        int callCount = calls.length;
        int capacity = spec.maxRowsPerUnitPerGroup();
        RowKeys groupIds = new RowKeys(keyFields);
        RowKeys unitIds = new RowKeys(new int[] {unitField});
        PairIndex cellOf = null;
        // Per unit, per group below denseGroups: its cell number + 1 (0: none yet); null once in the hash.
        // A unit's row is `width` wide, doubled (up to denseGroups) when a higher group number comes.
        int width = 1;
        int[] dense = denseGroups > 0 ? new int[16] : null;
        if (dense == null) {
            cellOf = new PairIndex();
        }
        ValueArena arena = new ValueArena();
        List<Cell> cells = new ArrayList<>();
        int[] unitCells = new int[16]; // per unit id: its most recent cell, -1 before the first
        int unitsSeen = 0;
        // The cell of the previous row: rows of one unit and group often come together.
        int lastGroup = -1;
        int lastUnit = -1;
        int lastIndex = -1;
        int marker = spec.domainMarker();
        boolean[] inDomain = new boolean[16];
        List<Integer> domain = new ArrayList<>();
        long kept = dense == null ? 0 : 4L * dense.length;
        long rowCount = 0;
        try (Enumerator<Object[]> rows = input.enumerator()) {
            while (rows.moveNext()) {
                if (--untilCheck == 0) {
                    untilCheck = ITERATIONS_PER_CHECK;
                    StatementControl.check(cancelFlag);
                }
                Object[] row = rows.current();
                if ((++rowCount & 4095) == 0) {
                    account.holdAtLeast(kept + arena.bytes());
                }
                int groupsBefore = groupIds.size();
                int unitsBefore = unitIds.size();
                if (marker >= 0 && Boolean.TRUE.equals(row[marker])) {
                    int group = groupIds.idOf(row);
                    inDomain = grow(inDomain, group);
                    if (!inDomain[group]) {
                        inDomain[group] = true;
                        domain.add(group);
                    }
                    continue;
                }
                if (row[unitField] == null) {
                    continue; // rows of no unit belong to no one; they are never released
                }
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
                }
                if (unit == unitsSeen) {
                    if (unit == unitCells.length) {
                        unitCells = Arrays.copyOf(unitCells, unit * 2);
                    }
                    unitCells[unit] = -1;
                    unitsSeen++;
                }
                Cell cell;
                if (dense != null && group >= width && group < denseGroups) {
                    int wider = width;
                    while (wider <= group) {
                        wider *= 2;
                    }
                    wider = Math.min(wider, denseGroups);
                    long size = Math.max(16L, (long) Math.max(unitsSeen, 1) * wider);
                    if (size > Integer.MAX_VALUE - 16) {
                        throw new OutOfMemoryError("dense DP cells");
                    }
                    int[] relaid = new int[(int) size];
                    for (int u = 0; u < unitsSeen && (long) (u + 1) * width <= dense.length; u++) {
                        System.arraycopy(dense, u * width, relaid, u * wider, width);
                    }
                    kept += 4L * (relaid.length - dense.length);
                    dense = relaid;
                    width = wider;
                }
                if (dense != null && group >= denseGroups) {
                    // Too many groups for the dense table: every cell moves to the hash.
                    cellOf = new PairIndex();
                    for (int u = 0; u < unitsSeen; u++) {
                        for (int c = unitCells[u]; c >= 0; c = cells.get(c).nextOfUnit) {
                            cellOf.putNew(cells.get(c).group, u, c);
                        }
                    }
                    kept -= 4L * dense.length;
                    dense = null;
                }
                int index;
                if (group == lastGroup && unit == lastUnit) {
                    index = lastIndex;
                } else if (dense != null) {
                    long at = (long) unit * width + group;
                    if (at >= dense.length) {
                        long grown = Math.max(at + 1, 2L * dense.length);
                        if (grown > Integer.MAX_VALUE - 16) {
                            throw new OutOfMemoryError("dense DP cells");
                        }
                        kept += 4L * (grown - dense.length);
                        dense = Arrays.copyOf(dense, (int) grown);
                    }
                    index = dense[(int) at] - 1;
                } else {
                    index = cellOf.get(group, unit);
                }
                lastGroup = group;
                lastUnit = unit;
                if (index < 0) {
                    cell = new Cell(group, unitCells[unit]);
                    kept += CELL_BYTES;
                    unitCells[unit] = cells.size();
                    if (dense != null) {
                        dense[unit * width + group] = cells.size() + 1;
                    } else {
                        cellOf.putNew(group, unit, cells.size());
                    }
                    lastIndex = cells.size();
                    cells.add(cell);
                } else {
                    lastIndex = index;
                    cell = cells.get(index);
                }
                cell.seen++;
                int slot;
                if (cell.kept < capacity) {
                    slot = cell.kept;
                    if (sourceCount > 0) {
                        cell.ensure(arena, sourceCount, capacity);
                    }
                    cell.kept++;
                } else {
                    long j = sampler.nextLong(cell.seen);
                    if (j >= capacity) {
                        continue;
                    }
                    slot = (int) j;
                }
                for (int s = 0; s < sourceCount; s++) {
                    cell.set(arena, slot, s, sourceCount, value(readers[s], row));
                }
            }
        }
        account.holdAtLeast(kept + arena.bytes());
        cellOf = null;
        // The dense table stays counted (on the safe side) until the end, though it is dropped here.
        dense = null;
        return release(
                spec,
                sources,
                cells,
                unitCells,
                unitIds.size(),
                groupIds.size(),
                groupIds::values,
                arena,
                inDomain,
                domain,
                sampler,
                cancelFlag,
                account,
                kept);
    }

    /**
     * Steps 2 to 5 over the cells of step 1, whichever path built them (the rows here, or Arrow
     * batches in {@link DpBatchAggregator}): samples each unit's groups (units in id order, each
     * unit's cells first seen first), feeds the accumulators, selects partitions and releases the
     * sorted rows. {@code groupValues} gives a group's key values; {@code inDomain} and
     * {@code domain} matter only when the spec has a domain marker.
     */
    static List<Object[]> release(
            DpSpec spec,
            Sources sources,
            List<Cell> cells,
            int[] unitCells,
            int unitCount,
            int groupCount,
            java.util.function.IntFunction<Object[]> groupValues,
            ValueArena arena,
            boolean[] inDomain,
            List<Integer> domain,
            SplittableRandom sampler,
            AtomicBoolean cancelFlag,
            StatementMemory.Account account,
            long kept) {
        int untilCheck = ITERATIONS_PER_CHECK;
        int keyCount = spec.groupKeys().size();
        int sourceCount = sources.readers().length;
        int callCount = spec.calls().size();
        int capacity = spec.maxRowsPerUnitPerGroup();
        int marker = spec.domainMarker();
        BudgetSplit split = spec.split().orElse(null);
        // The groups in the order they are first given a unit (after the global or domain ones);
        // the released rows are sorted by key at the end.
        List<Integer> order = new ArrayList<>();
        Group[] groups = new Group[Math.max(1, groupCount)];
        if (keyCount == 0) {
            groups[0] = new Group(spec, split);
            order.add(0);
        }
        // A public domain's groups are all released, and only they: data outside it is dropped first.
        for (int group : domain) {
            groups[group] = new Group(spec, split);
            order.add(group);
        }
        int l0 = spec.maxGroupsPerUnit();
        double[] ones = null;
        double[][] scratch = new double[sourceCount][];
        for (int s = 0; s < sourceCount; s++) {
            scratch[s] = new double[(int) Math.min(capacity, maxKept(cells))];
        }
        List<Cell> ofUnit = new ArrayList<>();
        long accumulated = 0; // what the accumulators keep (a quantile keeps its group's values)
        for (int unit = 0; unit < unitCount; unit++) {
            if (--untilCheck == 0) {
                untilCheck = ITERATIONS_PER_CHECK;
                StatementControl.check(cancelFlag);
                account.holdAtLeast(kept + arena.bytes() + accumulated);
            }
            ofUnit.clear();
            for (int c = unitCells[unit]; c >= 0; c = cells.get(c).nextOfUnit) {
                Cell cell = cells.get(c);
                if (marker < 0 || (cell.group < inDomain.length && inDomain[cell.group])) {
                    ofUnit.add(cell);
                }
            }
            Collections.reverse(ofUnit); // first seen first
            int n = ofUnit.size();
            if (n > l0) {
                // A uniform sample of l0 of the unit's groups: a partial Fisher-Yates shuffle.
                for (int i = 0; i < l0; i++) {
                    int j = i + sampler.nextInt(n - i);
                    Cell t = ofUnit.get(i);
                    ofUnit.set(i, ofUnit.get(j));
                    ofUnit.set(j, t);
                }
                n = l0;
            }
            for (int i = 0; i < n; i++) {
                Cell cell = ofUnit.get(i);
                Group group = groups[cell.group];
                if (group == null) {
                    group = new Group(spec, split);
                    groups[cell.group] = group;
                    order.add(cell.group);
                }
                group.units++;
                for (int s = 0; s < sourceCount; s++) {
                    cell.copy(arena, s, sourceCount, capacity, scratch[s]);
                }
                for (int c = 0; c < callCount; c++) {
                    int s = sources.ofCall()[c];
                    long before = group.accumulators[c].bytes();
                    if (s < 0) {
                        if (ones == null || ones.length < cell.kept) {
                            ones = new double[Math.max(cell.kept, ones == null ? 16 : ones.length * 2)];
                            Arrays.fill(ones, 1);
                        }
                        group.accumulators[c].addUnit(ones, 0, cell.kept);
                    } else {
                        group.accumulators[c].addUnit(scratch[s], 0, cell.kept);
                    }
                    accumulated += group.accumulators[c].bytes() - before;
                }
            }
        }
        account.holdAtLeast(kept + arena.bytes() + accumulated);
        return publish(spec, groups, order, groupValues, cancelFlag);
    }

    /**
     * Steps 4 and 5 over the accumulated groups, whichever path filled them: selects the
     * partitions (groups in {@code order}) and releases their rows sorted by key.
     */
    static List<Object[]> publish(
            DpSpec spec,
            Group[] groups,
            List<Integer> order,
            java.util.function.IntFunction<Object[]> groupValues,
            AtomicBoolean cancelFlag) {
        int untilCheck = ITERATIONS_PER_CHECK;
        BudgetSplit split = spec.split().orElse(null);
        OptimalPartitionSelection selection = spec.partitionSelection() ? DpAccumulators.selection(spec, split) : null;
        if (selection != null) {
            for (int id : order) {
                if (--untilCheck == 0) {
                    untilCheck = ITERATIONS_PER_CHECK;
                    StatementControl.check(cancelFlag);
                }
                if (!selection.keep(groups[id].units)) {
                    groups[id] = null;
                }
            }
        }
        return publishSelected(spec, groups, order, groupValues, cancelFlag);
    }

    /**
     * Step 5 over groups partition selection already decided: releases the rows of the groups in
     * {@code order} that are kept (not null in {@code groups}), sorted by key.
     */
    static List<Object[]> publishSelected(
            DpSpec spec,
            Group[] groups,
            List<Integer> order,
            java.util.function.IntFunction<Object[]> groupValues,
            AtomicBoolean cancelFlag) {
        return publishSelected(
                spec, groups, order, groupValues, cancelFlag, (id, c) -> groups[id].accumulators[c].result());
    }

    /** One call's result in one group. */
    @FunctionalInterface
    interface ResultOf {
        DpResult result(int group, int call);
    }

    /**
     * As above, with each kept group's results given by {@code results} (computed beforehand, as
     * {@link DpBatchAggregator} may on two threads).
     */
    static List<Object[]> publishSelected(
            DpSpec spec,
            Group[] groups,
            List<Integer> order,
            java.util.function.IntFunction<Object[]> groupValues,
            AtomicBoolean cancelFlag,
            ResultOf results) {
        int untilCheck = ITERATIONS_PER_CHECK;
        int keyCount = spec.groupKeys().size();
        List<Object[]> out = new ArrayList<>();
        for (int id : order) {
            if (--untilCheck == 0) {
                untilCheck = ITERATIONS_PER_CHECK;
                StatementControl.check(cancelFlag);
            }
            Group group = groups[id];
            if (group == null) {
                continue;
            }
            out.add(ReleasedRow.of(
                    keyCount > 0 ? groupValues.apply(id) : null, keyCount, spec.calls(), c -> results.result(id, c)));
        }
        // By key, not in the order the data gave the groups (which would tell where a unit's rows are).
        out.sort(ReleaseOrder.ROWS);
        // Nothing is released unless the statement is still running once every group is computed.
        StatementControl.check(cancelFlag);
        return out;
    }

    private static long maxKept(List<Cell> cells) {
        long max = 0;
        for (Cell cell : cells) {
            max = Math.max(max, cell.kept);
        }
        return max;
    }

    private static boolean[] grow(boolean[] flags, int index) {
        return index < flags.length ? flags : Arrays.copyOf(flags, Math.max(index + 1, flags.length * 2));
    }

    /** The value one row gives a call: NaN when the call skips the row (NULL, or FILTER false). */
    private static double value(DpCall call, Object[] row) {
        if (call.filter() >= 0 && !Boolean.TRUE.equals(row[call.filter()])) {
            return Double.NaN;
        }
        if (call.argument() < 0) {
            return 1;
        }
        Object v = row[call.argument()];
        if (v == null) {
            return Double.NaN;
        }
        if (call.kind().isCount()) {
            return 1;
        }
        return ((Number) v).doubleValue();
    }

    /** One group's accumulators and the number of units it holds. */
    static final class Group {
        final DpAccumulator[] accumulators;
        long units;

        Group(DpSpec spec, BudgetSplit split) {
            accumulators = new DpAccumulator[spec.calls().size()];
            for (int c = 0; c < accumulators.length; c++) {
                accumulators[c] = DpAccumulators.forSpec(spec, split, c);
            }
        }
    }
}
