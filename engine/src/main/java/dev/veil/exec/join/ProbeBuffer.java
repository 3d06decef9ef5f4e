package dev.veil.exec.join;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.function.Function1;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.SingleRel;

/**
 * The probe input of a hash join whose build side is a whole table, read before the build side
 * when it has at most {@code cap} rows, so that its keys filter the table's scan ({@link
 * ProbeKeysFirst}); its partner on the build side is a {@link BuildAfterProbe} of the same link.
 * Placed by {@link DynamicFilterPlanner}.
 */
public final class ProbeBuffer extends SingleRel implements EnumerableRel {
    private final int link;
    private final List<DynamicFilterSource.Key> keys;
    private final long cap;

    ProbeBuffer(RelTraitSet traits, RelNode input, int link, List<DynamicFilterSource.Key> keys, long cap) {
        super(input.getCluster(), traits, input);
        this.link = link;
        this.keys = List.copyOf(requireNonNull(keys, "keys is null"));
        this.cap = cap;
        if (this.keys.isEmpty()) {
            throw new IllegalArgumentException("a probe buffer needs keys");
        }
        if (cap < 0) {
            throw new IllegalArgumentException("cap is negative: " + cap);
        }
        int fields = input.getRowType().getFieldCount();
        for (DynamicFilterSource.Key key : this.keys) {
            if (key.field() < 0 || key.field() >= fields) {
                throw new IllegalArgumentException("key field " + key.field() + " is not among the input's " + fields);
            }
        }
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new ProbeBuffer(traitSet, sole(inputs), link, keys, cap);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        // Not the cap: it comes from a table's row count, which EXPLAIN does not show.
        return super.explainTerms(pw).item("link", link).item("keys", keys);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        BlockBuilder builder = new BlockBuilder();
        Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
        Expression rows = builder.append("probeRows", input.block);
        List<Expression> ids = new ArrayList<>();
        List<Expression> accessors = new ArrayList<>();
        for (DynamicFilterSource.Key key : keys) {
            ids.add(Expressions.constant(key.id()));
            accessors.add(input.physType.generateAccessor(List.of(key.field())));
        }
        builder.add(Expressions.return_(
                null,
                Expressions.call(
                        Types.lookupMethod(
                                ProbeKeysFirst.class,
                                "probe",
                                DataContext.class,
                                Enumerable.class,
                                int.class,
                                int[].class,
                                Function1[].class,
                                long.class),
                        implementor.getRootExpression(),
                        rows,
                        Expressions.constant(link),
                        Expressions.newArrayInit(int.class, ids),
                        Expressions.newArrayInit(Function1.class, accessors),
                        Expressions.constant(cap))));
        return implementor.result(input.physType, builder.toBlock());
    }
}
