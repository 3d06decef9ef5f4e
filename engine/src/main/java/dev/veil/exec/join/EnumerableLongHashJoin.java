package dev.veil.exec.join;

import java.util.EnumSet;
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
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.type.SqlTypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A hash join on one or two integer-like keys (INTEGER, BIGINT, DATE; {@code =} only, so NULL keys
 * never match) in Calcite's enumerable convention, for INNER, LEFT, SEMI and ANTI joins: builds a
 * table of primitive {@code long} keys from the right input and probes it with the left
 * ({@link LongHashJoin} does the work), evaluating the rest of the condition on key matches. Other
 * equi-joins stay with Calcite's {@code EnumerableHashJoin}. Created by {@link LongHashJoinRule}.
 */
public final class EnumerableLongHashJoin extends Join implements EnumerableRel {
    private static final Set<SqlTypeName> KEY_TYPES =
            EnumSet.of(SqlTypeName.INTEGER, SqlTypeName.BIGINT, SqlTypeName.DATE);

    private EnumerableLongHashJoin(
            RelOptCluster cluster,
            RelTraitSet traits,
            RelNode left,
            RelNode right,
            RexNode condition,
            Set<CorrelationId> variablesSet,
            JoinRelType joinType) {
        super(cluster, traits, List.of(), left, right, condition, variablesSet, joinType);
        if (!supports(left, right, condition, joinType)) {
            throw new IllegalArgumentException("not a join on one or two integer keys: " + condition);
        }
    }

    /** A join of {@code left} and {@code right}; {@link #supports} must hold. */
    static EnumerableLongHashJoin create(
            RelNode left, RelNode right, RexNode condition, Set<CorrelationId> variablesSet, JoinRelType joinType) {
        RelOptCluster cluster = left.getCluster();
        return new EnumerableLongHashJoin(
                cluster,
                cluster.traitSetOf(EnumerableConvention.INSTANCE),
                left,
                right,
                condition,
                variablesSet,
                joinType);
    }

    /**
     * Whether a join of this type on this condition can run here: one or two {@code =} keys whose
     * columns are INTEGER or BIGINT on both sides, or DATE on both sides.
     */
    static boolean supports(RelNode left, RelNode right, RexNode condition, JoinRelType joinType) {
        if (!LongHashJoin.supports(joinType)) {
            return false;
        }
        JoinInfo info = JoinInfo.of(left, right, condition);
        int keys = info.leftKeys.size();
        if (keys < 1 || keys > 2 || info.nullExclusionFlags.contains(false)) {
            return false;
        }
        List<RelDataTypeField> leftFields = left.getRowType().getFieldList();
        List<RelDataTypeField> rightFields = right.getRowType().getFieldList();
        for (int i = 0; i < keys; i++) {
            SqlTypeName l = leftFields.get(info.leftKeys.get(i)).getType().getSqlTypeName();
            SqlTypeName r = rightFields.get(info.rightKeys.get(i)).getType().getSqlTypeName();
            if (!KEY_TYPES.contains(l)
                    || !KEY_TYPES.contains(r)
                    || (l == SqlTypeName.DATE) != (r == SqlTypeName.DATE)) {
                return false;
            }
        }
        return true;
    }

    @Override
    public Join copy(
            RelTraitSet traitSet,
            RexNode condition,
            RelNode left,
            RelNode right,
            JoinRelType joinType,
            boolean semiJoinDone) {
        return new EnumerableLongHashJoin(getCluster(), traitSet, left, right, condition, variablesSet, joinType);
    }

    /**
     * Calcite's estimate, used only when Veil's metadata ({@link HashJoinCost}) is not installed:
     * cheaper than Calcite's hash join on the same inputs, so that the planner prefers this one.
     */
    @Override
    public @Nullable RelOptCost computeSelfCost(RelOptPlanner planner, RelMetadataQuery mq) {
        double rows = mq.getRowCount(this) + mq.getRowCount(left) + 2 * mq.getRowCount(right);
        return planner.getCostFactory().makeCost(rows, 0, 0);
    }

    @Override
    public Result implement(EnumerableRelImplementor implementor, Prefer pref) {
        JavaTypeFactory typeFactory = implementor.getTypeFactory();
        BlockBuilder builder = new BlockBuilder();
        Result leftResult = implementor.visitChild(this, 0, (EnumerableRel) left, Prefer.ARRAY);
        Expression leftRows = builder.append("probeInput", leftResult.block);
        Result rightResult = implementor.visitChild(this, 1, (EnumerableRel) right, Prefer.ARRAY);
        Expression rightRows = builder.append("buildInput", rightResult.block);
        Expression probe = leftResult.physType.convertTo(leftRows, JavaRowFormat.ARRAY);
        Expression build = rightResult.physType.convertTo(rightRows, JavaRowFormat.ARRAY);
        PhysType leftArrays = PhysTypeImpl.of(typeFactory, left.getRowType(), JavaRowFormat.ARRAY, false);
        PhysType rightArrays = PhysTypeImpl.of(typeFactory, right.getRowType(), JavaRowFormat.ARRAY, false);

        JoinInfo info = analyzeCondition();
        Expression remainder = Expressions.constant(null, Predicate2.class);
        RexBuilder rexBuilder = getCluster().getRexBuilder();
        RexNode rest = info.nonEquiConditions.isEmpty()
                ? null
                : RexUtil.composeConjunction(rexBuilder, info.nonEquiConditions, true);
        if (rest != null) {
            remainder = JoinCode.predicate(implementor, rexBuilder, left, right, leftArrays, rightArrays, rest);
        }
        Expression call = Expressions.call(
                Types.lookupMethod(
                        LongHashJoin.class,
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
                probe,
                build,
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
