package dev.veil.exec;

import dev.veil.dp.BudgetSplit;
import dev.veil.dp.ConfidenceInterval;
import dev.veil.dp.DpResult;
import dev.veil.dp.OptimalPartitionSelection;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
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
 *   <li>release each kept group: keys, noisy values, and each value's 95% interval.
 * </ol>
 * The noise comes from the DP primitives' secure source. The row and group samples only decide
 * which of a unit's own contributions are dropped, so they need no secret randomness; they use
 * a generator seeded from {@link SecureRandom} per run so no one can predict them either.
 */
public final class DpAggregator {
    /** The confidence level of the released intervals. */
    public static final double INTERVAL_LEVEL = 0.95;

    private DpAggregator() {
    }

    /** The rows of {@code spec} over {@code input}; computed when first enumerated. */
    public static Enumerable<Object[]> aggregate(Enumerable<Object[]> input, DpSpec spec) {
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                return Linq4j.enumerator(run(input, spec));
            }
        };
    }

    /** A cell: one unit's rows in one group, at most Linf of them, each with one value per call. */
    private static final class Cell {
        final Key group;
        final double[][] values;
        int kept;
        long seen;

        Cell(Key group, int calls, int capacity) {
            this.group = group;
            // Most units have a few rows per group: start small, grow up to the cap.
            this.values = new double[calls][Math.min(capacity, 2)];
        }

        /** Makes room for slot {@code slot} (below the cap). */
        void ensure(int slot) {
            if (slot < values[0].length) {
                return;
            }
            for (int c = 0; c < values.length; c++) {
                values[c] = Arrays.copyOf(values[c], Math.max(slot + 1, values[c].length * 2));
            }
        }
    }

    /** A group key (or a group key with a unit): values compared with equals. */
    private record Key(Object[] values, int hash) {
        static Key of(Object[] values) {
            return new Key(values, Arrays.hashCode(values));
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && hash == k.hash && Arrays.equals(values, k.values);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }

    static List<Object[]> run(Enumerable<Object[]> input, DpSpec spec) {
        SplittableRandom sampler = new SplittableRandom(new SecureRandom().nextLong());
        int keyCount = spec.groupKeys().size();
        int[] keyFields = spec.groupKeys().stream().mapToInt(Integer::intValue).toArray();
        DpCall[] calls = spec.calls().toArray(new DpCall[0]);
        int unitField = spec.unitField();
        int callCount = spec.calls().size();
        int capacity = spec.maxRowsPerUnitPerGroup();
        Map<Key, Cell> cells = new HashMap<>();
        Map<Object, List<Cell>> cellsByUnit = new HashMap<>();
        int marker = spec.domainMarker();
        java.util.LinkedHashSet<Key> domain = new java.util.LinkedHashSet<>();
        try (Enumerator<Object[]> rows = input.enumerator()) {
            while (rows.moveNext()) {
                Object[] row = rows.current();
                if (marker >= 0 && Boolean.TRUE.equals(row[marker])) {
                    Object[] keys = new Object[keyCount];
                    for (int k = 0; k < keyCount; k++) {
                        keys[k] = row[keyFields[k]];
                    }
                    domain.add(Key.of(keys));
                    continue;
                }
                Object unit = row[unitField];
                if (unit == null) {
                    continue; // rows of no unit belong to no one; they are never released
                }
                Object[] cellKey = new Object[keyCount + 1];
                for (int k = 0; k < keyCount; k++) {
                    cellKey[k] = row[keyFields[k]];
                }
                cellKey[keyCount] = unit;
                Key key = Key.of(cellKey);
                Cell cell = cells.get(key);
                if (cell == null) {
                    cell = new Cell(Key.of(Arrays.copyOf(cellKey, keyCount)), callCount, capacity);
                    cells.put(key, cell);
                    cellsByUnit.computeIfAbsent(unit, u -> new ArrayList<>(1)).add(cell);
                }
                cell.seen++;
                int slot;
                if (cell.kept < capacity) {
                    slot = cell.kept++;
                } else {
                    long j = sampler.nextLong(cell.seen);
                    if (j >= capacity) {
                        continue;
                    }
                    slot = (int) j;
                }
                if (callCount > 0) {
                    cell.ensure(slot);
                }
                for (int c = 0; c < callCount; c++) {
                    cell.values[c][slot] = value(calls[c], row);
                }
            }
        }
        cells = null;

        BudgetSplit split = spec.split().orElse(null);
        Map<Key, Group> groups = new LinkedHashMap<>();
        if (keyCount == 0) {
            groups.put(Key.of(new Object[0]), new Group(spec, split));
        }
        // A public domain's groups are all released, and only they: data outside it is dropped first.
        for (Key key : domain) {
            groups.put(key, new Group(spec, split));
        }
        int l0 = spec.maxGroupsPerUnit();
        for (List<Cell> unitCells : cellsByUnit.values()) {
            if (marker >= 0) {
                unitCells.removeIf(cell -> !domain.contains(cell.group));
            }
            int n = unitCells.size();
            if (n > l0) {
                // A uniform sample of l0 of the unit's groups: a partial Fisher-Yates shuffle.
                for (int i = 0; i < l0; i++) {
                    int j = i + sampler.nextInt(n - i);
                    Cell t = unitCells.get(i);
                    unitCells.set(i, unitCells.get(j));
                    unitCells.set(j, t);
                }
                n = l0;
            }
            for (int i = 0; i < n; i++) {
                Cell cell = unitCells.get(i);
                Group group = groups.computeIfAbsent(cell.group, g -> new Group(spec, split));
                group.units++;
                for (int c = 0; c < callCount; c++) {
                    group.accumulators[c].addUnit(cell.values[c], cell.kept);
                }
            }
        }

        OptimalPartitionSelection selection = spec.partitionSelection() ? spec.selection(split) : null;
        List<Object[]> out = new ArrayList<>();
        for (Map.Entry<Key, Group> entry : groups.entrySet()) {
            Group group = entry.getValue();
            if (selection != null && !selection.keep(group.units)) {
                continue;
            }
            Object[] row = new Object[keyCount + 3 * callCount];
            System.arraycopy(entry.getKey().values(), 0, row, 0, keyCount);
            for (int c = 0; c < callCount; c++) {
                DpCall call = spec.calls().get(c);
                DpResult result = group.accumulators[c].result();
                ConfidenceInterval interval = result.interval(INTERVAL_LEVEL);
                row[keyCount + c] = call.integral() ? (Object) Math.round(result.value()) : (Object) result.value();
                row[keyCount + callCount + 2 * c] = interval.lower();
                row[keyCount + callCount + 2 * c + 1] = interval.upper();
            }
            out.add(row);
        }
        return out;
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
    private static final class Group {
        final DpAccumulator[] accumulators;
        long units;

        Group(DpSpec spec, BudgetSplit split) {
            accumulators = new DpAccumulator[spec.calls().size()];
            for (int c = 0; c < accumulators.length; c++) {
                accumulators[c] = spec.accumulator(split, c);
            }
        }
    }
}
