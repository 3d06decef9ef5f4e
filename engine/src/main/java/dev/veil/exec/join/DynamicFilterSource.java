package dev.veil.exec.join;

import static java.util.Objects.requireNonNull;

import dev.veil.exec.scan.DynamicFilters;
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
 * The build input of a hash join, passed through unchanged while the key sets of the join's
 * dynamic filters are collected from it (see {@link DynamicFilters}); the scans on the join's
 * probe side skip rows whose keys are not in them. Placed by {@link DynamicFilterPlanner}.
 */
public final class DynamicFilterSource extends SingleRel implements EnumerableRel {
    private final List<Key> keys;

    /**
     * One key set to collect.
     *
     * @param id the filter's number within its plan
     * @param field the input field holding the key
     */
    record Key(int id, int field) {
        @Override
        public String toString() {
            return "DF" + id + "=$" + field;
        }
    }

    DynamicFilterSource(RelTraitSet traits, RelNode input, List<Key> keys) {
        super(input.getCluster(), traits, input);
        this.keys = List.copyOf(requireNonNull(keys, "keys is null"));
        if (this.keys.isEmpty()) {
            throw new IllegalArgumentException("a dynamic filter source needs keys");
        }
        int fields = input.getRowType().getFieldCount();
        for (Key key : this.keys) {
            if (key.field() < 0 || key.field() >= fields) {
                throw new IllegalArgumentException("key field " + key.field() + " is not among the input's " + fields);
            }
        }
    }

    List<Key> keys() {
        return keys;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new DynamicFilterSource(traitSet, sole(inputs), keys);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("keys", keys);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        BlockBuilder builder = new BlockBuilder();
        Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
        Expression rows = builder.append("buildRows", input.block);
        List<Expression> ids = new ArrayList<>();
        List<Expression> accessors = new ArrayList<>();
        for (Key key : keys) {
            ids.add(Expressions.constant(key.id()));
            accessors.add(input.physType.generateAccessor(List.of(key.field())));
        }
        builder.add(Expressions.return_(
                null,
                Expressions.call(
                        Types.lookupMethod(
                                DynamicFilters.class,
                                "collect",
                                DataContext.class,
                                Enumerable.class,
                                int[].class,
                                Function1[].class),
                        implementor.getRootExpression(),
                        rows,
                        Expressions.newArrayInit(int.class, ids),
                        Expressions.newArrayInit(Function1.class, accessors))));
        return implementor.result(input.physType, builder.toBlock());
    }
}
