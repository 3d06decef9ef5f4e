package dev.veil.exec.privacy;

import dev.veil.control.StatementControl;
import dev.veil.control.StatementMemory;
import dev.veil.exec.aggregate.VectorInput;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
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
 * Runs a DP aggregate whose input has a {@link DpBatchPlan}: step 1 of {@link DpAggregator} (at
 * most Linf rows per (group, unit), a uniform reservoir sample) over Arrow batches, with the
 * groups from the batch's columns, the unit from the key column through the cached unit maps as
 * primitive lookups, and each cell found in a dense (unit × group) table while the groups are
 * few; then the same steps 2 to 5 as the row path ({@link DpAggregator#release}). The cells, their
 * kept rows and the sampler's draws are exactly those the row path makes over the same rows in
 * the same (scan) order with the same sampler, so which rows count depends on the sampler only.
 */
public final class DpBatchAggregator {
    private DpBatchAggregator() {}

    /** How many runs took this path; for tests. */
    static final java.util.concurrent.atomic.AtomicLong RUNS = new java.util.concurrent.atomic.AtomicLong();

    /** The released rows of {@code spec} over {@code plan}'s batches; called from generated code. */
    public static Enumerable<Object[]> aggregate(DataContext root, DpBatchPlan plan, DpSpec spec) {
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
                                DpAggregator.DENSE_GROUPS)));
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
        RUNS.incrementAndGet();
        Cells cells = new Cells(spec, plan, cancelFlag, account, sampler, denseGroups);
        VectorInput.Reader reader = plan.input().open();
        cells.reader = reader;
        reader.run(root, cancelFlag, cells::accept);
        return cells.release();
    }

    /** Step 1 over batches: the same cells as the row path's, in the same order. */
    private static final class Cells {
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
        VectorInput.Reader reader;

        final LongIds unitIds = new LongIds();
        final ValueArena arena = new ValueArena();
        final List<DpAggregator.Cell> cells = new ArrayList<>();
        int[] unitCells = new int[16];
        int unitsSeen;
        int width = 1;
        int[] dense;
        PairIndex cellOf;
        long kept;
        long[] units = new long[0];
        int[] groupsSeen = new int[0];

        Cells(
                DpSpec spec,
                DpBatchPlan plan,
                AtomicBoolean cancelFlag,
                StatementMemory.Account account,
                SplittableRandom sampler,
                int denseGroups) {
            this.spec = spec;
            this.sources = DpAggregator.Sources.of(spec.calls().toArray(new DpCall[0]));
            this.sourceCount = sources.readers().length;
            this.capacity = spec.maxRowsPerUnitPerGroup();
            this.cancelFlag = cancelFlag;
            this.account = account;
            this.sampler = sampler;
            this.denseGroups = denseGroups;
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
            kept = dense == null ? 0 : 4L * dense.length;
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

        void accept(int n, int[] groups, long[] keys, boolean[] keyNulls, double[][] values) {
            StatementControl.check(cancelFlag);
            int lastGroup = -1;
            int lastUnit = -1;
            int lastIndex = -1;
            for (int j = 0; j < n; j++) {
                if (keyNulls[j]) {
                    continue; // rows of no unit belong to no one; they are never released
                }
                long unitValue = unitOf(keys[j]);
                if (unitValue == LongUnitMap.NONE) {
                    continue;
                }
                int group = groups[j];
                int before = unitIds.size();
                int unit = unitIds.idOf(unitValue);
                if (unitIds.size() > before) {
                    kept += 144;
                    if (unit == unitCells.length) {
                        unitCells = Arrays.copyOf(unitCells, unit * 2);
                    }
                    unitCells[unit] = -1;
                    unitsSeen++;
                }
                if (dense != null && group >= width && group < denseGroups) {
                    widen(group);
                }
                if (dense != null && group >= denseGroups) {
                    toHash();
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
                DpAggregator.Cell cell;
                if (index < 0) {
                    cell = new DpAggregator.Cell(group, unitCells[unit]);
                    kept += 96;
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
                    long draw = sampler.nextLong(cell.seen);
                    if (draw >= capacity) {
                        continue;
                    }
                    slot = (int) draw;
                }
                if (sourceCount > 0) {
                    cell.setRow(arena, slot, values, j);
                }
            }
            account.holdAtLeast(kept + arena.bytes() + unitIds.bytes() + reader.bytes());
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
            kept += 4L * (relaid.length - dense.length);
            dense = relaid;
            width = wider;
        }

        private void toHash() {
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

        List<Object[]> release() {
            account.holdAtLeast(kept + arena.bytes() + unitIds.bytes() + reader.bytes());
            dense = null;
            cellOf = null;
            int keyCount = spec.groupKeys().size();
            return DpAggregator.release(
                    spec,
                    sources,
                    cells,
                    unitCells,
                    unitIds.size(),
                    reader.groupCount(),
                    g -> {
                        Object[] key = new Object[keyCount];
                        for (int k = 0; k < keyCount; k++) {
                            key[k] = reader.groupKey(g, k);
                        }
                        return key;
                    },
                    arena,
                    new boolean[0],
                    List.of(),
                    sampler,
                    cancelFlag,
                    account,
                    kept + unitIds.bytes() + reader.bytes());
        }
    }
}
