package dev.veil.exec.privacy;

import dev.veil.plan.ReleaseOrder;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.linq4j.AbstractEnumerable;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.Enumerator;
import org.apache.calcite.linq4j.Linq4j;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;

/** {@link ReleaseOrder} in Calcite's enumerable convention: reads all its input's rows, then returns them sorted. */
public final class EnumerableReleaseOrder extends ReleaseOrder implements EnumerableRel {
    private EnumerableReleaseOrder(RelOptCluster cluster, RelTraitSet traits, RelNode input) {
        super(cluster, traits, input);
    }

    static EnumerableReleaseOrder createEnumerable(RelNode input) {
        RelOptCluster cluster = input.getCluster();
        return new EnumerableReleaseOrder(cluster, cluster.traitSetOf(EnumerableConvention.INSTANCE), input);
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new EnumerableReleaseOrder(getCluster(), traitSet, sole(inputs));
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        BlockBuilder builder = new BlockBuilder();
        Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), Prefer.ARRAY);
        Expression rows = builder.append("releaseInput", input.block);
        // Rows of one field are the value itself, as Calcite's operators expect; others are arrays.
        JavaRowFormat format = getRowType().getFieldCount() == 1 ? JavaRowFormat.SCALAR : JavaRowFormat.ARRAY;
        Expression converted = input.physType.convertTo(rows, format);
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), format, false);
        builder.add(Expressions.return_(
                null,
                Expressions.call(
                        Types.lookupMethod(EnumerableReleaseOrder.class, "sorted", Enumerable.class), converted)));
        return implementor.result(physType, builder.toBlock());
    }

    /**
     * The rows of {@code input} in {@link ReleaseOrder#ROWS} order (a row is an array of its
     * values, or the value itself when it has one field); called from generated code.
     */
    public static Enumerable<Object> sorted(Enumerable<Object> input) {
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object> enumerator() {
                List<Object> rows = new ArrayList<>();
                try (Enumerator<Object> in = input.enumerator()) {
                    while (in.moveNext()) {
                        rows.add(in.current());
                    }
                }
                rows.sort(ReleaseOrder::compareValues);
                return Linq4j.enumerator(rows);
            }
        };
    }
}
