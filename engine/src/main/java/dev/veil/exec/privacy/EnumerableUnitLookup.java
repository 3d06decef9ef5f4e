package dev.veil.exec.privacy;

import dev.veil.exec.runtime.ExecutionContext;
import dev.veil.plan.UnitLookup;
import dev.veil.schema.ArrowTable;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.calcite.DataContext;
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
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;

/** {@link UnitLookup} in Calcite's enumerable convention: looks each input row's key up in a cached {@link UnitMap}. */
public final class EnumerableUnitLookup extends UnitLookup implements EnumerableRel {
    private EnumerableUnitLookup(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelNode input,
            RelOptTable table,
            int keyField,
            int keptFields,
            int keyColumn,
            int nextColumn,
            String unitName) {
        super(cluster, traits, input, table, keyField, keptFields, keyColumn, nextColumn, unitName);
    }

    static EnumerableUnitLookup createEnumerable(RelNode input, UnitLookup logical) {
        RelOptCluster cluster = input.getCluster();
        return new EnumerableUnitLookup(
                cluster,
                cluster.traitSetOf(EnumerableConvention.INSTANCE),
                input,
                logical.table(),
                logical.keyField(),
                logical.keptFields(),
                logical.keyColumn(),
                logical.nextColumn(),
                logical.unitName());
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> inputs) {
        return new EnumerableUnitLookup(
                getCluster(),
                traitSet,
                sole(inputs),
                table(),
                keyField(),
                keptFields(),
                keyColumn(),
                nextColumn(),
                unitName());
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        BlockBuilder builder = new BlockBuilder();
        Result input = implementor.visitChild(this, 0, (EnumerableRel) getInput(), Prefer.ARRAY);
        Expression rows = builder.append("lookupInput", input.block);
        Expression arrays = input.physType.convertTo(rows, JavaRowFormat.ARRAY);
        Expression table = implementor.stash(table().unwrap(ArrowTable.class), ArrowTable.class);
        PhysType physType = PhysTypeImpl.of(implementor.getTypeFactory(), getRowType(), JavaRowFormat.ARRAY, false);
        builder.add(Expressions.return_(
                null,
                Expressions.call(
                        Types.lookupMethod(
                                EnumerableUnitLookup.class,
                                "lookup",
                                DataContext.class,
                                Enumerable.class,
                                ArrowTable.class,
                                int.class,
                                int.class,
                                int.class,
                                int.class),
                        implementor.getRootExpression(),
                        arrays,
                        table,
                        Expressions.constant(keyField()),
                        Expressions.constant(keptFields()),
                        Expressions.constant(keyColumn()),
                        Expressions.constant(nextColumn()))));
        return implementor.result(physType, builder.toBlock());
    }

    /**
     * The rows of {@code input}, each cut to its first {@code keptFields} fields plus the value
     * looked up for field {@code keyField}; called from generated code. The map is fetched (or
     * built) when the rows are first enumerated.
     */
    public static Enumerable<Object[]> lookup(
            DataContext root,
            Enumerable<Object[]> input,
            ArrowTable table,
            int keyField,
            int keptFields,
            int keyColumn,
            int nextColumn) {
        AtomicBoolean cancelFlag = ExecutionContext.cancelFlag(root);
        return new AbstractEnumerable<>() {
            @Override
            public Enumerator<Object[]> enumerator() {
                UnitMap map = UnitMaps.get(table, keyColumn, nextColumn, cancelFlag);
                return Linq4j.transform(input.enumerator(), row -> {
                    Object[] out = new Object[keptFields + 1];
                    System.arraycopy(row, 0, out, 0, keptFields);
                    out[keptFields] = map.get(row[keyField]);
                    return out;
                });
            }
        };
    }
}
