package dev.veil.exec.privacy;

import dev.veil.dp.ValueBounds;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import java.util.Arrays;

/**
 * Step 1's kept rows, for a DP aggregate whose every call takes one total per unit and group
 * ({@link DpAccumulator#addTotal}: a count, a count of units, a SUM or COUNT with automatic or
 * per-group contribution bounds), as running totals per cell: each call's sum of its clamped
 * values over the cell's kept rows, and each source's number of kept rows it does not skip. While
 * a cell has seen no more than Linf rows, its rows fill its slots in scan order, so the running
 * totals add exactly the values, in the order, the accumulators add from the slots.
 *
 * <p>A cell past Linf keeps a reservoir sample, whose replacements running totals cannot follow;
 * so every row's values go into a {@link RowLog} (array copies, in scan order) with the position
 * of the previous row of its cell. At the release, a cell past Linf finds its rows by that chain,
 * from its last row back (work in proportion to that cell's rows, as its sampler draws are), its
 * slots are replayed from the replacements recorded as the rows were counted (the sampler's draws
 * in scan order, as on every path), and its totals are summed again over its slots in slot order.
 */
final class CellTotals {
    private final int capacity;
    private final int sourceCount;
    private final int[] ofCall;
    /** Per call: the bounds each value is clamped to before it is summed; null: the call counts rows. */
    private final ValueBounds[] clamps;

    /** Cells the per-cell arrays hold. */
    private int cellCapacity = 16;
    /** Per source, per cell: the kept rows whose value is not NaN. */
    private final int[][] rows;
    /** Per call with clamps and a source, per cell: the sum of its clamped values over those rows. */
    private final double[][] totals;
    /** Per cell: the log position of its last row, -1 before its first. */
    private long[] last;

    /** Each source's values, then the position of the previous row of the row's cell (-1: none). */
    private final RowLog log;

    private final double[][] batch;
    private double[] batchChain = new double[1024];
    /** The log position of the last logged batch's first row. */
    private long batchBase;

    /** The replacements, in scan order: log position and slot. */
    private long[] replacedAt = new long[16];

    private int[] replacedSlot = new int[16];
    private int replaced;
    /** The cells past Linf, in the order they passed it. */
    private int[] overflowed = new int[16];

    private int overflowedCount;

    private CellTotals(int capacity, int sourceCount, int[] ofCall, ValueBounds[] clamps) {
        this.capacity = capacity;
        this.sourceCount = sourceCount;
        this.ofCall = ofCall;
        this.clamps = clamps;
        this.rows = new int[sourceCount][cellCapacity];
        this.totals = new double[clamps.length][];
        for (int c = 0; c < clamps.length; c++) {
            if (clamps[c] != null && ofCall[c] >= 0) {
                totals[c] = new double[cellCapacity];
            }
        }
        this.last = new long[cellCapacity];
        Arrays.fill(last, -1);
        this.log = new RowLog(sourceCount + 1);
        this.batch = new double[sourceCount + 1][];
    }

    /**
     * The running totals of {@code spec}'s calls, or null when a call needs its units' values one by
     * one (a mean, a variance, a quantile, a SUM clamped row by row). Depends on the spec only.
     */
    static CellTotals of(DpSpec spec, DpAggregator.Sources sources) {
        int callCount = spec.calls().size();
        ValueBounds[] clamps = new ValueBounds[callCount];
        for (int i = 0; i < callCount; i++) {
            DpCall call = spec.calls().get(i);
            DpCall.Kind kind = call.kind();
            if (call.hasGroupBounds()) {
                clamps[i] = kind.isCount() ? null : spec.bounds(i);
            } else if (spec.autoValueBounded(i)) {
                return null;
            } else if (spec.autoBounded(i)) {
                clamps[i] = spec.rowBounds(i);
            } else if (kind != DpCall.Kind.COUNT_ROWS
                    && kind != DpCall.Kind.COUNT_VALUES
                    && kind != DpCall.Kind.COUNT_UNITS) {
                return null;
            }
        }
        return new CellTotals(
                spec.maxRowsPerUnitPerGroup(),
                sources.readers().length,
                sources.ofCall().clone(),
                clamps);
    }

    /** The heap held: the per-cell arrays, the log, the replacements. */
    long bytes() {
        long perCell = 8 + 4L * sourceCount;
        for (double[] total : totals) {
            perCell += total == null ? 0 : 8;
        }
        return perCell * cellCapacity
                + log.bytes()
                + 8L * batchChain.length
                + 12L * replacedAt.length
                + 4L * overflowed.length;
    }

    private void ensure(int cell) {
        if (cell < cellCapacity) {
            return;
        }
        int grown = Math.max(cell + 1, 2 * cellCapacity);
        for (int s = 0; s < sourceCount; s++) {
            rows[s] = Arrays.copyOf(rows[s], grown);
        }
        for (int c = 0; c < totals.length; c++) {
            if (totals[c] != null) {
                totals[c] = Arrays.copyOf(totals[c], grown);
            }
        }
        last = Arrays.copyOf(last, grown);
        Arrays.fill(last, cellCapacity, grown, -1);
        cellCapacity = grown;
    }

    /**
     * Logs rows {@code [0, n)} of a batch: {@code cells[j]} is row j's cell (-1: none), {@code
     * values[s][j]} its value of source s. Call before {@link #add} and {@link #replace} for its rows.
     */
    void log(int n, int[] cells, double[][] values) {
        if (batchChain.length < n) {
            batchChain = new double[Math.max(n, 2 * batchChain.length)];
        }
        long base = log.size();
        double[] chain = batchChain;
        for (int j = 0; j < n; j++) {
            int cell = cells[j];
            if (cell < 0) {
                chain[j] = -1;
                continue;
            }
            ensure(cell);
            chain[j] = last[cell];
            last[cell] = base + j;
        }
        System.arraycopy(values, 0, batch, 0, sourceCount);
        batch[sourceCount] = chain;
        log.append(n, batch);
        Arrays.fill(batch, null);
        batchBase = base;
    }

    /** Adds row {@code row} of the last logged batch, one of the first Linf rows of cell {@code cell}. */
    void add(int cell, double[][] values, int row) {
        for (int s = 0; s < sourceCount; s++) {
            if (!Double.isNaN(values[s][row])) {
                rows[s][cell]++;
            }
        }
        for (int c = 0; c < totals.length; c++) {
            double[] total = totals[c];
            if (total != null) {
                double v = values[ofCall[c]][row];
                if (!Double.isNaN(v)) {
                    total[cell] += clamps[c].clamp(v);
                }
            }
        }
    }

    /** Notes that cell {@code cell} has just seen its (Linf + 1)-th row. */
    void passed(int cell) {
        if (overflowedCount == overflowed.length) {
            overflowed = Arrays.copyOf(overflowed, 2 * overflowedCount);
        }
        overflowed[overflowedCount++] = cell;
    }

    /** Notes that row {@code row} of the last logged batch (past its cell's Linf) replaced slot {@code slot}. */
    void replace(int row, int slot) {
        if (replaced == replacedAt.length) {
            replacedAt = Arrays.copyOf(replacedAt, 2 * replaced);
            replacedSlot = Arrays.copyOf(replacedSlot, 2 * replaced);
        }
        replacedAt[replaced] = batchBase + row;
        replacedSlot[replaced] = slot;
        replaced++;
    }

    /**
     * Sums the totals of each cell past Linf again over its reservoir's slots, in slot order;
     * {@code seen} is each cell's row count. Once, after the last batch.
     */
    void settle(long[] seen) {
        long[] chainRows = new long[16];
        long[] slots = new long[capacity];
        for (int i = 0; i < overflowedCount; i++) {
            int cell = overflowed[i];
            int n = Math.toIntExact(seen[cell]);
            if (chainRows.length < n) {
                chainRows = new long[Math.max(n, 2 * chainRows.length)];
            }
            long p = last[cell];
            for (int k = n - 1; k >= 0; k--) {
                chainRows[k] = p;
                p = (long) log.get(sourceCount, p);
            }
            System.arraycopy(chainRows, 0, slots, 0, capacity);
            for (int k = capacity; k < n; k++) {
                int at = Arrays.binarySearch(replacedAt, 0, replaced, chainRows[k]);
                if (at >= 0) {
                    slots[replacedSlot[at]] = chainRows[k];
                }
            }
            for (int s = 0; s < sourceCount; s++) {
                rows[s][cell] = 0;
            }
            for (int c = 0; c < totals.length; c++) {
                if (totals[c] != null) {
                    totals[c][cell] = 0;
                }
            }
            for (int k = 0; k < capacity; k++) {
                for (int s = 0; s < sourceCount; s++) {
                    if (!Double.isNaN(log.get(s, slots[k]))) {
                        rows[s][cell]++;
                    }
                }
                for (int c = 0; c < totals.length; c++) {
                    if (totals[c] != null) {
                        double v = log.get(ofCall[c], slots[k]);
                        if (!Double.isNaN(v)) {
                            totals[c][cell] += clamps[c].clamp(v);
                        }
                    }
                }
            }
        }
    }

    /** Call {@code call}'s total of cell {@code cell}, which kept {@code kept} rows. */
    double total(int call, int cell, int kept) {
        if (totals[call] != null) {
            return totals[call][cell];
        }
        if (clamps[call] == null || ofCall[call] >= 0) {
            return rows(call, cell, kept);
        }
        // A count of every row (no source) with row bounds: each row is the clamp of 1.
        double one = clamps[call].clamp(1);
        if (one == 1) {
            return kept;
        }
        double total = 0;
        for (int k = 0; k < kept; k++) {
            total += one;
        }
        return total;
    }

    /** Call {@code call}'s rows of cell {@code cell} it does not skip; the cell kept {@code kept} rows. */
    long rows(int call, int cell, int kept) {
        int s = ofCall[call];
        return s < 0 ? kept : rows[s][cell];
    }

    /** Gives the log's chunks to later runs; once, when the totals were read. */
    void recycle() {
        log.recycle();
    }
}
