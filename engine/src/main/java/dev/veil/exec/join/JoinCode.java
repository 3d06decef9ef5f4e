package dev.veil.exec.join;

import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.RexToLixTranslator;
import org.apache.calcite.linq4j.function.Predicate2;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.ParameterExpression;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgramBuilder;
import org.apache.calcite.util.ImmutableIntList;
import org.apache.calcite.util.Pair;

/** Code generation shared by the columnar joins ({@link EnumerableLongHashJoin}, {@link EnumerableLongMarkJoin}). */
final class JoinCode {
    private JoinCode() {}

    /** An {@code int[]} literal of {@code values}. */
    static Expression ints(ImmutableIntList values) {
        return Expressions.newArrayInit(
                int.class, values.stream().map(Expressions::constant).toArray(Expression[]::new));
    }

    /**
     * A {@code Predicate2<Object[], Object[]>} of {@code condition} over a row of {@code left} and a
     * row of {@code right} (NULL is false).
     */
    static Expression predicate(
            EnumerableRelImplementor implementor,
            RexBuilder rexBuilder,
            RelNode left,
            RelNode right,
            PhysType leftArrays,
            PhysType rightArrays,
            RexNode condition) {
        BlockBuilder body = new BlockBuilder();
        ParameterExpression leftRow = Expressions.parameter(Object[].class, "left");
        ParameterExpression rightRow = Expressions.parameter(Object[].class, "right");
        RelDataType both = implementor
                .getTypeFactory()
                .builder()
                .addAll(left.getRowType().getFieldList())
                .addAll(right.getRowType().getFieldList())
                .build();
        RexProgramBuilder program = new RexProgramBuilder(both, rexBuilder);
        program.addCondition(condition);
        Expression test = RexToLixTranslator.translateCondition(
                program.getProgram(),
                implementor.getTypeFactory(),
                body,
                new RexToLixTranslator.InputGetterImpl(
                        List.of(Pair.of(leftRow, leftArrays), Pair.of(rightRow, rightArrays))),
                implementor::getCorrelVariableGetter,
                implementor.getConformance());
        body.add(Expressions.return_(null, test));
        return Expressions.lambda(Predicate2.class, body.toBlock(), leftRow, rightRow);
    }
}
