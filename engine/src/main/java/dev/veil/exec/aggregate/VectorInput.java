package dev.veil.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.VeilType;
import dev.veil.control.CpuScheduler;
import dev.veil.exec.scan.DynamicFilters;
import dev.veil.exec.scan.LongColumns;
import dev.veil.exec.scan.ScanDynamicFilter;
import dev.veil.exec.scan.ScanPredicate;
import dev.veil.exec.scan.Validity;
import dev.veil.schema.ArrowTable;
import dev.veil.storage.BatchScan;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.DataContext;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The rows of a filtered scan of a Veil table as batches of primitive columns, for an operator
 * that aggregates them itself (the differentially private aggregate of {@code exec.privacy}):
 * per selected row, in scan order, its group (numbered in order of first occurrence by a
 * {@link GroupTable} over plain grouping columns), the value of one integral key column as a
 * long, and numeric expressions ({@link VectorExpression}) as doubles, NaN for NULL; a value read
 * only for whether it is NULL is 1 or NaN. A double is what the row code's
 * {@code ((Number) value).doubleValue()} gives: a DECIMAL's exact value, correctly rounded.
 * Immutable; {@link #open} gives one execution's reader.
 */
public final class VectorInput {
    /** Receives each batch's selected rows. */
    @FunctionalInterface
    public interface BatchConsumer {
        /**
         * Rows {@code [0, n)} of a batch: {@code groups[j]} is row j's group, {@code keys[j]} its
         * key ({@code keyNulls[j]} when NULL), {@code values[v][j]} its value of expression v.
         */
        void accept(int n, int[] groups, long[] keys, boolean[] keyNulls, double[][] values);

        /**
         * A first stage, run on each batch before {@link #accept}: on the scan thread of {@link
         * Reader#runPipelined} (the caller's thread otherwise), batch after batch in scan order, so
         * the work a consumer splits between the two stages runs on two threads. It may rewrite
         * {@code groups} and {@code keys} in place; {@link #accept} gets them as rewritten. Nothing
         * by default.
         */
        default void prepare(int n, int[] groups, long[] keys, boolean[] keyNulls) {}

        /**
         * Whether {@link #prepare} splits into {@link #prepareRows}, which rewrites each row's key
         * from that row alone, and {@link #prepareInOrder}, which takes the batches in scan order:
         * then {@link Reader#runPipelined} may scan with two threads, each preparing the rows of its
         * own batches, and the batches reach {@code prepareInOrder} and {@link #accept} in scan
         * order. False by default.
         */
        default boolean splitsPrepare() {
            return false;
        }

        /**
         * {@link #prepare}'s first part when it {@link #splitsPrepare}: may rewrite {@code keys[j]}
         * and set {@code keyNulls[j]} from row j alone; on any scanning thread, in any batch order.
         */
        default void prepareRows(int n, long[] keys, boolean[] keyNulls) {}

        /**
         * {@link #prepare}'s second part when it {@link #splitsPrepare}: on the caller's thread, in
         * scan order, with the batch as {@link #prepareRows} left it and its groups assigned.
         */
        default void prepareInOrder(int n, int[] groups, long[] keys, boolean[] keyNulls) {}
    }

    private final ArrowTable table;
    private final @Nullable ScanPredicate filter;
    private final int[] groupColumns;
    private final int keyColumn;
    private final List<RexNode> values;
    private final boolean[] nullOnly;
    private final List<ScanDynamicFilter> dynamicFilters;
    private final @Nullable Join join;
    private final int[] loadedColumns;

    /**
     * An inner equi-join of the scanned (probe) rows with the rows of {@link BuildKeys}: a probe row
     * is kept when its value of {@code probeKeyColumn} (INTEGER or BIGINT, never NULL) is a build
     * row's key, and value v is then itself when {@code gates[v]} is -1 or that build row's
     * condition {@code gates[v]} is TRUE, else {@code otherwise[v]}: {@code CASE WHEN condition
     * THEN value ELSE constant END} with the condition over the build row alone, evaluated once per
     * build row.
     */
    public record Join(BuildKeys build, int probeKeyColumn, int[] gates, double[] otherwise) {
        public Join {
            requireNonNull(build, "build is null");
            gates = gates.clone();
            otherwise = otherwise.clone();
            if (gates.length != otherwise.length) {
                throw new IllegalArgumentException("a gate per value");
            }
            for (int gate : gates) {
                if (gate < -1 || gate >= build.conditionCount()) {
                    throw new IllegalArgumentException("no condition " + gate);
                }
            }
        }
    }

    private VectorInput(
            ArrowTable table,
            @Nullable ScanPredicate filter,
            int[] groupColumns,
            int keyColumn,
            List<RexNode> values,
            boolean[] nullOnly,
            List<ScanDynamicFilter> dynamicFilters,
            @Nullable Join join) {
        this.dynamicFilters = List.copyOf(dynamicFilters);
        this.join = join;
        this.table = table;
        this.filter = filter;
        this.groupColumns = groupColumns;
        this.keyColumn = keyColumn;
        this.values = values;
        this.nullOnly = nullOnly;
        IntStream.Builder loaded = IntStream.builder();
        IntStream.of(groupColumns).forEach(loaded::add);
        loaded.add(keyColumn);
        if (filter != null) {
            IntStream.of(filter.columns()).forEach(loaded::add);
        }
        dynamicFilters.forEach(f -> loaded.add(f.tableColumn()));
        if (join != null) {
            loaded.add(join.probeKeyColumn());
        }
        for (RexNode value : values) {
            RelOptUtil.InputFinder.bits(value).forEach(loaded::add);
        }
        this.loadedColumns = loaded.build().distinct().sorted().toArray();
    }

    /**
     * The input, or null when some part of it is not supported: grouping columns a
     * {@link GroupTable} groups by, an INTEGER, BIGINT, DATE or TIMESTAMP key column, and values
     * over table columns that {@link VectorExpression} evaluates (a value with
     * {@code nullOnly[v]} may also be any plain column: only its NULLs are read).
     */
    public static @Nullable VectorInput of(
            ArrowTable table,
            @Nullable ScanPredicate filter,
            int[] groupColumns,
            int keyColumn,
            List<RexNode> values,
            boolean[] nullOnly) {
        return of(table, filter, groupColumns, keyColumn, values, nullOnly, null);
    }

    /**
     * As above, with the selected rows also joined with a build side ({@code join}, null: none), whose
     * probe key column must be INTEGER or BIGINT and whose gates are one per value.
     */
    public static @Nullable VectorInput of(
            ArrowTable table,
            @Nullable ScanPredicate filter,
            int[] groupColumns,
            int keyColumn,
            List<RexNode> values,
            boolean[] nullOnly,
            @Nullable Join join) {
        requireNonNull(table, "table is null");
        TableDef def = table.definition();
        if (groupColumns.length > 63 || values.size() != nullOnly.length) {
            return null;
        }
        for (int column : groupColumns) {
            if (!GroupTable.supports(def.columns().get(column).type())) {
                return null;
            }
        }
        VeilType key = def.columns().get(keyColumn).type().type();
        if (key != VeilType.INTEGER && key != VeilType.BIGINT && key != VeilType.DATE && key != VeilType.TIMESTAMP) {
            return null;
        }
        if (join != null
                && (join.gates().length != values.size()
                        || !BuildKeys.supportsKey(
                                def.columns().get(join.probeKeyColumn()).type().type()))) {
            return null;
        }
        VectorInput input = new VectorInput(
                table, filter, groupColumns.clone(), keyColumn, List.copyOf(values), nullOnly.clone(), List.of(), join);
        try {
            input.open(); // fails here, at planning, for any expression the reader would not evaluate
        } catch (VectorExpression.Unsupported e) {
            return null;
        }
        return input;
    }

    /**
     * This input with {@code more} dynamic filters over table columns: its rows are also those whose
     * value of each filter's column is in the filter's key set, as published when a reader first
     * scans and fixed from then on ({@link DynamicFilters#fixed}), so a filter applies to every row
     * of an execution or to none.
     */
    public VectorInput withDynamicFilters(List<ScanDynamicFilter> more) {
        List<ScanDynamicFilter> all = new ArrayList<>(dynamicFilters);
        all.addAll(more);
        return new VectorInput(table, filter, groupColumns, keyColumn, values, nullOnly, all, join);
    }

    /** The dynamic filters on its rows. */
    public List<ScanDynamicFilter> dynamicFilters() {
        return dynamicFilters;
    }

    /** The table column of grouping column {@code k}. */
    public int groupColumn(int k) {
        return groupColumns[k];
    }

    /** The table it reads. */
    public ArrowTable table() {
        return table;
    }

    /** The join of its rows with a build side, or null. */
    public @Nullable Join join() {
        return join;
    }

    /** The batches the scan thread of {@link Reader#runPipelined} may be ahead of the consumer. */
    private static final int PIPELINE_DEPTH = 3;

    /** The rows of one batch as given to a consumer, reused batch after batch. */
    private static final class Handoff {
        int n;
        int[] gids = new int[0];
        long[] keys = new long[0];
        boolean[] keyNulls = new boolean[0];
        final double[][] out;
        /** With two scanning threads and groups: the rows' key codes and NULL masks, assigned in scan order. */
        long[][] codes = new long[0][0];

        long[] masks = new long[0];

        Handoff(int expressions) {
            out = new double[expressions][0];
        }

        void ensure(int rows) {
            if (gids.length < rows) {
                gids = new int[rows];
                keys = new long[rows];
                keyNulls = new boolean[rows];
                for (int v = 0; v < out.length; v++) {
                    out[v] = new double[rows];
                }
            }
        }

        void ensureCodes(int rows, int columns) {
            if (masks.length < rows || codes.length != columns) {
                masks = new long[Math.max(rows, masks.length)];
                codes = new long[columns][masks.length];
            }
        }
    }

    /** The rows of the table's current version (a hint for whether to scan on a thread of its own). */
    public long rowCount() {
        return table.version().rowCount();
    }

    /** A reader for one execution: its consumer runs on the caller's thread. */
    public Reader open() {
        return new Reader();
    }

    /** One execution's groups and scratch state. */
    public final class Reader {
        private final GroupTable groups;
        private final VectorExpression[] expressions;
        private final VectorExpression.Memo memo = new VectorExpression.Memo();
        /** The dynamic filters' key sets as this reader's first scan found them, then for every scan. */
        private @Nullable DynamicFilters fixedSets;
        /** The build side's keys ({@link #loadBuild}), when the input has a join. */
        private BuildKeys.@Nullable Index buildIndex;
        /** Per selected row of the current batch, its build row's mask (the one-thread scans'). */
        private long[] masks = new long[0];

        private Reader() {
            TableDef def = table.definition();
            ColumnType[] types = new ColumnType[groupColumns.length];
            for (int k = 0; k < types.length; k++) {
                types[k] = def.columns().get(groupColumns[k]).type();
            }
            groups = new GroupTable(groupColumns, types);
            expressions = compile(memo);
        }

        /** The values' expressions, their shared results memoized in {@code memo}: one set per scanning thread. */
        private VectorExpression[] compile(VectorExpression.Memo memo) {
            TableDef def = table.definition();
            VectorExpression[] compiled = new VectorExpression[values.size()];
            Map<RexNode, VectorExpression> shared = new HashMap<>();
            for (int v = 0; v < compiled.length; v++) {
                RexNode value = values.get(v);
                if (nullOnly[v] && value instanceof RexInputRef) {
                    continue; // read from the vector's validity
                }
                compiled[v] = VectorExpression.compile(value, def, shared, memo);
            }
            return compiled;
        }

        /**
         * Reads the join's build side, before the first scan; true when the input has no join or
         * the build side's keys are distinct, false when they are not (no scan may run then: the
         * caller computes the join's rows otherwise).
         */
        public boolean loadBuild(DataContext root, AtomicBoolean cancelFlag) {
            if (join == null) {
                return true;
            }
            buildIndex = join.build().load(root, cancelFlag);
            return buildIndex != null;
        }

        /** How many groups the rows so far have. */
        public int groupCount() {
            return groups.groups();
        }

        /** The value of grouping column {@code k} of group {@code g}, as the row code represents it. */
        public Object groupKey(int g, int k) {
            return groups.key(g, k);
        }

        /**
         * The heap the groups take, an estimate on the high side, as of the last batch given to a
         * consumer (safe to read from the consumer while a scan thread runs).
         */
        public long bytes() {
            return groupBytes + (buildIndex == null ? 0 : buildIndex.bytes());
        }

        private volatile long groupBytes;

        /**
         * Scans the table, giving {@code consumer} each batch's selected rows, in scan order. The
         * scan's filter reads the execution's statement time and consent conditions from {@code root}.
         */
        public void run(DataContext root, AtomicBoolean cancelFlag, BatchConsumer consumer) {
            Handoff only = new Handoff(expressions.length);
            scan(root, cancelFlag, () -> only, consumer, h -> consumer.accept(h.n, h.gids, h.keys, h.keyNulls, h.out));
        }

        /**
         * As {@link #run}, with the scan, filter and expressions on a second thread, one batch or two
         * ahead of {@code consumer}, which runs on the caller's thread and is given the same batches
         * in the same order as by {@link #run}: a pipeline, whose result cannot depend on the threads.
         */
        public void runPipelined(DataContext root, AtomicBoolean cancelFlag, BatchConsumer consumer) {
            // The scan thread runs on a second run slot, lent only while no other statement waits;
            // without one, the same batches reach the consumer from this thread.
            CpuScheduler.Lent lent = CpuScheduler.lendSlot();
            if (lent == null) {
                run(root, cancelFlag, consumer);
                return;
            }
            try (lent) {
                if (scansInParallel(consumer)) {
                    parallel(root, cancelFlag, consumer);
                } else {
                    pipeline(root, cancelFlag, consumer);
                }
            }
        }

        /**
         * Whether {@link #runPipelined}, given a second thread, scans with both ({@link #parallel})
         * for {@code consumer}, rather than on one ahead of the consumer: an input whose group keys
         * encode row by row (or that has none), for a consumer that splits its preparation.
         */
        public boolean scansInParallel(BatchConsumer consumer) {
            return consumer.splitsPrepare() && (groupColumns.length == 0 || groups.encodesRowByRow());
        }

        /**
         * The batches scanned, filtered, evaluated, their group keys encoded and their rows prepared
         * ({@link BatchConsumer#prepareRows}) by two threads (each with its own scan, skipping the
         * other's batches), and given to {@code consumer} on this one in scan order ({@link
         * OrderedBatches}), where what is numbered in order of first occurrence is: the groups and
         * {@link BatchConsumer#prepareInOrder}. Each thread probes the join's build side, if any,
         * itself ({@link #scansInParallel} says when).
         */
        private void parallel(DataContext root, AtomicBoolean cancelFlag, BatchConsumer consumer) {
            if (fixedSets == null) {
                fixedSets = DynamicFilters.fixed(root, dynamicFilters);
            }
            List<Handoff> slots = new ArrayList<>();
            for (int i = 0; i < PIPELINE_DEPTH + 1; i++) {
                slots.add(new Handoff(expressions.length));
            }
            VectorExpression.Memo helperMemo = new VectorExpression.Memo();
            try (Lane helper = new Lane(root, compile(helperMemo), helperMemo, cancelFlag, consumer);
                    Lane own = new Lane(root, expressions, memo, cancelFlag, consumer)) {
                new OrderedBatches<>(slots)
                        .run(
                                helper::produce,
                                own::produce,
                                h -> {
                                    if (h.n > 0) {
                                        if (groupColumns.length > 0) {
                                            groups.assign(h.codes, h.masks, h.n, h.gids);
                                            groupBytes = groups.bytes();
                                        }
                                        consumer.prepareInOrder(h.n, h.gids, h.keys, h.keyNulls);
                                        consumer.accept(h.n, h.gids, h.keys, h.keyNulls, h.out);
                                    }
                                },
                                cancelFlag,
                                "veil-dp-scan-" + table.definition().name());
            }
        }

        /** One thread's scan of {@link #parallel}: its own batch scan, columns, expressions and scratch. */
        private final class Lane implements AutoCloseable {
            private final VectorExpression[] laneExpressions;
            private final VectorExpression.Memo laneMemo;
            private final BatchColumns columns;
            private final BatchScan scan;
            private final AtomicBoolean cancelFlag;
            private final BatchConsumer consumer;
            private long[] longs = new long[0];
            private boolean[] nulls = new boolean[0];
            private long[] buildMasks = new long[0];
            /** The number of the batch the scan gives next. */
            private int position;

            Lane(
                    DataContext root,
                    VectorExpression[] laneExpressions,
                    VectorExpression.Memo laneMemo,
                    AtomicBoolean cancelFlag,
                    BatchConsumer consumer) {
                this.laneExpressions = laneExpressions;
                this.laneMemo = laneMemo;
                this.cancelFlag = cancelFlag;
                this.consumer = consumer;
                TableDef def = table.definition();
                this.columns = new BatchColumns(def, loadedColumns, filter, dynamicFilters, fixedSets, root);
                this.scan = table.warehouse().scan(def, table.version(), loadedColumns);
            }

            /** Batch {@code index}'s selected rows into {@code h} (none: {@code h.n} 0); false when there is no such batch. */
            boolean produce(int index, Handoff h) {
                if (cancelFlag.get()) {
                    throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                }
                CpuScheduler.checkpoint();
                while (position < index) {
                    if (!scan.skip()) {
                        return false;
                    }
                    position++;
                }
                VectorSchemaRoot batch = scan.next();
                if (batch == null) {
                    return false;
                }
                position++;
                h.n = 0;
                int rows = batch.getRowCount();
                int n = rows == 0 ? 0 : columns.select(batch, rows);
                if (n == 0) {
                    return true;
                }
                if (longs.length < n) {
                    longs = new long[rows];
                    nulls = new boolean[rows];
                }
                int[] sel = columns.selection();
                if (join != null) {
                    if (buildMasks.length < n) {
                        buildMasks = new long[Math.max(n, 2 * buildMasks.length)];
                    }
                    n = probe(columns, sel, n, buildMasks);
                    if (n == 0) {
                        return true;
                    }
                }
                h.ensure(n);
                if (groupColumns.length > 0) {
                    h.ensureCodes(n, groupColumns.length);
                    groups.encode(columns.vectors, sel, n, h.codes, h.masks);
                }
                fill(columns, sel, n, h, laneExpressions, laneMemo, longs, nulls, buildMasks, groupColumns.length == 0);
                consumer.prepareRows(n, h.keys, h.keyNulls);
                return true;
            }

            @Override
            public void close() {
                scan.close();
            }
        }

        private void pipeline(DataContext root, AtomicBoolean cancelFlag, BatchConsumer consumer) {
            ArrayBlockingQueue<Handoff> free = new ArrayBlockingQueue<>(PIPELINE_DEPTH);
            // Room for every handoff and the end mark: the scan thread never waits to hand one over.
            ArrayBlockingQueue<Handoff> full = new ArrayBlockingQueue<>(PIPELINE_DEPTH + 1);
            for (int i = 0; i < PIPELINE_DEPTH; i++) {
                free.add(new Handoff(expressions.length));
            }
            Handoff end = new Handoff(0);
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread scanner = new Thread(
                    () -> {
                        try {
                            scan(root, cancelFlag, () -> nextFree(free, stop, cancelFlag), consumer, full::add);
                        } catch (Throwable t) {
                            failure.set(t);
                        } finally {
                            full.add(end);
                        }
                    },
                    "veil-dp-scan-" + table.definition().name());
            scanner.setDaemon(true);
            scanner.start();
            try {
                while (true) {
                    Handoff h = full.take();
                    if (h == end) {
                        break;
                    }
                    consumer.accept(h.n, h.gids, h.keys, h.keyNulls, h.out);
                    free.add(h);
                }
            } catch (InterruptedException e) {
                stop.set(true);
                HelperThreads.joinQuietly(scanner);
                Thread.currentThread().interrupt();
                throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
            } catch (RuntimeException | Error e) {
                stop.set(true);
                HelperThreads.joinQuietly(scanner);
                throw e;
            }
            HelperThreads.joinQuietly(scanner);
            HelperThreads.rethrow(failure.get());
        }

        /** A free handoff for the scan thread; fails once the consumer has stopped or the query is cancelled. */
        private static Handoff nextFree(
                ArrayBlockingQueue<Handoff> free, AtomicBoolean stop, AtomicBoolean cancelFlag) {
            while (true) {
                if (stop.get() || cancelFlag.get()) {
                    throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                }
                try {
                    Handoff h = free.poll(10, TimeUnit.MILLISECONDS);
                    if (h != null) {
                        return h;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                }
            }
        }

        private void scan(
                DataContext root,
                AtomicBoolean cancelFlag,
                Supplier<Handoff> handoffs,
                BatchConsumer consumer,
                Consumer<Handoff> filled) {
            TableDef def = table.definition();
            if (join != null && buildIndex == null) {
                throw new IllegalStateException("the build side of " + def.name() + "'s join is not loaded");
            }
            if (fixedSets == null) {
                fixedSets = DynamicFilters.fixed(root, dynamicFilters);
            }
            BatchColumns columns = new BatchColumns(def, loadedColumns, filter, dynamicFilters, fixedSets, root);
            FieldVector[] vectors = columns.vectors;
            long[] longs = new long[0];
            boolean[] nulls = new boolean[0];
            try (BatchScan scan = table.warehouse().scan(def, table.version(), loadedColumns)) {
                while (true) {
                    if (cancelFlag.get()) {
                        throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                    }
                    dev.veil.control.CpuScheduler.checkpoint();
                    VectorSchemaRoot batch = scan.next();
                    if (batch == null) {
                        return;
                    }
                    int rows = batch.getRowCount();
                    if (rows == 0) {
                        continue;
                    }
                    int n = columns.select(batch, rows);
                    if (n == 0) {
                        continue;
                    }
                    int[] sel = columns.selection();
                    if (join != null) {
                        if (masks.length < n) {
                            masks = new long[Math.max(n, 2 * masks.length)];
                        }
                        n = probe(columns, sel, n, masks);
                        if (n == 0) {
                            continue;
                        }
                    }
                    if (longs.length < n) {
                        longs = new long[rows];
                        nulls = new boolean[rows];
                    }
                    Handoff h = handoffs.get();
                    h.ensure(n);
                    fill(columns, sel, n, h, expressions, memo, longs, nulls, masks, true);
                    consumer.prepare(n, h.gids, h.keys, h.keyNulls);
                    filled.accept(h);
                }
            }
        }

        /**
         * Rows {@code sel[0..n)} of the batch in {@code columns} into {@code h}: groups (when {@code
         * assign}), keys and values (gated by the join's build rows, whose masks {@link #probe} put
         * in {@code buildMasks}, if any), with {@code exprs} over {@code exprsMemo}.
         */
        private void fill(
                BatchColumns columns,
                int[] sel,
                int n,
                Handoff h,
                VectorExpression[] exprs,
                VectorExpression.Memo exprsMemo,
                long[] longs,
                boolean[] nulls,
                long[] buildMasks,
                boolean assign) {
            FieldVector[] vectors = columns.vectors;
            exprsMemo.nextBatch();
            if (assign) {
                groups.assign(vectors, sel, n, h.gids);
            }
            FieldVector keyVector = vectors[keyColumn];
            // A selective filter (TPC-H Q6 keeps one line item in 50): read the selected keys only.
            long[] all = n < keyVector.getValueCount() / 8 ? null : columns.longs(keyColumn);
            boolean keyNullable = Validity.hasNulls(keyVector);
            for (int j = 0; j < n; j++) {
                h.keys[j] = all == null ? LongColumns.value(keyVector, sel[j]) : all[sel[j]];
                h.keyNulls[j] = keyNullable && keyVector.isNull(sel[j]);
            }
            for (int v = 0; v < h.out.length; v++) {
                evaluate(exprs[v], v, vectors, sel, n, h.out[v], longs, nulls);
                if (join != null && join.gates()[v] >= 0) {
                    gate(h.out[v], n, 1L << join.gates()[v], nullOnly[v] ? 1 : join.otherwise()[v], buildMasks);
                }
            }
            h.n = n;
            if (assign) {
                groupBytes = groups.bytes();
            }
        }

        /**
         * Keeps, in order at the front of {@code sel}, the first {@code n} rows whose probe key is a
         * build key, each one's build mask in {@code masks} (at least {@code n} long); returns how
         * many. Reads the build side's index only: any thread may probe.
         */
        private int probe(BatchColumns columns, int[] sel, int n, long[] masks) {
            int column = join.probeKeyColumn();
            FieldVector keyVector = columns.vectors[column];
            boolean nullable = Validity.hasNulls(keyVector);
            // A selective filter (TPC-H Q14 keeps one line item in 80): read the selected keys only.
            long[] keys = n < keyVector.getValueCount() / 8 ? null : columns.longs(column);
            BuildKeys.Index index = buildIndex;
            int kept = 0;
            for (int j = 0; j < n; j++) {
                int row = sel[j];
                if (nullable && keyVector.isNull(row)) {
                    continue; // a NULL key matches nothing
                }
                long mask = index.mask(keys == null ? LongColumns.value(keyVector, row) : keys[row]);
                if (mask != BuildKeys.Index.ABSENT) {
                    sel[kept] = row;
                    masks[kept++] = mask;
                }
            }
            return kept;
        }

        /** Sets {@code out[j]} to {@code otherwise} where row j's build mask has not {@code bit}. */
        private void gate(double[] out, int n, long bit, double otherwise, long[] m) {
            for (int j = 0; j < n; j++) {
                if ((m[j] & bit) == 0) {
                    out[j] = otherwise;
                }
            }
        }

        private void evaluate(
                VectorExpression e,
                int v,
                FieldVector[] vectors,
                int[] sel,
                int n,
                double[] out,
                long[] longs,
                boolean[] nulls) {
            if (e == null) {
                FieldVector column = vectors[((RexInputRef) values.get(v)).getIndex()];
                boolean nullable = Validity.hasNulls(column);
                for (int j = 0; j < n; j++) {
                    out[j] = nullable && column.isNull(sel[j]) ? Double.NaN : 1;
                }
                return;
            }
            if (e.isDouble) {
                e.evalDouble(vectors, sel, n, out, nulls);
            } else if (!e.isDecimal) {
                e.evalLong(vectors, sel, n, longs, nulls);
                for (int j = 0; j < n; j++) {
                    out[j] = longs[j];
                }
            } else {
                try {
                    e.evalLong(vectors, sel, n, longs, nulls);
                    toDoubles(longs, e.scale, n, out);
                } catch (ArithmeticException overflow) {
                    // A DECIMAL beyond a long: this batch row by row, exactly.
                    for (int j = 0; j < n; j++) {
                        BigDecimal d = e.evalDecimal(vectors, sel[j]);
                        nulls[j] = d == null;
                        out[j] = d == null ? 0 : d.doubleValue();
                    }
                }
            }
            if (nullOnly[v]) {
                for (int j = 0; j < n; j++) {
                    out[j] = nulls[j] ? Double.NaN : 1;
                }
                return;
            }
            for (int j = 0; j < n; j++) {
                if (nulls[j]) {
                    out[j] = Double.NaN;
                }
            }
        }
    }

    /** The largest long every smaller magnitude of which a double holds exactly. */
    private static final long EXACT = 1L << 53;

    private static final double[] DOUBLE_POWERS = new double[23];

    static {
        DOUBLE_POWERS[0] = 1;
        for (int i = 1; i < DOUBLE_POWERS.length; i++) {
            DOUBLE_POWERS[i] = DOUBLE_POWERS[i - 1] * 10;
        }
    }

    /**
     * Scaled longs as the doubles {@code BigDecimal.valueOf(unscaled, scale).doubleValue()} gives:
     * when the unscaled value and the power of ten are exact doubles, their IEEE quotient is the
     * correctly rounded exact value, which is what {@code doubleValue} returns.
     */
    private static void toDoubles(long[] unscaled, int scale, int n, double[] out) {
        if (scale >= DOUBLE_POWERS.length) {
            for (int j = 0; j < n; j++) {
                out[j] = BigDecimal.valueOf(unscaled[j], scale).doubleValue();
            }
            return;
        }
        double power = DOUBLE_POWERS[scale];
        for (int j = 0; j < n; j++) {
            long u = unscaled[j];
            out[j] = u > -EXACT && u < EXACT
                    ? u / power
                    : BigDecimal.valueOf(u, scale).doubleValue();
        }
    }

    @Override
    public String toString() {
        return "VectorInput(" + table.definition().name() + ")";
    }
}
