package dev.veil.exec.join;

import java.util.List;
import java.util.Set;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableRelImplementor;
import org.apache.calcite.adapter.enumerable.JavaRowFormat;
import org.apache.calcite.adapter.enumerable.PhysType;
import org.apache.calcite.adapter.enumerable.PhysTypeImpl;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.Enumerable;
import org.apache.calcite.linq4j.function.Predicate2;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Types;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelOptCost;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A SEMI, ANTI or LEFT join on one or two integer-like keys (INTEGER, BIGINT, DATE; {@code =}
 * only, so NULL keys never match) that hashes its left input, whose rows it keeps, drops or
 * preserves, and streams its right input past it ({@link LongMarkJoin} does the work): the plan for a small outer side against
 * a large sub-query or outer-joined side, where {@link EnumerableLongHashJoin} would hash the large side. The rest
 * of the condition is evaluated on key matches. Created by {@link LongMarkJoinRule}; the planner
 * takes whichever of the two costs less.
 */
public final class EnumerableLongMarkJoin extends Join implements EnumerableRel {
    /** How much more hashing a row costs than probing with one, as in {@link HashJoinCost}. */
    private static final double BUILD_FACTOR = 3;
    /** As {@link HashJoinCost}'s discount of joins on primitive keys. */
    private static final double LONG_KEY_DISCOUNT = 0.8;

    private EnumerableLongMarkJoin(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelNode left,
            RelNode right,
            RexNode condition,
            Set<CorrelationId> variablesSet,
            JoinRelType joinType) {
        super(cluster, traits, List.of(), left, right, condition, variablesSet, joinType);
        if (!supports(left, right, condition, joinType)) {
            throw new IllegalArgumentException(
                    "not a semi, anti or left join on one or two integer keys: " + condition);
        }
    }

    /** A join of {@code left} and {@code right}; {@link #supports} must hold. */
    static EnumerableLongMarkJoin create(
            RelNode left, RelNode right, RexNode condition, Set<CorrelationId> variablesSet, JoinRelType joinType) {
        RelOptCluster cluster = left.getCluster();
        return new EnumerableLongMarkJoin(
                cluster,
                cluster.traitSetOf(EnumerableConvention.INSTANCE),
                left,
                right,
                condition,
                variablesSet,
                joinType);
    }

    /** Whether a join of this type on this condition can run here: SEMI, ANTI or LEFT, integer keys as {@link EnumerableLongHashJoin#hasIntegerKeys}. */
    static boolean supports(RelNode left, RelNode right, RexNode condition, JoinRelType joinType) {
        return LongMarkJoin.supports(joinType)
                && EnumerableLongHashJoin.supports(left, right, condition, joinType)
                && EnumerableLongHashJoin.hasIntegerKeys(left, right, condition);
    }

    @Override
    public Join copy(
            RelTraitSet traitSet,
            RexNode condition,
            RelNode left,
            RelNode right,
            JoinRelType joinType,
            boolean semiJoinDone) {
        return new EnumerableLongMarkJoin(getCluster(), traitSet, left, right, condition, variablesSet, joinType);
    }

    /**
     * Output rows, plus one per right row, plus three per left row (the hashed side), discounted as
     * {@link HashJoinCost} discounts {@link EnumerableLongHashJoin}: the hash join's estimate with
     * the sides swapped, so that the planner hashes the smaller side.
     */
    @Override
    public @Nullable RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
        double rows = LONG_KEY_DISCOUNT
                * (mq.getRowCount(this) + mq.getRowCount(right) + BUILD_FACTOR * mq.getRowCount(left));
        return planner.getCostFactory().makeCost(rows, 0, 0);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        JavaTypeFactory typeFactory = implementor.getTypeFactory();
        BlockBuilder builder = new BlockBuilder();
        Result leftResult = implementor.visitChild(this, 0, (EnumerableRel) left, Prefer.ARRAY);
        Expression leftRows = builder.append("markedInput", leftResult.block);
        Result rightResult = implementor.visitChild(this, 1, (EnumerableRel) right, Prefer.ARRAY);
        Expression rightRows = builder.append("markingInput", rightResult.block);
        Expression marked = leftResult.physType.convertTo(leftRows, JavaRowFormat.ARRAY);
        Expression marking = rightResult.physType.convertTo(rightRows, JavaRowFormat.ARRAY);
        PhysType leftArrays = PhysTypeImpl.of(typeFactory, left.getRowType(), JavaRowFormat.ARRAY, false);
        PhysType rightArrays = PhysTypeImpl.of(typeFactory, right.getRowType(), JavaRowFormat.ARRAY, false);

        JoinInfo info = analyzeCondition();
        Expression remainder = Expressions.constant(null, Predicate2.class);
        RexBuilder rexBuilder = getCluster().getRexBuilder();
        if (!info.nonEquiConditions.isEmpty()) {
            RexNode rest = RexUtil.composeConjunction(rexBuilder, info.nonEquiConditions, true);
            remainder = JoinCode.predicate(implementor, rexBuilder, left, right, leftArrays, rightArrays, rest);
        }
        Expression call = Expressions.call(
                Types.lookupMethod(
                        LongMarkJoin.class,
                        "join",
                        DataContext.class,
                        Enumerable.class,
                        Enumerable.class,
                        int[].class,
                        int[].class,
                        String.class,
                        int.class,
                        Predicate2.class),
                implementor.getRootExpression(),
                marked,
                marking,
                JoinCode.ints(info.leftKeys),
                JoinCode.ints(info.rightKeys),
                Expressions.constant(joinType.name()),
                Expressions.constant(right.getRowType().getFieldCount()),
                remainder);
        // Rows of one field are the value itself, as Calcite's operators expect; others are arrays.
        JavaRowFormat format = getRowType().getFieldCount() == 1 ? JavaRowFormat.SCALAR : JavaRowFormat.ARRAY;
        PhysType arrays = PhysTypeImpl.of(typeFactory, getRowType(), JavaRowFormat.ARRAY, false);
        PhysType physType = PhysTypeImpl.of(typeFactory, getRowType(), format, false);
        builder.add(Expressions.return_(null, arrays.convertTo(call, format)));
        return implementor.result(physType, builder.toBlock());
    }
}
