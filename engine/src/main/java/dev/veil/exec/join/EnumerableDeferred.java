package dev.veil.exec.join;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.function.Function0;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * Passes its input's rows through unchanged, but runs the input's code only when its rows are
 * first asked for. Calcite's aggregation reads all its input where its code runs, which for a hash
 * join's probe input is before the join's build side: under this operator an aggregation on the
 * probe side ({@link AggregateProbeSide}) waits until the build side has published its dynamic
 * filters, so that its scans read only the rows of the build side's keys.
 */
public final class EnumerableDeferred extends SingleRel implements EnumerableRel {
    EnumerableDeferred(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
        super(cluster, traits, input);
    }

    /** {@code input} deferred. */
    static EnumerableDeferred create(RelNode input) {
        return new EnumerableDeferred(input.getCluster(), input.getTraitSet(), input);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new EnumerableDeferred(getCluster(), traitSet, sole(inputs));
    }

    @Override
    public double estimateRowCount(RelMetadataQuery mq) {
        return mq.getRowCount(getInput());
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
        return implementor.result(
                input.physType,
                Expressions.block(Expressions.return_(
                        null,
                        Expressions.call(
                                Types.lookupMethod(EnumerableDeferred.class, "defer", Function0.class),
                                Expressions.lambda(Function0.class, input.block)))));
    }

    /** The rows of the enumerable {@code input} makes, which it is called for at each enumeration. Called from generated code. */
    public static <T> Enumerable<T> defer(Function0<Enumerable<T>> input) {
        requireNonNull(input, "input is null");
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<T> enumerator() {
                return input.apply().enumerator();
            }
        };
    }
}
