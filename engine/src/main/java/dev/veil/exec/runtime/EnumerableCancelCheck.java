package dev.veil.exec.runtime;

import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.SingleRel;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * Passes its input's rows through unchanged, checking the statement's cancel flag at each row
 * (see {@link CancelChecks}). Only execution adds it,
 * never the optimizer, so plans and EXPLAIN do not show it.
 */
final class EnumerableCancelCheck extends SingleRel implements EnumerableRel {
    EnumerableCancelCheck(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
        super(cluster, traits, input);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new EnumerableCancelCheck(getCluster(), traitSet, sole(inputs));
    }

    @Override
    public double estimateRowCount(RelMetadataQuery mq) {
        return mq.getRowCount(getInput());
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        BlockBuilder builder = new BlockBuilder();
        Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
        Expression rows = builder.append("checkedInput", input.block);
        builder.add(Expressions.return_(
                null,
                Expressions.call(
                        Types.lookupMethod(CancelChecks.class, "checked", Enumerable.class, DataContext.class),
                        rows,
                        implementor.getRootExpression())));
        return implementor.result(input.physType, builder.toBlock());
    }
}
