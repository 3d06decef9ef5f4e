package dev.veil.exec.join;

import static java.util.Objects.requireNonNull;

import dev.veil.control.StatementMemory;
import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.exec.runtime.ExecutionState;
import dev.veil.exec.runtime.RowSizes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.function.Function0;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * Passes its input's rows through unchanged, computing them once per statement execution: the
 * first enumeration reads the whole input into memory (accounted to the statement's {@link
 * StatementMemory}: an input too large fails with MEMORY_LIMIT_EXCEEDED), every later one, in the
 * same execution, returns the kept rows. The rows are kept in the execution's state under the
 * spool's number, not in the generated code's objects, so that code built again for each outer row
 * (a correlated loop) still reads its input once. Placed by {@link NestedLoopSpools} on the inner
 * input of a nested-loop join that does not depend on the outer row, which the join reads once per
 * outer row (an uncorrelated scalar sub-query compared in a filter, NOT IN, a cross join).
 */
public final class EnumerableSpool extends SingleRel implements EnumerableRel {
    /**
     * How many times a spool read its input, in any statement: once per execution and spool.
     * Read by tests.
     */
    static final AtomicLong INPUT_READS = new AtomicLong();

    private final int id;

    private EnumerableSpool(RelNode input, int id) {
        super(input.getCluster(), input.getTraitSet(), input);
        if (id < 0) {
            throw new IllegalArgumentException("id is negative: " + id);
        }
        this.id = id;
    }

    /** {@code input} spooled as number {@code id}, unique among the plan's spools. */
    static EnumerableSpool create(RelNode input, int id) {
        return new EnumerableSpool(requireNonNull(input, "input is null"), id);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new EnumerableSpool(sole(inputs), id);
    }

    @Override
    public double estimateRowCount(RelMetadataQuery mq) {
        return mq.getRowCount(getInput());
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("id", id);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
        // The input is built inside a lambda: only the first enumeration of the execution runs it
        // (Calcite's aggregation computes its rows where its code runs).
        BlockBuilder inputRows = new BlockBuilder();
        Expression rows = inputRows.append("spooledInput", input.block);
        inputRows.add(Expressions.return_(null, input.physType.convertTo(rows, JavaRowFormat.ARRAY)));
        PhysType arrays = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY, false);
        Expression call = Expressions.call(
                Types.lookupMethod(EnumerableSpool.class, "rows", DataContext.class, Function0.class, int.class),
                implementor.getRootExpression(),
                Expressions.lambda(Function0.class, inputRows.toBlock()),
                Expressions.constant(id));
        BlockBuilder builder = new BlockBuilder();
        builder.add(Expressions.return_(null, arrays.convertTo(call, input.physType.getFormat())));
        return implementor.result(input.physType, builder.toBlock());
    }

    /**
     * The rows of {@code input}, read at the first enumeration of the execution {@code root}
     * belongs to and kept for the others. Called from generated code.
     */
    public static Enumerable<Object[]> rows(DataContext root, Function0<Enumerable<Object[]>> input, int id) {
        requireNonNull(input, "input is null");
        return new AbstractEnumerable<>() {
            /** The rows when {@code root} is no statement execution: kept for this object's enumerations. */
            private List<Object[]> own;

            @Override
            public Enumerator<Object[]> enumerator() {
                List<Object[]> rows;
                if (root instanceof ExecutionContext context) {
                    rows = context.state(Spools.class, Spools::new).rows(id, () -> read(root, input, id));
                } else {
                    if (own == null) {
                        own = read(root, input, id);
                    }
                    rows = own;
                }
                return Linq4j.enumerator(rows);
            }
        };
    }

    /** Every row of {@code input}, each accounted to the statement's memory as it is kept. */
    private static List<Object[]> read(DataContext root, Function0<Enumerable<Object[]>> input, int id) {
        INPUT_READS.incrementAndGet();
        StatementMemory.Account account =
                ExecutionContext.memory(root).account(new Key(id), "a nested-loop join's inner side");
        List<Object[]> rows = new ArrayList<>();
        long total = 0;
        long reported = 0;
        try (Enumerator<Object[]> e = input.apply().enumerator()) {
            while (e.moveNext()) {
                Object[] row = e.current();
                rows.add(row);
                total += RowSizes.row(row) + RowSizes.ENTRY_OVERHEAD;
                if (total - reported >= REPORT_BYTES) {
                    account.holdAtLeast(total);
                    reported = total;
                }
            }
        }
        account.holdAtLeast(total);
        return rows;
    }

    /** Rows reported at once: smaller reports cost locking, larger ones let more slip past the limit. */
    private static final long REPORT_BYTES = 64 * 1024;

    /** The memory account key of spool {@code id}: apart from the other operators' keys. */
    private record Key(int id) {}

    /** The rows of the spools of one execution, by spool number. */
    static final class Spools implements ExecutionState {
        private final Map<Integer, List<Object[]>> rows = new HashMap<>();

        synchronized List<Object[]> rows(int id, java.util.function.Supplier<List<Object[]>> read) {
            List<Object[]> kept = rows.get(id);
            if (kept == null) {
                kept = List.copyOf(read.get());
                rows.put(id, kept);
            }
            return kept;
        }
    }
}
