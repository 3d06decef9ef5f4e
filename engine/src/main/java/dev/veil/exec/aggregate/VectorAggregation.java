package dev.veil.exec.aggregate;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.SegmentInfo;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableVersion;
import dev.veil.control.CpuScheduler;
import dev.veil.control.StatementMemory;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.exec.runtime.ExecutionOptions;
import dev.veil.exec.scan.ScanDynamicFilter;
import dev.veil.exec.scan.ScanPredicate;
import dev.veil.schema.ArrowTable;
import dev.veil.storage.BatchScan;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.calcite.DataContext;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * What an {@link ArrowAggregateScan} computes and how: scans the table's Arrow batches, keeps
 * the rows its pushed-down filter accepts in a selection vector (the scan's {@link ScanPredicate},
 * batch by batch over decoded columns), assigns each a group in a
 * {@link GroupTable} and updates one {@link VectorAccumulator} per call column by column. A
 * large table is split into two runs of segments aggregated on two threads and merged, in
 * segment order, when that gives the same result (not with a DOUBLE sum, whose rounding depends
 * on the order of additions). Immutable; called from generated code.
 */
public final class VectorAggregation {
    /** The kinds of aggregate calls evaluated here. */
    enum Kind {
        COUNT_ROWS,
        COUNT_COLUMN,
        COUNT_EXPRESSION,
        SUM_LONG,
        SUM_DOUBLE,
        SUM_DECIMAL,
        MIN,
        MAX
    }

    /**
     * One aggregate call.
     *
     * @param kind what it computes
     * @param argument its argument over table columns; null for COUNT(*)
     * @param zeroWhenEmpty whether a sum of no value is zero ($SUM0) rather than null
     */
    record Call(Kind kind, @Nullable RexNode argument, boolean zeroWhenEmpty) {
        Call {
            requireNonNull(kind, "kind is null");
            if ((argument == null) != (kind == Kind.COUNT_ROWS)) {
                throw new IllegalArgumentException("COUNT(*) alone has no argument");
            }
        }
    }

    /** Tables with fewer rows are aggregated on one thread (unless {@link ExecutionOptions} says 2). */
    static final long PARALLEL_MIN_ROWS = 1_000_000;

    private final ArrowTable table;
    private final @Nullable ScanPredicate filter;
    private final int[] groupColumns;
    private final List<Call> calls;
    private final boolean scalar;
    /** The columns read: those of the groups, the filter, the calls and the dynamic filters. */
    private int[] loadedColumns;
    /** Whether an integer sum that does not fit a long is saturated rather than an error (see {@link CheckedSums}). */
    private boolean saturating;
    /** Groups that fail it get no row (see {@link GroupFilter}); null for none. */
    private @Nullable GroupFilter groupFilter;
    /** Dynamic filters on grouping columns: rows whose key a join above drops are skipped. */
    private List<ScanDynamicFilter> dynamicFilters = List.of();

    VectorAggregation(
            ArrowTable table, @Nullable ScanPredicate filter, int[] groupColumns, List<Call> calls, boolean scalar) {
        this.table = requireNonNull(table, "table is null");
        this.filter = filter;
        this.groupColumns = requireNonNull(groupColumns, "groupColumns is null").clone();
        this.calls = List.copyOf(requireNonNull(calls, "calls is null"));
        this.scalar = scalar;
        if (scalar && groupColumns.length + calls.size() != 1) {
            throw new IllegalArgumentException("scalar rows have one column");
        }
        // Fails here, at planning, for anything the partial aggregation would not support.
        new Partial(ExecutionContext.memory(null));
        IntStream.Builder loaded = IntStream.builder();
        IntStream.of(groupColumns).forEach(loaded::add);
        if (filter != null) {
            IntStream.of(filter.columns()).forEach(loaded::add);
        }
        for (Call call : calls) {
            if (call.argument() != null) {
                RelOptUtil.InputFinder.bits(call.argument()).forEach(loaded::add);
            }
        }
        this.loadedColumns = loaded.build().distinct().sorted().toArray();
    }

    /** This aggregation with saturating integer sums, for a plan's protected rows ({@link CheckedSums}). */
    VectorAggregation saturating() {
        VectorAggregation copy = new VectorAggregation(table, filter, groupColumns, calls, scalar);
        copy.saturating = true;
        copy.groupFilter = groupFilter;
        copy.dynamicFilters = dynamicFilters;
        copy.loadedColumns = loadedColumns;
        return copy;
    }

    /** This aggregation without a row for the groups that fail {@code test}. */
    VectorAggregation withGroupFilter(GroupFilter test) {
        VectorAggregation copy = new VectorAggregation(table, filter, groupColumns, calls, scalar);
        copy.saturating = saturating;
        copy.groupFilter = requireNonNull(test, "test is null");
        copy.dynamicFilters = dynamicFilters;
        copy.loadedColumns = loadedColumns;
        return copy;
    }

    /**
     * This aggregation also skipping the rows that {@code more} reject, each on a grouping column:
     * that drops exactly the groups whose key is not in the filter's set, and changes no other
     * group's result.
     */
    VectorAggregation withDynamicFilters(List<ScanDynamicFilter> more) {
        for (ScanDynamicFilter f : more) {
            if (IntStream.of(groupColumns).noneMatch(c -> c == f.tableColumn())) {
                throw new IllegalArgumentException("not a grouping column: " + f);
            }
        }
        VectorAggregation copy = new VectorAggregation(table, filter, groupColumns, calls, scalar);
        copy.saturating = saturating;
        copy.groupFilter = groupFilter;
        List<ScanDynamicFilter> all = new ArrayList<>(dynamicFilters);
        all.addAll(more);
        copy.dynamicFilters = List.copyOf(all);
        copy.loadedColumns = loadedColumns;
        return copy;
    }

    /**
     * This aggregation over only the rows whose values pass {@code filters}, on any columns: the
     * aggregation of a scan semi-joined with another input's keys ({@code scan.SemiJoinScan},
     * which publishes the filters' sets before this runs).
     */
    VectorAggregation filteredBy(List<ScanDynamicFilter> filters) {
        VectorAggregation copy = new VectorAggregation(table, filter, groupColumns, calls, scalar);
        copy.saturating = saturating;
        copy.groupFilter = groupFilter;
        List<ScanDynamicFilter> all = new ArrayList<>(dynamicFilters);
        all.addAll(filters);
        copy.dynamicFilters = List.copyOf(all);
        IntStream.Builder loaded = IntStream.builder();
        IntStream.of(loadedColumns).forEach(loaded::add);
        filters.forEach(f -> loaded.add(f.tableColumn()));
        copy.loadedColumns = loaded.build().distinct().sorted().toArray();
        return copy;
    }

    /** The table column of grouping column {@code k}. */
    int groupColumn(int k) {
        return groupColumns[k];
    }

    /** The dynamic filters it applies. */
    List<ScanDynamicFilter> dynamicFilters() {
        return dynamicFilters;
    }

    /** The table it aggregates. */
    ArrowTable table() {
        return table;
    }

    /** Whether call i's results are exact numbers (a Long or a BigDecimal), as a {@link GroupFilter} compares them. */
    boolean exactResult(int call) {
        if (call < 0 || call >= calls.size()) {
            return false;
        }
        return switch (calls.get(call).kind()) {
            case COUNT_ROWS, COUNT_COLUMN, COUNT_EXPRESSION, SUM_LONG, SUM_DECIMAL -> true;
            case SUM_DOUBLE, MIN, MAX -> false;
        };
    }

    /** The number of grouping columns. */
    int groupCount() {
        return groupColumns.length;
    }

    /** Whether groups are tested before their rows are built. */
    boolean hasGroupFilter() {
        return groupFilter != null;
    }

    /** The table columns the aggregation reads. */
    int[] loadedColumns() {
        return loadedColumns.clone();
    }

    /**
     * The result rows ({@code Object[]}, or single values when scalar); called from generated code.
     * Each enumeration computes them afresh (the inner side of a nested-loop join is enumerated once
     * per outer row) and gives their memory back when its enumerator is closed.
     */
    public Enumerable<Object> rows(DataContext root) {
        AtomicBoolean cancelFlag = ExecutionContext.cancelFlag(root);
        StatementMemory memory = ExecutionContext.memory(root);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object> enumerator() {
                Partial result = compute(root, cancelFlag, memory);
                Enumerator<Object> rows = Linq4j.enumerator(result.rows());
                return new Enumerator<>() {
                    @Override
                    public Object current() {
                        return rows.current();
                    }

                    @Override
                    public boolean moveNext() {
                        return rows.moveNext();
                    }

                    @Override
                    public void reset() {
                        rows.reset();
                    }

                    @Override
                    public void close() {
                        rows.close();
                        result.account.releaseAll();
                    }
                };
            }
        };
    }

    /** The aggregation of every segment, merged into one partial whose rows are the result. */
    private Partial compute(DataContext root, AtomicBoolean cancelFlag, StatementMemory memory) {
        TableVersion version = table.version();
        List<SegmentInfo> segments = version.segments();
        boolean parallel = segments.size() >= 2
                && ExecutionOptions.current().twoThreads(version.rowCount(), PARALLEL_MIN_ROWS)
                && calls.stream().noneMatch(c -> c.kind() == Kind.SUM_DOUBLE);
        // The second thread runs on a second run slot, lent only while no other statement waits.
        CpuScheduler.Lent lent = parallel ? CpuScheduler.lendSlot() : null;
        Partial result;
        if (lent == null) {
            result = new Partial(memory);
            result.run(root, version, cancelFlag, new AtomicBoolean());
        } else {
            int split = splitPoint(segments);
            TableVersion first = new TableVersion(version.tableId(), version.version(), segments.subList(0, split));
            TableVersion second =
                    new TableVersion(version.tableId(), version.version(), segments.subList(split, segments.size()));
            AtomicBoolean stop = new AtomicBoolean();
            Partial other = new Partial(memory);
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread helper = new Thread(
                    () -> {
                        try {
                            other.run(root, second, cancelFlag, stop);
                        } catch (Throwable t) {
                            failure.set(t);
                            stop.set(true);
                        }
                    },
                    "veil-aggregate-" + table.definition().name());
            helper.setDaemon(true);
            try (lent) {
                helper.start();
                result = new Partial(memory);
                try {
                    result.run(root, first, cancelFlag, stop);
                } catch (RuntimeException | Error e) {
                    stop.set(true);
                    HelperThreads.joinQuietly(helper);
                    throw e;
                }
                HelperThreads.joinQuietly(helper);
            }
            HelperThreads.rethrow(failure.get());
            result.merge(other);
            other.account.releaseAll();
        }
        return result;
    }

    /** The first segment of the second run: about half the rows before it. */
    private static int splitPoint(List<SegmentInfo> segments) {
        long total = segments.stream().mapToLong(SegmentInfo::rowCount).sum();
        long seen = 0;
        for (int i = 0; i < segments.size() - 1; i++) {
            seen += segments.get(i).rowCount();
            if (seen * 2 >= total) {
                return i + 1;
            }
        }
        return segments.size() - 1;
    }

    /** The aggregation of some segments, by one thread. */
    private final class Partial {
        final GroupTable groups;
        final VectorAccumulator[] accumulators;
        final VectorExpression.Memo memo = new VectorExpression.Memo();
        final StatementMemory.Account account;

        Partial(StatementMemory memory) {
            account = memory.account("a vectorized aggregation");
            TableDef def = table.definition();
            ColumnType[] types = new ColumnType[groupColumns.length];
            for (int k = 0; k < types.length; k++) {
                types[k] = def.columns().get(groupColumns[k]).type();
                if (!GroupTable.supports(types[k])) {
                    throw new VectorExpression.Unsupported();
                }
            }
            groups = new GroupTable(groupColumns, types);
            accumulators = new VectorAccumulator[calls.size()];
            Map<RexNode, VectorExpression> shared = new HashMap<>();
            for (int i = 0; i < accumulators.length; i++) {
                accumulators[i] = accumulator(calls.get(i), def, shared, memo, saturating);
            }
        }

        void run(DataContext root, TableVersion version, AtomicBoolean cancelFlag, AtomicBoolean stop) {
            TableDef def = table.definition();
            BatchColumns columns = new BatchColumns(def, loadedColumns, filter, dynamicFilters, root);
            FieldVector[] vectors = columns.vectors;
            int[] gids = new int[0];
            try (BatchScan scan = table.warehouse().scan(def, version, loadedColumns)) {
                while (true) {
                    if (cancelFlag.get()) {
                        throw new VeilException(ErrorCode.QUERY_CANCELLED, "Query was cancelled");
                    }
                    dev.veil.control.CpuScheduler.checkpoint();
                    if (stop.get()) {
                        return;
                    }
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
                    if (gids.length < n) {
                        gids = new int[rows];
                    }
                    memo.nextBatch();
                    groups.assign(vectors, sel, n, gids);
                    for (VectorAccumulator a : accumulators) {
                        a.ensure(groups.groups());
                        a.add(vectors, sel, n, gids);
                    }
                    account.holdAtLeast(bytes());
                }
            }
        }

        void merge(Partial other) {
            int[] map = groups.merge(other.groups);
            for (int i = 0; i < accumulators.length; i++) {
                // A partial whose filter dropped every row has its global group but never grew its
                // accumulators to it.
                other.accumulators[i].ensure(other.groups.groups());
                accumulators[i].ensure(groups.groups());
                accumulators[i].merge(other.accumulators[i], map);
            }
            account.holdAtLeast(bytes());
        }

        /** An estimate, on the high side, of the heap the groups and their accumulators take. */
        long bytes() {
            return groups.bytes() + (long) groups.groups() * 32 * accumulators.length;
        }

        List<Object> rows() {
            int count = groups.groups();
            int width = groupColumns.length + accumulators.length;
            long rowBytes = 24 + 40L * width;
            long held = bytes();
            GroupFilter test = groupFilter;
            // Without a filter on the groups every group is a row: one charge up front. With one
            // (HAVING), only the rows kept are built, so they are charged as they come, a chunk at
            // a time (TPC-H Q18 keeps some hundreds of 15 million groups at SF 10).
            account.holdAtLeast(held + (test == null ? count * rowBytes : 0));
            List<Object> rows = new ArrayList<>(test == null ? count : 16);
            for (VectorAccumulator a : accumulators) {
                a.ensure(count);
            }
            int charged = 0;
            for (int g = 0; g < count; g++) {
                int group = g;
                if (test != null && !test.accepts(i -> accumulators[i].result(group))) {
                    continue;
                }
                if (test != null && rows.size() == charged) {
                    charged = (int) Math.min(count, Math.max(1024L, 2L * charged));
                    account.holdAtLeast(held + charged * rowBytes);
                }
                Object[] row = new Object[groupColumns.length + accumulators.length];
                for (int k = 0; k < groupColumns.length; k++) {
                    row[k] = groups.key(g, k);
                }
                for (int i = 0; i < accumulators.length; i++) {
                    row[groupColumns.length + i] = accumulators[i].result(g);
                }
                rows.add(scalar ? row[0] : row);
            }
            return rows;
        }
    }

    private static VectorAccumulator accumulator(
            Call call,
            TableDef def,
            Map<RexNode, VectorExpression> shared,
            VectorExpression.Memo memo,
            boolean saturating) {
        RexNode argument = call.argument();
        return switch (call.kind()) {
            case COUNT_ROWS -> new VectorAccumulator.CountRows();
            case COUNT_COLUMN -> new VectorAccumulator.CountColumn(column(argument));
            case COUNT_EXPRESSION ->
                new VectorAccumulator.CountExpression(VectorExpression.compile(argument, def, shared, memo));
            case SUM_LONG ->
                new VectorAccumulator.SumLong(
                        VectorExpression.compile(argument, def, shared, memo), call.zeroWhenEmpty(), saturating);
            case SUM_DOUBLE ->
                new VectorAccumulator.SumDouble(
                        VectorExpression.compile(argument, def, shared, memo), call.zeroWhenEmpty());
            case SUM_DECIMAL ->
                new VectorAccumulator.SumDecimal(
                        VectorExpression.compile(argument, def, shared, memo), call.zeroWhenEmpty());
            case MIN, MAX -> {
                int column = column(argument);
                ColumnType type = def.columns().get(column).type();
                if (!VectorAccumulator.MinMax.supports(type)) {
                    throw new VectorExpression.Unsupported();
                }
                yield new VectorAccumulator.MinMax(column, type, call.kind() == Kind.MAX);
            }
        };
    }

    private static int column(@Nullable RexNode argument) {
        if (argument instanceof RexInputRef ref) {
            return ref.getIndex();
        }
        throw new VectorExpression.Unsupported();
    }

    @Override
    public String toString() {
        return "VectorAggregation(" + table.definition().name() + ")";
    }
}
