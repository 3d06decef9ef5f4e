package dev.veil.exec.privacy;

import dev.veil.dp.ValueBounds;
import dev.veil.plan.DpCall;
import dev.veil.plan.DpSpec;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Step 1's kept rows, for a DP aggregate whose every call takes one total per unit and group
 * ({@link DpAccumulator#addTotal}: a count, a count of units, a SUM or COUNT with automatic or
 * per-group contribution bounds), as running totals per cell: each call's sum of its clamped
 * values over the cell's kept rows, and each source's number of kept rows it does not skip. While
 * a cell has seen no more than Linf rows, its rows fill its slots in scan order, so the running
 * totals add exactly the values, in the order, the accumulators add from the slots. A cell's row
 * count and last row (one long), the rows of the sources a count reads and the totals (as raw
 * double bits) lie side by side in one array: the cells are met in no order, so each row costs one
 * cache miss, not one per array, and the fewer longs a cell takes the more of them stay in cache.
 *
 * <p>A cell past Linf keeps a reservoir sample, whose replacements running totals cannot follow;
 * so every row's values go into a {@link RowLog} (array copies, in scan order) with the position
 * of the previous row of its cell. At the release, a cell past Linf finds its rows by that chain,
 * from its last row back (work in proportion to that cell's rows, as its sampler draws are), its
 * slots are replayed from the replacements recorded as the rows were counted (the sampler's draws
 * in scan order, as on every path), and its totals are summed again over its slots in slot order.
 */
final class CellTotals {
    /**
     * A cell's first field in {@link #state}, from {@code cell * stride}: its rows seen in the high
     * 32 bits, one more than the log position of its last row (0: none) in the low 32 bits. Then the
     * rows of each counted source whose value is not NaN, then each summing call's total.
     */
    private static final int SEEN_LAST = 0;

    private static final int ROWS = 1;

    /** The rows {@link #accept} takes at a time: their cells' state is read ahead ({@link #touch}). */
    private static final int TOUCH_BLOCK = 512;

    /** For A/B measurements and tests only, never reachable from SQL: no reading ahead. */
    static volatile boolean testNoTouch;

    /** What {@link #touch} read, kept so that its reads are not left out. */
    private long touched;

    /** The most rows a scan may have: positions and counts take 31 bits. */
    static final long MAX_ROWS = Integer.MAX_VALUE - 1;

    private final int capacity;
    private final int sourceCount;
    private final int[] ofCall;
    /** Per call: the bounds each value is clamped to before it is summed; null: the call counts rows. */
    private final ValueBounds[] clamps;
    /** The calls with clamps and a source (the summing calls): their index, source and bounds. */
    private final int[] summing;

    private final int[] summingSource;
    private final double[] lower;
    private final double[] upper;
    /** Per call: its place among the summing calls, -1 for the others. */
    private final int[] summingOf;

    /** Per source: its place among the counted sources (whose rows a call counts), -1 for the others. */
    private final int[] countedOf;

    private final int[] countedSource;
    private final int stride;
    /** Per cell, {@link #stride} longs: rows seen and last row, counted rows per counted source, totals' bits. */
    private long[] state;

    /** Each source's values, then the position of the previous row of the row's cell (-1: none). */
    private final RowLog log;

    private final double[][] batch;
    private double[] batchChain = new double[1024];

    /** The replacements, in scan order: log position and slot. */
    private long[] replacedAt = new long[16];

    private int[] replacedSlot = new int[16];
    private int replaced;
    /** The cells past Linf, in the order they passed it. */
    private int[] overflowed = new int[16];

    private int overflowedCount;

    /** When kept: the cells in the order of their first row (see {@link #keepFirstSeen}); null otherwise. */
    private int[] firstSeen;

    private int firstSeenCount;

    private CellTotals(int capacity, int sourceCount, int[] ofCall, ValueBounds[] clamps, boolean[] counts) {
        this.capacity = capacity;
        this.sourceCount = sourceCount;
        this.ofCall = ofCall;
        this.clamps = clamps;
        int count = 0;
        summingOf = new int[clamps.length];
        for (int c = 0; c < clamps.length; c++) {
            summingOf[c] = clamps[c] != null && ofCall[c] >= 0 ? count++ : -1;
        }
        summing = new int[count];
        summingSource = new int[count];
        lower = new double[count];
        upper = new double[count];
        for (int c = 0; c < clamps.length; c++) {
            int t = summingOf[c];
            if (t >= 0) {
                summing[t] = c;
                summingSource[t] = ofCall[c];
                lower[t] = clamps[c].lower();
                upper[t] = clamps[c].upper();
            }
        }
        countedOf = new int[sourceCount];
        Arrays.fill(countedOf, -1);
        int counted = 0;
        for (int c = 0; c < clamps.length; c++) {
            if (counts[c] && ofCall[c] >= 0 && countedOf[ofCall[c]] < 0) {
                countedOf[ofCall[c]] = counted++;
            }
        }
        countedSource = new int[counted];
        for (int s = 0; s < sourceCount; s++) {
            if (countedOf[s] >= 0) {
                countedSource[countedOf[s]] = s;
            }
        }
        stride = ROWS + counted + count;
        state = new long[16 * stride];
        this.log = new RowLog(sourceCount + 1);
        this.batch = new double[sourceCount + 1][];
    }

    /**
     * The running totals of {@code spec}'s calls, or null when a call needs its units' values one by
     * one (a mean, a variance, a quantile, a SUM clamped row by row). Depends on the spec only.
     */
    static CellTotals of(DpSpec spec, DpAggregator.Sources sources, long rows) {
        if (rows > MAX_ROWS) {
            return null;
        }
        int callCount = spec.calls().size();
        ValueBounds[] clamps = new ValueBounds[callCount];
        // Whether a call reads its rows not skipped: all but an AUTO sum, which takes its total only.
        boolean[] counts = new boolean[callCount];
        for (int i = 0; i < callCount; i++) {
            counts[i] = !spec.autoBounded(i);
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
                clamps,
                counts);
    }

    /** The heap held: the per-cell state, the log, the replacements. */
    long bytes() {
        return 8L * state.length
                + log.bytes()
                + 8L * batchChain.length
                + 12L * replacedAt.length
                + 4L * overflowed.length
                + (firstSeen == null ? 0 : 4L * firstSeen.length);
    }

    /**
     * From now on notes each cell at its first row, for a caller whose cell numbers are not in order
     * of first occurrence ({@link #firstSeen}). The state grows as cells are met, as it always does
     * (the caller's memory account sees it batch by batch).
     */
    void keepFirstSeen() {
        firstSeen = new int[16];
    }

    /** The cells noted by {@link #keepFirstSeen}, in the order of their first row: {@link #firstSeenCount} of them. */
    int[] firstSeen() {
        return firstSeen;
    }

    /** How many cells {@link #firstSeen} holds. */
    int firstSeenCount() {
        return firstSeenCount;
    }

    private void noteFirst(int cell) {
        if (firstSeenCount == firstSeen.length) {
            firstSeen = Arrays.copyOf(firstSeen, 2 * firstSeenCount);
        }
        firstSeen[firstSeenCount++] = cell;
    }

    private void grow(int cell) {
        int cells = state.length / stride;
        long grown = Math.max(cell + 1L, 2L * cells);
        if (grown * stride > Integer.MAX_VALUE - 16) {
            throw new OutOfMemoryError("DP cell totals");
        }
        state = Arrays.copyOf(state, (int) grown * stride);
    }

    /**
     * Step 1 over rows {@code [0, n)} of a batch, in row order: {@code cells[j]} is row j's cell
     * (-1: none), {@code values[s][j]} its value of source s. Counts each row in its cell; a cell's
     * first Linf rows are added to its totals, each later one draws its reservoir slot from {@code
     * sampler} as on every path and, if kept, is noted as a replacement. Logs every row.
     */
    void accept(int n, int[] cells, double[][] values, SplittableRandom sampler) {
        if (batchChain.length < n) {
            batchChain = new double[Math.max(n, 2 * batchChain.length)];
        }
        long base = log.size();
        if (base + n > MAX_ROWS) {
            throw new IllegalStateException("a scan of more than " + MAX_ROWS + " rows");
        }
        double[] chain = batchChain;
        int stride = this.stride;
        int counted = countedSource.length;
        int sums = summing.length;
        for (int from = 0; from < n; from += TOUCH_BLOCK) {
            int to = Math.min(n, from + TOUCH_BLOCK);
            if (!testNoTouch) {
                touch(from, to, cells);
            }
            acceptBlock(from, to, base, cells, values, chain, sampler, stride, counted, sums);
        }
        System.arraycopy(values, 0, batch, 0, sourceCount);
        batch[sourceCount] = chain;
        log.append(n, batch);
        Arrays.fill(batch, null);
    }

    /**
     * Reads the state of the cells of rows {@code [from, to)}, each once, and nothing else: these
     * reads do not depend on one another, so the processor overlaps their cache misses (the cells
     * are met in no order), where in {@link #acceptBlock} each waits on the previous row's update.
     */
    private void touch(int from, int to, int[] cells) {
        long[] st = state;
        long sum = 0;
        int last = -1;
        for (int j = from; j < to; j++) {
            int cell = cells[j];
            if (cell != last && cell >= 0) {
                long at = (long) cell * stride;
                if (at < st.length) {
                    sum += st[(int) at];
                }
                last = cell;
            }
        }
        touched += sum;
    }

    private void acceptBlock(
            int from,
            int until,
            long base,
            int[] cells,
            double[][] values,
            double[] chain,
            SplittableRandom sampler,
            int stride,
            int counted,
            int sums) {
        for (int j = from; j < until; j++) {
            int cell = cells[j];
            if (cell < 0) {
                chain[j] = -1;
                continue;
            }
            int at = cell * stride;
            if (at >= state.length) {
                grow(cell);
            }
            long[] st = state;
            long seenLast = st[at + SEEN_LAST];
            long seen = (seenLast >>> 32) + 1;
            chain[j] = (int) seenLast - 1;
            st[at + SEEN_LAST] = seen << 32 | (base + j + 1);
            if (seen <= capacity) {
                if (seen == 1 && firstSeen != null) {
                    noteFirst(cell);
                }
                int to = at + ROWS;
                for (int k = 0; k < counted; k++) {
                    if (!Double.isNaN(values[countedSource[k]][j])) {
                        st[to + k]++;
                    }
                }
                to += counted;
                for (int t = 0; t < sums; t++) {
                    double v = values[summingSource[t]][j];
                    if (!Double.isNaN(v)) {
                        st[to + t] = Double.doubleToRawLongBits(
                                Double.longBitsToDouble(st[to + t]) + Math.max(lower[t], Math.min(upper[t], v)));
                    }
                }
                continue;
            }
            if (seen == capacity + 1L) {
                passed(cell);
            }
            long draw = sampler.nextLong(seen);
            if (draw < capacity) {
                replace(base + j, (int) draw);
            }
        }
    }

    private void passed(int cell) {
        if (overflowedCount == overflowed.length) {
            overflowed = Arrays.copyOf(overflowed, 2 * overflowedCount);
        }
        overflowed[overflowedCount++] = cell;
    }

    private void replace(long position, int slot) {
        if (replaced == replacedAt.length) {
            replacedAt = Arrays.copyOf(replacedAt, 2 * replaced);
            replacedSlot = Arrays.copyOf(replacedSlot, 2 * replaced);
        }
        replacedAt[replaced] = position;
        replacedSlot[replaced] = slot;
        replaced++;
    }

    /** The rows cell {@code cell} kept: at most Linf. */
    int kept(int cell) {
        long at = (long) cell * stride;
        return at >= state.length ? 0 : (int) Math.min(state[(int) at + SEEN_LAST] >>> 32, capacity);
    }

    /**
     * Sums the totals of each cell past Linf again over its reservoir's slots, in slot order. Once,
     * after the last batch.
     */
    void settle() {
        long[] chainRows = new long[16];
        long[] slots = new long[capacity];
        for (int i = 0; i < overflowedCount; i++) {
            int cell = overflowed[i];
            int at = cell * stride;
            int n = (int) (state[at + SEEN_LAST] >>> 32);
            if (chainRows.length < n) {
                chainRows = new long[Math.max(n, 2 * chainRows.length)];
            }
            long p = (int) state[at + SEEN_LAST] - 1;
            for (int k = n - 1; k >= 0; k--) {
                chainRows[k] = p;
                p = (long) log.get(sourceCount, p);
            }
            System.arraycopy(chainRows, 0, slots, 0, capacity);
            for (int k = capacity; k < n; k++) {
                int r = Arrays.binarySearch(replacedAt, 0, replaced, chainRows[k]);
                if (r >= 0) {
                    slots[replacedSlot[r]] = chainRows[k];
                }
            }
            int counted = countedSource.length;
            Arrays.fill(state, at + ROWS, at + stride, 0);
            for (int k = 0; k < capacity; k++) {
                for (int c = 0; c < counted; c++) {
                    if (!Double.isNaN(log.get(countedSource[c], slots[k]))) {
                        state[at + ROWS + c]++;
                    }
                }
                for (int t = 0; t < summing.length; t++) {
                    double v = log.get(summingSource[t], slots[k]);
                    if (!Double.isNaN(v)) {
                        int to = at + ROWS + counted + t;
                        state[to] = Double.doubleToRawLongBits(
                                Double.longBitsToDouble(state[to]) + Math.max(lower[t], Math.min(upper[t], v)));
                    }
                }
            }
        }
    }

    /** Call {@code call}'s total of cell {@code cell}, which kept {@code kept} rows. */
    double total(int call, int cell, int kept) {
        int t = summingOf[call];
        if (t >= 0) {
            return Double.longBitsToDouble(state[cell * stride + ROWS + countedSource.length + t]);
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

    /**
     * Call {@code call}'s rows of cell {@code cell} it does not skip; the cell kept {@code kept} rows.
     * An AUTO sum's rows are not counted (it takes its total only): 0 for it.
     */
    long rows(int call, int cell, int kept) {
        int s = ofCall[call];
        if (s < 0) {
            return kept;
        }
        int k = countedOf[s];
        return k < 0 ? 0 : state[cell * stride + ROWS + k];
    }

    /** Gives the log's chunks to later runs; once, when the totals were read. */
    void recycle() {
        log.recycle();
    }
}
