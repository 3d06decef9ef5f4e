package dev.veil.exec.runtime;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;

/**
 * Passes its input's rows on unchanged while accounting, to the statement's {@link StatementMemory},
 * the memory that the operator above keeps of them: every row (a sort buffer, a hash join's build
 * side), at most the first {@code rowCap} rows (a top-N sort), or one entry per distinct value of
 * {@code keys} (a hash aggregate's groups). Placed by {@link MemoryAccounting} just before execution,
 * so plans as EXPLAIN shows them do not have it.
 */
final class EnumerableMemoryAccount extends SingleRel implements EnumerableRel {
    private final int id;
    private final String what;
    private final int[] keys;
    private final long extraPerEntry;
    private final long rowCap;

    /**
     * Accounts rows of {@code input} for the operator {@code what}; {@code keys} null for every row,
     * else per distinct key. {@code id} tells the node's account apart from the statement's others.
     */
    EnumerableMemoryAccount(RelNode input, int id, String what, int[] keys, long extraPerEntry, long rowCap) {
        super(input.getCluster(), input.getTraitSet(), input);
        this.id = id;
        this.what = requireNonNull(what, "what is null");
        this.keys = keys == null ? null : keys.clone();
        this.extraPerEntry = extraPerEntry;
        this.rowCap = rowCap;
        if (extraPerEntry < 0 || rowCap < 0) {
            throw new IllegalArgumentException("negative size or cap");
        }
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new EnumerableMemoryAccount(sole(inputs), id, what, keys, extraPerEntry, rowCap);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw)
                .item("for", what)
                .itemIf("keys", keys == null ? null : List.of(keys), keys != null);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        BlockBuilder builder = new BlockBuilder();
        Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
        Expression rows = builder.append("accountedInput", input.block);
        Expression arrays = input.physType.convertTo(rows, JavaRowFormat.ARRAY);
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY, false);
        Expression call;
        if (keys == null) {
            call = Expressions.call(
                    Types.lookupMethod(
                            MemoryAccounting.class,
                            "rows",
                            DataContext.class,
                            Enumerable.class,
                            int.class,
                            String.class,
                            long.class,
                            long.class),
                    implementor.getRootExpression(),
                    arrays,
                    Expressions.constant(id),
                    Expressions.constant(what),
                    Expressions.constant(extraPerEntry),
                    Expressions.constant(rowCap));
        } else {
            Expression[] keyConstants = new Expression[keys.length];
            for (int i = 0; i < keys.length; i++) {
                keyConstants[i] = Expressions.constant(keys[i]);
            }
            call = Expressions.call(
                    Types.lookupMethod(
                            MemoryAccounting.class,
                            "groups",
                            DataContext.class,
                            Enumerable.class,
                            int.class,
                            String.class,
                            int[].class,
                            long.class),
                    implementor.getRootExpression(),
                    arrays,
                    Expressions.constant(id),
                    Expressions.constant(what),
                    Expressions.newArrayInit(int.class, keyConstants),
                    Expressions.constant(extraPerEntry));
        }
        // Back to the input's format: some parents (set operations) assume their inputs have the one they asked for.
        builder.add(Expressions.return_(null, physType.convertTo(call, input.physType.getFormat())));
        return implementor.result(input.physType, builder.toBlock());
    }
}
