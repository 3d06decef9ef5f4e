package dev.veil.exec.privacy;

import dev.veil.control.StatementControl;
import dev.veil.control.StatementMemory;
import dev.veil.dp.BudgetSplit;
import dev.veil.dp.DpResult;
import dev.veil.dp.OptimalPartitionSelection;
import dev.veil.exec.aggregate.VectorInput;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.exec.runtime.ExecutionOptions;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Runs a DP aggregate whose input has a {@link DpBatchPlan}: step 1 of {@link DpAggregator} (at
 * most Linf rows per (group, unit), a uniform reservoir sample) over Arrow batches, with the
 * groups from the batch's columns, the unit from the key column through the cached unit maps as
 * primitive lookups, and each cell found in a dense (unit × group) table while the groups are
 * few; then steps 2 to 5 as the row path ({@link DpAggregator#release}) takes them, but with
 * partition selection before the accumulators are fed, so only kept groups get any. When every
 * call takes one total per unit (counts, AUTO or per-group bounded sums) the kept rows are running
 * totals per cell ({@link CellTotals}) instead of the buckets. The cells, their
 * kept rows and the sampler's draws are exactly those the row path makes over the same rows in
 * the same (scan) order with the same sampler, so which rows count depends on the sampler only.
 */
public final class DpBatchAggregator {
    private DpBatchAggregator() {}

    /** How many runs took this path; for tests. */
    static final java.util.concurrent.atomic.AtomicLong RUNS = new java.util.concurrent.atomic.AtomicLong();

    /** How many runs kept their rows as running totals ({@link CellTotals}); for tests. */
    static final java.util.concurrent.atomic.AtomicLong TOTAL_RUNS = new java.util.concurrent.atomic.AtomicLong();

    /** How many runs numbered their cells by unit value ({@link Cells#cellsByUnit}); for tests. */
    static final java.util.concurrent.atomic.AtomicLong BY_UNIT_RUNS = new java.util.concurrent.atomic.AtomicLong();

    /** How many pipelined runs scanned on two threads whose batches the cells took in scan order; for tests. */
    static final java.util.concurrent.atomic.AtomicLong PARALLEL_RUNS = new java.util.concurrent.atomic.AtomicLong();

    /** How many releases fed their accumulators on two threads, the calls shared out; for tests. */
    static final java.util.concurrent.atomic.AtomicLong SPLIT_RELEASES = new java.util.concurrent.atomic.AtomicLong();

    /** How many batches runs on this path took; for tests. */
    static final java.util.concurrent.atomic.AtomicLong BATCHES = new java.util.concurrent.atomic.AtomicLong();

    /** How many runs joined their batches with a build side; for tests. */
    static final java.util.concurrent.atomic.AtomicLong JOIN_RUNS = new java.util.concurrent.atomic.AtomicLong();

    /** How many runs found their build side's keys repeated and ran on the rows; for tests. */
    static final java.util.concurrent.atomic.AtomicLong JOIN_FALLBACKS = new java.util.concurrent.atomic.AtomicLong();

    /** The released rows of {@code spec} over {@code plan}'s batches; called from generated code. */
    public static Enumerable<Object[]> aggregate(DataContext root, DpBatchPlan plan, DpSpec spec) {
        return aggregate(root, plan, spec, null);
    }

    /**
     * As above for a plan that joins a build side, with the rows of the aggregate's input ({@code
     * rows}), which the row path ({@link DpAggregator}) takes instead when the build side's keys
     * repeat; called from generated code.
     */
    public static Enumerable<Object[]> aggregate(
            DataContext root, DpBatchPlan plan, DpSpec spec, @Nullable Enumerable<Object[]> rows) {
        DpReleases releases = DpReleases.of(root);
        AtomicBoolean cancelFlag = ExecutionContext.cancelFlag(root);
        StatementMemory.Account account = ExecutionContext.memory(root).account("a differentially private aggregation");
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                return Linq4j.enumerator(releases.rows(
                        spec.release(),
                        () -> run(
                                root,
                                plan,
                                spec,
                                cancelFlag,
                                account,
                                DpAggregator.sampler(),
                                DpAggregator.DENSE_GROUPS,
                                rows)));
            }
        };
    }

    /** As above with the sampler and the dense group limit given: for tests only, never reachable from SQL. */
    static List<Object[]> run(
            DataContext root,
            DpBatchPlan plan,
            DpSpec spec,
            AtomicBoolean cancelFlag,
            StatementMemory.Account account,
            SplittableRandom sampler,
            int denseGroups) {
        return run(root, plan, spec, cancelFlag, account, sampler, denseGroups, null);
    }

    private static List<Object[]> run(
            DataContext root,
            DpBatchPlan plan,
            DpSpec spec,
            AtomicBoolean cancelFlag,
            StatementMemory.Account account,
            SplittableRandom sampler,
            int denseGroups,
            @Nullable Enumerable<Object[]> rows) {
        VectorInput.Reader reader = plan.input().open();
        if (plan.joins()) {
            JOIN_RUNS.incrementAndGet();
            if (!reader.loadBuild(root, cancelFlag)) {
                // Keys repeat on the build side: a probe row may take several join rows, in the
                // order the rows give them; the row path, with the same sampler.
                JOIN_FALLBACKS.incrementAndGet();
                if (rows == null) {
                    throw new IllegalStateException("a batch plan with a join needs its rows");
                }
                return DpAggregator.run(rows, spec, cancelFlag, account, sampler, denseGroups);
            }
        }
        return run(plan, reader, spec, cancelFlag, account, sampler, denseGroups, testBucketShift, root);
    }

    /**
     * The units of one bucket: 2 to this power. Buckets this size keep a bucket's cells in cache
     * while their writes are replayed (256 units of Q1 take about 0.5 MB), and the buckets few
     * enough (about 400 at TPC-H SF 1) that appending to them stays sequential.
     */
    static final int BUCKET_SHIFT = 8;

    /**
     * Tables with fewer rows are scanned on the caller's thread; larger ones on a second thread
     * ({@link VectorInput.Reader#runPipelined}), which also finds each row's unit and cell, one or
     * two batches ahead of the counts and samples, which take the batches in scan order all the
     * same: the threads change nothing of the result.
     */
    static final long PIPELINE_MIN_ROWS = 1_000_000;

    /** For tests only (buckets of one or a few units), never reachable from SQL: the bucket shift. */
    static volatile int testBucketShift = BUCKET_SHIFT;

    /**
     * For tests and A/B measurements only, never reachable from SQL: partition selection after the
     * accumulators are fed (every group built), as before it moved ahead of them.
     */
    static volatile boolean testSelectLast;

    /**
     * For tests and A/B measurements only, never reachable from SQL: a global aggregate's cells found
     * through the unit ids in order of first occurrence, as grouped ones are, instead of by unit value.
     */
    static volatile boolean testNoCellsByUnit;

    /**
     * A global aggregate with running totals numbers its cells by unit value (one cell per unit, no
     * index to look it up in) when every unit value is in {@code [0, CELLS_BY_UNIT)}...
     */
    static final long CELLS_BY_UNIT = 1L << 24;

    /** ... and the values are no sparser than this many per (key, unit) pair of the last unit map. */
    static final long CELLS_BY_UNIT_SPREAD = 4;

    /** For tests only, never reachable from SQL: a write's cell and slot in two doubles whatever Linf is. */
    static volatile boolean testUnpacked;

    private static List<Object[]> run(
            DpBatchPlan plan,
            VectorInput.Reader reader,
            DpSpec spec,
            AtomicBoolean cancelFlag,
            StatementMemory.Account account,
            SplittableRandom sampler,
            int denseGroups,
            int bucketShift,
            DataContext root) {
        RUNS.incrementAndGet();
        boolean pipelined = ExecutionOptions.current().twoThreads(plan.input().rowCount(), PIPELINE_MIN_ROWS);
        Cells cells = new Cells(spec, plan, cancelFlag, account, sampler, denseGroups, bucketShift, pipelined);
        cells.reader = reader;
        if (pipelined) {
            if (reader.scansInParallel(cells)) {
                PARALLEL_RUNS.incrementAndGet();
            }
            reader.runPipelined(root, cancelFlag, cells);
        } else {
            reader.run(root, cancelFlag, cells);
        }
        return cells.release();
    }

    /**
     * Step 1 over batches, with the cells as primitive arrays: the same cells as the row path's, in
     * the same order, and the same sampler draws in the same (scan) order, but a kept row's values
     * are not written into its cell (a random write into memory as large as the kept values) but
     * appended, with the cell and slot, to the bucket of its unit's id range: a few hundred
     * sequential streams. Steps 2 and 3 then run bucket by bucket, units in id order as on the row
     * path: a bucket's writes are replayed in scan order (a later write to a slot is a reservoir
     * replacement and wins) into a cache-sized area laid out cell by cell, where each cell's values
     * of each source are contiguous and go to the accumulators in place.
     *
     * <p>Step 1 is two stages: {@link #prepare} finds each row's unit and cell (on the scan thread
     * when the scan is pipelined), {@link #accept} counts, samples and appends the rows. Each
     * stage's fields are its own; {@link #release} reads both once the scan has ended.
     */
    private static final class Cells implements VectorInput.BatchConsumer {
        final DpSpec spec;
        final DpAggregator.Sources sources;
        final int sourceCount;
        final int capacity;
        final UnitMap[] maps;
        final LongUnitMap[] longMaps;
        final AtomicBoolean cancelFlag;
        final StatementMemory.Account account;
        final SplittableRandom sampler;
        final int denseGroups;
        final int bucketShift;
        /** Whether the release may take two threads (as the scan does): a large input, and the options allow it. */
        final boolean twoThreads;
        /**
         * Whether a row's cell is its unit's value (a global aggregate with {@link #totals} whose last
         * unit map has small values): the first stage only looks units up, and the cells' order of
         * first occurrence, which is the unit ids' order, comes from the totals.
         */
        final boolean cellsByUnit;

        VectorInput.Reader reader;

        // The first stage's (prepare's): units, cells and the index from (group, unit) to cell.
        final LongIds unitIds = new LongIds();
        int[] unitCells = new int[16];
        int unitsSeen;
        // Per cell (ids in order of creation): its group, the unit's previous cell (-1: none).
        int[] cellGroup = new int[16];
        int[] cellNext = new int[16];
        int cellCount;
        int width = 1;
        int[] dense;
        PairIndex cellOf;
        /** The heap the first stage holds, as of its last batch. */
        volatile long preparedBytes;

        // The second stage's (accept's): per cell the rows seen, and the buckets.
        long[] cellSeen = new long[16];
        Bucket[] buckets = new Bucket[4];
        /** Every double a bucket reads it wrote first: the arena may take recycled chunks. */
        final ValueArena arena = ValueArena.recycling();
        /** The kept rows as running totals per cell, instead of the buckets, when every call takes one total per unit. */
        final CellTotals totals;

        Cells(
                DpSpec spec,
                DpBatchPlan plan,
                AtomicBoolean cancelFlag,
                StatementMemory.Account account,
                SplittableRandom sampler,
                int denseGroups,
                int bucketShift,
                boolean twoThreads) {
            this.spec = spec;
            this.twoThreads = twoThreads;
            this.sources = DpAggregator.Sources.of(spec.calls().toArray(new DpCall[0]));
            this.sourceCount = sources.readers().length;
            this.totals = CellTotals.of(spec, sources, plan.input().rowCount());
            this.capacity = spec.maxRowsPerUnitPerGroup();
            this.cancelFlag = cancelFlag;
            this.account = account;
            this.sampler = sampler;
            this.denseGroups = denseGroups;
            this.bucketShift = bucketShift;
            List<DpBatchPlan.Step> steps = plan.steps();
            maps = new UnitMap[steps.size()];
            longMaps = new LongUnitMap[steps.size()];
            for (int i = 0; i < maps.length; i++) {
                DpBatchPlan.Step step = steps.get(i);
                maps[i] = UnitMaps.get(step.table(), step.keyColumn(), step.nextColumn(), cancelFlag);
                longMaps[i] = maps[i] instanceof LongUnitMap l ? l : null;
            }
            if (denseGroups > 0) {
                dense = new int[16];
            } else {
                cellOf = new PairIndex();
            }
            LongUnitMap last = maps.length == 0 ? null : longMaps[maps.length - 1];
            cellsByUnit = !testNoCellsByUnit
                    && totals != null
                    && spec.groupKeys().isEmpty()
                    && last != null
                    && last.smallValues(CELLS_BY_UNIT, CELLS_BY_UNIT_SPREAD);
            if (cellsByUnit) {
                BY_UNIT_RUNS.incrementAndGet();
                totals.keepFirstSeen();
            }
        }

        /** The heap held: cells, units, the index, the buckets. */
        long bytes() {
            return preparedBytes
                    + 8L * cellSeen.length
                    + bucketBytes()
                    + (totals == null ? 0 : totals.bytes())
                    + reader.bytes();
        }

        /** The heap the first stage holds. */
        private long firstStageBytes() {
            return 8L * cellGroup.length
                    + 4L * unitCells.length
                    + (dense == null ? 0 : 4L * dense.length)
                    + (cellOf == null ? 0 : 12L * cellCount)
                    + unitIds.bytes();
        }

        private long bucketBytes() {
            long bytes = 8L * buckets.length + arena.bytes();
            for (Bucket bucket : buckets) {
                if (bucket != null) {
                    bytes += bucket.bytes();
                }
            }
            return bytes;
        }

        /** The unit of a key, through the lookups; {@link LongUnitMap#NONE} when it has none. */
        private long unitOf(long key) {
            long value = key;
            for (int i = 0; i < maps.length; i++) {
                if (longMaps[i] != null) {
                    value = longMaps[i].getLong(value);
                    if (value == LongUnitMap.NONE) {
                        return LongUnitMap.NONE;
                    }
                } else {
                    Object next = maps[i].get(value);
                    if (next == null) {
                        return LongUnitMap.NONE;
                    }
                    value = ((Number) next).longValue();
                }
            }
            return value;
        }

        /**
         * The first stage: rewrites {@code keys[j]} to row j's unit id and {@code groups[j]} to its
         * cell, both -1 when the row has no unit. Three passes in all over the batch (two here, one
         * in {@link #accept}), each in row order (so the ids, cells and draws are the row path's),
         * each with lookups independent from row to row that the processor can overlap.
         */
        /**
         * The first stage splits in two: each row's unit value from its key alone ({@link
         * #prepareRows}), then the unit ids and cells in scan order ({@link #prepareInOrder}).
         */
        @Override
        public boolean splitsPrepare() {
            return true;
        }

        @Override
        public void prepare(int n, int[] groups, long[] keys, boolean[] keyNulls) {
            prepareRows(n, keys, keyNulls);
            prepareInOrder(n, groups, keys, keyNulls);
        }

        /**
         * Rewrites {@code keys[j]} to row j's unit value, and sets {@code keyNulls[j]} when the row
         * has no unit; when {@link #cellsByUnit}, all of the first stage ({@link #prepareByUnit}).
         * Reads only the unit maps: any thread may run it.
         */
        @Override
        public void prepareRows(int n, long[] keys, boolean[] keyNulls) {
            if (cellsByUnit) {
                prepareByUnit(n, keys, keyNulls);
                return;
            }
            long lastKey = 0;
            long lastValue = LongUnitMap.NONE;
            boolean lastKnown = false;
            for (int j = 0; j < n; j++) {
                if (keyNulls[j]) {
                    continue;
                }
                // Rows of one key often come together (the line items of one order): one lookup.
                long key = keys[j];
                if (!lastKnown || key != lastKey) {
                    lastValue = unitOf(key);
                    lastKey = key;
                    lastKnown = true;
                }
                if (lastValue == LongUnitMap.NONE) {
                    keyNulls[j] = true; // rows of no unit belong to no one; they are never released
                } else {
                    keys[j] = lastValue;
                }
            }
        }

        /**
         * Rewrites {@code keys[j]} from row j's unit value to its unit id and {@code groups[j]} to
         * its cell, both -1 when the row has no unit; batch after batch in scan order, so that the
         * ids and cells are numbered as the row path numbers them.
         */
        @Override
        public void prepareInOrder(int n, int[] groups, long[] keys, boolean[] keyNulls) {
            if (cellsByUnit) {
                for (int j = 0; j < n; j++) {
                    groups[j] = (int) keys[j];
                }
                return;
            }
            long lastValue = 0;
            int lastUnit = -1;
            boolean lastKnown = false;
            for (int j = 0; j < n; j++) {
                if (keyNulls[j]) {
                    keys[j] = -1;
                    continue;
                }
                long value = keys[j];
                if (!lastKnown || value != lastValue) {
                    lastUnit = unitIdOfValue(value);
                    lastValue = value;
                    lastKnown = true;
                }
                keys[j] = lastUnit;
            }
            assignCells(n, groups, keys);
        }

        /** Sets {@code groups[j]} to the cell of row j's group and unit id {@code units[j]}, -1 when it has no unit. */
        private void assignCells(int n, int[] groups, long[] keys) {
            int lastGroup = -1;
            int lastUnit = -1;
            int lastIndex = -1;
            for (int j = 0; j < n; j++) {
                int unit = (int) keys[j];
                if (unit < 0) {
                    groups[j] = -1;
                    continue;
                }
                int group = groups[j];
                if (group == lastGroup && unit == lastUnit) {
                    groups[j] = lastIndex;
                    continue;
                }
                if (dense != null && group >= width && group < denseGroups) {
                    widen(group);
                }
                if (dense != null && group >= denseGroups) {
                    toHash();
                }
                int index;
                if (dense != null) {
                    long at = (long) unit * width + group;
                    if (at >= dense.length) {
                        long grown = Math.max(at + 1, 2L * dense.length);
                        if (grown > Integer.MAX_VALUE - 16) {
                            throw new OutOfMemoryError("dense DP cells");
                        }
                        dense = Arrays.copyOf(dense, (int) grown);
                    }
                    index = dense[(int) at] - 1;
                } else {
                    index = cellOf.get(group, unit);
                }
                if (index < 0) {
                    index = newCell(group, unit);
                }
                lastGroup = group;
                lastUnit = unit;
                lastIndex = index;
                groups[j] = index;
            }
            preparedBytes = firstStageBytes();
        }

        /**
         * The first stage's per-row part when {@link #cellsByUnit}: rewrites {@code keys[j]} to row
         * j's unit value, its cell, -1 when the row has no unit ({@link #prepareInOrder} copies it
         * to {@code groups[j]}).
         */
        private void prepareByUnit(int n, long[] keys, boolean[] keyNulls) {
            long lastKey = 0;
            int lastCell = -1;
            boolean lastKnown = false;
            for (int j = 0; j < n; j++) {
                if (keyNulls[j]) {
                    keys[j] = -1;
                    continue;
                }
                long key = keys[j];
                if (!lastKnown || key != lastKey) {
                    long unit = unitOf(key);
                    lastCell = unit == LongUnitMap.NONE ? -1 : (int) unit;
                    lastKey = key;
                    lastKnown = true;
                }
                keys[j] = lastCell;
            }
        }

        /**
         * When {@link #cellsByUnit}, at the end of the scan: the units, numbered in order of first
         * occurrence (the order the other path numbers them in), each with its one cell, of group 0.
         */
        private void unitsFromTotals() {
            int count = totals.firstSeenCount();
            int[] first = totals.firstSeen();
            int cells = 0;
            for (int u = 0; u < count; u++) {
                cells = Math.max(cells, first[u] + 1);
            }
            cellCount = cells;
            cellGroup = new int[cells];
            cellNext = new int[cells];
            Arrays.fill(cellNext, -1);
            unitCells = Arrays.copyOf(first, Math.max(1, count));
            unitsSeen = count;
        }

        /**
         * The second stage, on the caller's thread: {@code cells[j]} and {@code units[j]} are row
         * j's cell and unit id as {@link #prepare} rewrote them (-1: none); counts each row in its
         * cell, draws the reservoir's slot and appends a kept row's values to its unit's bucket.
         */
        @Override
        public void accept(int n, int[] cells, long[] units, boolean[] keyNulls, double[][] values) {
            StatementControl.check(cancelFlag);
            BATCHES.incrementAndGet();
            Bucket lastBucket = null;
            int lastBucketIndex = -1;
            if (totals != null) {
                totals.accept(n, cells, values, sampler);
                account.holdAtLeast(bytes());
                return;
            }
            for (int j = 0; j < n; j++) {
                int index = cells[j];
                if (index < 0) {
                    continue;
                }
                if (index >= cellSeen.length) {
                    cellSeen = Arrays.copyOf(cellSeen, Math.max(index + 1, 2 * cellSeen.length));
                }
                long seen = ++cellSeen[index];
                int slot;
                if (seen <= capacity) {
                    slot = (int) (seen - 1);
                } else {
                    long draw = sampler.nextLong(seen);
                    if (draw >= capacity) {
                        continue;
                    }
                    slot = (int) draw;
                }
                if (sourceCount > 0) {
                    int b = (int) units[j] >>> bucketShift;
                    if (b != lastBucketIndex) {
                        lastBucket = bucket(b);
                        lastBucketIndex = b;
                    }
                    lastBucket.add(index, slot, values, j);
                }
            }
            account.holdAtLeast(bytes());
        }

        private int newCell(int group, int unit) {
            int index = cellCount++;
            if (index == cellGroup.length) {
                int grown = index * 2;
                cellGroup = Arrays.copyOf(cellGroup, grown);
                cellNext = Arrays.copyOf(cellNext, grown);
            }
            cellGroup[index] = group;
            cellNext[index] = unitCells[unit];
            unitCells[unit] = index;
            if (dense != null) {
                dense[unit * width + group] = index + 1;
            } else {
                cellOf.putNew(group, unit, index);
            }
            return index;
        }

        /** The id of the unit of value {@code unitValue} (a new one when the unit is new). */
        private int unitIdOfValue(long unitValue) {
            int before = unitIds.size();
            int unit = unitIds.idOf(unitValue);
            if (unitIds.size() > before) {
                if (unit == unitCells.length) {
                    unitCells = Arrays.copyOf(unitCells, unit * 2);
                }
                unitCells[unit] = -1;
                unitsSeen++;
            }
            return unit;
        }

        /** Bucket {@code b}, created when new. */
        private Bucket bucket(int b) {
            if (b >= buckets.length) {
                buckets = Arrays.copyOf(buckets, Math.max(b + 1, buckets.length * 2));
            }
            Bucket bucket = buckets[b];
            if (bucket == null) {
                bucket = new Bucket(arena, sourceCount, capacity);
                buckets[b] = bucket;
            }
            return bucket;
        }

        private void widen(int group) {
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
            dense = relaid;
            width = wider;
        }

        private void toHash() {
            // Too many groups for the dense table: every cell moves to the hash.
            cellOf = new PairIndex();
            for (int u = 0; u < unitsSeen; u++) {
                for (int c = unitCells[u]; c >= 0; c = cellNext[c]) {
                    cellOf.putNew(cellGroup[c], u, c);
                }
            }
            dense = null;
        }

        /** The rows each cell keeps: at most Linf. */
        private int kept(int cell) {
            return (int) Math.min(cellSeen[cell], capacity);
        }

        /**
         * Steps 2 to 5 over the buckets, in the order of {@link DpAggregator#release} for what reaches
         * the accumulators, but with partition selection (step 4) before the accumulators are fed
         * (step 3): step 2 first samples every unit's groups (units in id order, each unit's cells
         * first seen first, the same sampler draws), which gives each group its unit count; step 4
         * then decides each group from that count alone, as it would after step 3; and step 3 replays
         * the buckets and feeds only the groups kept, each unit's sampled cells in unit id order, so
         * every kept group's accumulators take exactly the values, in the order, they took before. A
         * dropped group's aggregates were never released: they are now never built, which with many
         * small groups (TPC-H Q20's (part, supplier) pairs) was most of the work. Which path runs
         * depends on the plan only.
         */
        List<Object[]> release() {
            if (cellsByUnit) {
                unitsFromTotals();
            }
            preparedBytes = firstStageBytes();
            account.holdAtLeast(bytes());
            dense = null;
            cellOf = null;
            int keyCount = spec.groupKeys().size();
            BudgetSplit split = spec.split().orElse(null);
            int groupCount = Math.max(1, reader.groupCount());
            // Step 2: per unit, a uniform sample of L0 of its cells; each group's units.
            boolean[] counted = new boolean[cellCount];
            long[] unitsOf = new long[groupCount];
            boolean[] listed = new boolean[groupCount];
            List<Integer> order = new ArrayList<>();
            if (keyCount == 0) {
                listed[0] = true;
                order.add(0);
            }
            int l0 = spec.maxGroupsPerUnit();
            int[] ofUnit = new int[16];
            for (int u = 0; u < unitsSeen; u++) {
                if ((u & 4095) == 0) {
                    StatementControl.check(cancelFlag);
                }
                int n = 0;
                for (int c = unitCells[u]; c >= 0; c = cellNext[c]) {
                    if (n == ofUnit.length) {
                        ofUnit = Arrays.copyOf(ofUnit, 2 * n);
                    }
                    ofUnit[n++] = c;
                }
                // First seen first, as the row path orders a unit's cells.
                for (int i = 0, k = n - 1; i < k; i++, k--) {
                    int t = ofUnit[i];
                    ofUnit[i] = ofUnit[k];
                    ofUnit[k] = t;
                }
                n = DpAggregator.sampleGroups(ofUnit, n, l0, sampler);
                for (int i = 0; i < n; i++) {
                    int c = ofUnit[i];
                    int g = cellGroup[c];
                    counted[c] = true;
                    unitsOf[g]++;
                    if (!listed[g]) {
                        listed[g] = true;
                        order.add(g);
                    }
                }
            }
            account.holdAtLeast(bytes() + cellCount + 9L * groupCount + 4L * order.size());
            // Step 4: the groups partition selection keeps, from their unit counts alone.
            OptimalPartitionSelection selection =
                    spec.partitionSelection() && !testSelectLast ? DpAccumulators.selection(spec, split) : null;
            DpAggregator.Group[] groups = new DpAggregator.Group[groupCount];
            for (int g : order) {
                if (selection == null || selection.keep(unitsOf[g])) {
                    groups[g] = new DpAggregator.Group(spec, split);
                    groups[g].units = unitsOf[g];
                }
            }
            // Step 3: the kept groups' accumulators, units in id order.
            if (totals != null) {
                TOTAL_RUNS.incrementAndGet();
                totals.settle();
                feedTotals(groups, counted);
                totals.recycle();
            } else {
                feed(groups, counted);
            }
            // Every bucket is replayed: later runs may write over the arena's chunks.
            buckets = new Bucket[0];
            arena.recycle();
            java.util.function.IntFunction<Object[]> keys = g -> {
                Object[] key = new Object[keyCount];
                for (int k = 0; k < keyCount; k++) {
                    key[k] = reader.groupKey(g, k);
                }
                return key;
            };
            if (selection == null && spec.partitionSelection()) {
                return DpAggregator.publish(spec, groups, order, keys, cancelFlag); // selects after feeding (tests)
            }
            DpResult[][] results = results(groups, order);
            return DpAggregator.publishSelected(spec, groups, order, keys, cancelFlag, (g, c) -> results[g][c]);
        }

        /**
         * Step 5's noisy results of the kept groups (non-null in {@code groups}), per group and call;
         * with {@link #twoThreads}, the (group, call) pairs shared out between two threads as they
         * come free. Each accumulator releases once, whichever thread asks it.
         */
        private DpResult[][] results(DpAggregator.Group[] groups, List<Integer> order) {
            int callCount = spec.calls().size();
            int[] kept = order.stream()
                    .filter(g -> groups[g] != null)
                    .mapToInt(Integer::intValue)
                    .toArray();
            DpResult[][] results = new DpResult[groups.length][];
            for (int g : kept) {
                results[g] = new DpResult[callCount];
            }
            int tasks = kept.length * callCount;
            AtomicInteger next = new AtomicInteger();
            AtomicBoolean stop = new AtomicBoolean();
            Runnable work = () -> {
                for (int t = next.getAndIncrement(); t < tasks && !stop.get(); t = next.getAndIncrement()) {
                    if ((t & 255) == 0) {
                        StatementControl.check(cancelFlag);
                    }
                    int g = kept[t / callCount];
                    int call = t % callCount;
                    results[g][call] = groups[g].accumulators[call].result();
                }
            };
            if (twoThreads && tasks >= 2) {
                ReleaseThreads.run(work, work, stop, "veil-dp-release");
            } else {
                work.run();
            }
            return results;
        }

        /**
         * Step 3 from the running totals: feeds each counted cell of a kept group (non-null in {@code
         * groups}) to its accumulators by its totals, units in id order.
         */
        private void feedTotals(DpAggregator.Group[] groups, boolean[] counted) {
            int callCount = spec.calls().size();
            long accumulated = 0;
            for (int u = 0; u < unitsSeen; u++) {
                if ((u & 4095) == 0) {
                    StatementControl.check(cancelFlag);
                    account.holdAtLeast(bytes() + accumulated);
                }
                for (int c = unitCells[u]; c >= 0; c = cellNext[c]) {
                    DpAggregator.Group group = groups[cellGroup[c]];
                    if (!counted[c] || group == null) {
                        continue;
                    }
                    int kept = totals.kept(c);
                    for (int call = 0; call < callCount; call++) {
                        DpAccumulator accumulator = group.accumulators[call];
                        long before = accumulator.bytes();
                        accumulator.addTotal(totals.total(call, c, kept), totals.rows(call, c, kept));
                        accumulated += accumulator.bytes() - before;
                    }
                }
            }
            account.holdAtLeast(bytes() + accumulated);
        }

        /**
         * Step 3: feeds each counted cell of a kept group (non-null in {@code groups}) to its
         * accumulators. With {@link #twoThreads}, the calls are shared out between two threads
         * ({@link #halves}), each replaying only its calls' sources of each bucket into an area of
         * its own (the buckets are only read) and feeding only their accumulators: every
         * accumulator still takes exactly the same values in the same (unit id) order, so the
         * result does not depend on the threads.
         */
        private void feed(DpAggregator.Group[] groups, boolean[] counted) {
            int callCount = spec.calls().size();
            // Each bucket's layout: a cell's values from base[cell] in the bucket's area.
            int[] base = new int[cellCount];
            int areaSize = 16;
            int unitsPerBucket = 1 << bucketShift;
            for (int first = 0; first < unitsSeen; first += unitsPerBucket) {
                int last = Math.min(unitsSeen, first + unitsPerBucket);
                int size = 0;
                for (int u = first; u < last; u++) {
                    for (int c = unitCells[u]; c >= 0; c = cellNext[c]) {
                        base[c] = size;
                        size += kept(c) * sourceCount;
                    }
                }
                areaSize = Math.max(areaSize, size);
            }
            AtomicLong accumulated = new AtomicLong();
            AtomicBoolean stop = new AtomicBoolean();
            int area = areaSize;
            if (twoThreads && callCount >= 2) {
                SPLIT_RELEASES.incrementAndGet();
                int[][] halves = halves();
                ReleaseThreads.run(
                        () -> feedCalls(groups, counted, halves[1], base, area, 2, accumulated, stop),
                        () -> feedCalls(groups, counted, halves[0], base, area, 2, accumulated, stop),
                        stop,
                        "veil-dp-release");
            } else {
                int[] all = new int[callCount];
                Arrays.setAll(all, c -> c);
                feedCalls(groups, counted, all, base, area, 1, accumulated, stop);
            }
            StatementControl.check(cancelFlag);
            account.holdAtLeast(bytes() + 4L * base.length + accumulated.get());
        }

        /**
         * The calls of each of two threads: sources given whole to the thread with fewer calls so
         * far, then the calls of no source (counts of rows) likewise.
         */
        private int[][] halves() {
            int callCount = spec.calls().size();
            int[] ofCall = sources.ofCall();
            int[] callsOf = new int[sourceCount];
            for (int call = 0; call < callCount; call++) {
                if (ofCall[call] >= 0) {
                    callsOf[ofCall[call]]++;
                }
            }
            int[] half = new int[sourceCount];
            int[] load = new int[2];
            for (int s = 0; s < sourceCount; s++) {
                half[s] = load[0] <= load[1] ? 0 : 1;
                load[half[s]] += callsOf[s];
            }
            int[][] calls = {new int[callCount], new int[callCount]};
            int[] n = new int[2];
            for (int call = 0; call < callCount; call++) {
                int h;
                if (ofCall[call] >= 0) {
                    h = half[ofCall[call]];
                } else {
                    h = load[0] <= load[1] ? 0 : 1;
                    load[h]++;
                }
                calls[h][n[h]++] = call;
            }
            return new int[][] {Arrays.copyOf(calls[0], n[0]), Arrays.copyOf(calls[1], n[1])};
        }

        /**
         * Step 3 for {@code calls}, bucket after bucket, units in id order: replays their sources of
         * the bucket into an area of this thread's own and feeds their accumulators. Returns early
         * once {@code stop} is set (the other thread failed).
         */
        private void feedCalls(
                DpAggregator.Group[] groups,
                boolean[] counted,
                int[] calls,
                int[] base,
                int areaSize,
                int threads,
                AtomicLong accumulated,
                AtomicBoolean stop) {
            int[] ofCall = sources.ofCall();
            boolean[] replayed = new boolean[sourceCount];
            for (int call : calls) {
                if (ofCall[call] >= 0) {
                    replayed[ofCall[call]] = true;
                }
            }
            double[] area = new double[areaSize];
            double[] ones = new double[Math.max(1, capacity)];
            Arrays.fill(ones, 1);
            int unitsPerBucket = 1 << bucketShift;
            for (int first = 0; first < unitsSeen; first += unitsPerBucket) {
                if (stop.get()) {
                    return;
                }
                StatementControl.check(cancelFlag);
                int last = Math.min(unitsSeen, first + unitsPerBucket);
                int b = first >>> bucketShift;
                Bucket bucket = b < buckets.length ? buckets[b] : null;
                if (sourceCount > 0 && bucket != null) {
                    bucket.replay(this, base, area, replayed);
                }
                long grown = 0;
                for (int u = first; u < last; u++) {
                    for (int c = unitCells[u]; c >= 0; c = cellNext[c]) {
                        DpAggregator.Group group = groups[cellGroup[c]];
                        if (!counted[c] || group == null) {
                            continue;
                        }
                        int kept = kept(c);
                        for (int call : calls) {
                            int s = ofCall[call];
                            DpAccumulator accumulator = group.accumulators[call];
                            long before = accumulator.bytes();
                            if (s < 0) {
                                accumulator.addUnit(ones, 0, kept);
                            } else {
                                accumulator.addUnit(area, base[c] + s * kept, kept);
                            }
                            grown += accumulator.bytes() - before;
                        }
                    }
                }
                long held = accumulated.addAndGet(grown);
                account.holdAtLeast(bytes() + 4L * base.length + 8L * threads * areaSize + held);
            }
        }
    }

    /**
     * The kept rows' writes of one range of unit ids, in scan order, in blocks of a {@link
     * ValueArena} shared by all buckets (large chunks, which the collector does not copy from young
     * to old space as it would growing arrays): per write its cell and slot, then its value of each
     * source, as doubles (exact for ints). The cell and slot take one double, {@code cell << slotBits
     * | slot}, when that is an exact integer of a double (a cell id has at most 31 bits), which it is
     * for every Linf up to 2<sup>22</sup>; otherwise two.
     */
    private static final class Bucket {
        /** Writes per block. */
        static final int BLOCK = 1024;

        final ValueArena arena;
        final int stride;
        /** Doubles of a write before its values: 1 (cell and slot packed) or 2. */
        final int head;

        final int slotBits;
        long[] blocks = new long[4];
        int size;
        double[] chunk;
        int at;

        Bucket(ValueArena arena, int sources, int capacity) {
            this.arena = arena;
            this.slotBits = 32 - Integer.numberOfLeadingZeros(Math.max(1, capacity - 1));
            this.head = 31 + slotBits <= 53 && !testUnpacked ? 1 : 2;
            this.stride = head + sources;
        }

        long bytes() {
            return 32 + 8L * blocks.length;
        }

        /** Appends the write of row {@code row}'s values to slot {@code slot} of cell {@code cell}. */
        void add(int cell, int slot, double[][] rowValues, int row) {
            if (size % BLOCK == 0) {
                int k = size / BLOCK;
                if (k == blocks.length) {
                    blocks = Arrays.copyOf(blocks, 2 * k);
                }
                long address = arena.allocate(BLOCK * stride);
                blocks[k] = address;
                chunk = arena.chunk(address);
                at = ValueArena.offset(address);
            }
            size++;
            double[] c = chunk;
            int to = at;
            if (head == 1) {
                c[to] = ((long) cell << slotBits) | slot;
            } else {
                c[to] = cell;
                c[to + 1] = slot;
            }
            to += head;
            for (int s = 0; s < rowValues.length; s++) {
                c[to + s] = rowValues[s][row];
            }
            at = to + rowValues.length;
        }

        /**
         * Replays the writes, in order, into {@code area}: a cell's source {@code s} from {@code
         * base[cell] + s * kept}, for the sources {@code replayed} marks. Reads the bucket only: two
         * threads may replay it at once.
         */
        void replay(Cells cells, int[] base, double[] area, boolean[] replayed) {
            int sources = stride - head;
            long slotMask = (1L << slotBits) - 1;
            for (int k = 0; k * BLOCK < size; k++) {
                long address = blocks[k];
                double[] c = arena.chunk(address);
                int from = ValueArena.offset(address);
                int n = Math.min(BLOCK, size - k * BLOCK);
                for (int i = 0; i < n; i++, from += stride) {
                    int cell;
                    int slot;
                    if (head == 1) {
                        long packed = (long) c[from];
                        cell = (int) (packed >>> slotBits);
                        slot = (int) (packed & slotMask);
                    } else {
                        cell = (int) c[from];
                        slot = (int) c[from + 1];
                    }
                    int kept = cells.kept(cell);
                    int to = base[cell] + slot;
                    int values = from + head;
                    for (int s = 0; s < sources; s++) {
                        if (replayed[s]) {
                            area[to + s * kept] = c[values + s];
                        }
                    }
                }
            }
        }
    }
}
