package dev.veil.exec.join;

import java.util.List;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
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
 * The build input of a hash join whose probe side is a {@link ProbeBuffer} of the same link:
 * opening it first reads that probe side, whose keys then filter the scan below ({@link
 * ProbeKeysFirst}). Placed by {@link DynamicFilterPlanner}.
 */
public final class BuildAfterProbe extends SingleRel implements EnumerableRel {
    private final int link;

    BuildAfterProbe(RelTraitSet traits, RelNode input, int link) {
        super(input.getCluster(), traits, input);
        this.link = link;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new BuildAfterProbe(traitSet, sole(inputs), link);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        return super.explainTerms(pw).item("link", link);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        BlockBuilder builder = new BlockBuilder();
        Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), pref);
        Expression rows = builder.append("buildRows", input.block);
        builder.add(Expressions.return_(
                null,
                Expressions.call(
                        Types.lookupMethod(
                                ProbeKeysFirst.class, "build", DataContext.class, Enumerable.class, int.class),
                        implementor.getRootExpression(),
                        rows,
                        Expressions.constant(link))));
        return implementor.result(input.physType, builder.toBlock());
    }
}
