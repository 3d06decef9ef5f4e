package dev.veil.exec.join;

import static java.util.Objects.requireNonNull;

import dev.veil.exec.runtime.ProbeOrderedJoin;
import java.util.Arrays;
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
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.core.CorrelationId;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableIntList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A hash join on one or two integer-like or DECIMAL keys (INTEGER, BIGINT, DATE, DECIMAL encoded as
 * longs at a common scale by {@link JoinKeys}; {@code =} only, so NULL keys never match) in Calcite's enumerable convention, for INNER, LEFT, SEMI and ANTI joins: builds a
 * table of primitive {@code long} keys from the right input and probes it with the left
 * ({@link LongHashJoin} does the work), evaluating the rest of the condition on key matches. Other
 * equi-joins stay with Calcite's {@code EnumerableHashJoin}. Created by {@link LongHashJoinRule}.
 */
public final class EnumerableLongHashJoin extends Join implements EnumerableRel, ProbeOrderedJoin {
    private static final Set<SqlTypeName> KEY_TYPES =
            EnumSet.of(SqlTypeName.INTEGER, SqlTypeName.BIGINT, SqlTypeName.DATE);
    /** The types a DECIMAL key may be compared with. */
    private static final Set<SqlTypeName> NUMBER_TYPES =
            EnumSet.of(SqlTypeName.INTEGER, SqlTypeName.BIGINT, SqlTypeName.DECIMAL);

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
            throw new IllegalArgumentException("not a join on one or two integer or decimal keys: " + condition);
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
     * columns are INTEGER, BIGINT or DECIMAL on both sides (at least one side of a DECIMAL key
     * DECIMAL, both scales at most {@link JoinKeys#MAX_SCALE}), or DATE on both sides.
     */
    static boolean supports(RelNode left, RelNode right, RexNode condition, JoinRelType joinType) {
        return LongHashJoin.supports(joinType) && keyScales(left, right, condition) != null;
    }

    /** Whether the join's keys are all INTEGER, BIGINT or DATE ones (as the mark join wants). */
    static boolean hasIntegerKeys(RelNode left, RelNode right, RexNode condition) {
        int[] scales = keyScales(left, right, condition);
        return scales != null && Arrays.stream(scales).allMatch(s -> s < 0);
    }

    /**
     * Per key of the join's condition, -1 for an INTEGER, BIGINT or DATE key and the larger of the
     * two sides' scales for a DECIMAL key ({@link JoinKeys}); null when the condition is not one or
     * two such {@code =} keys.
     */
    static int @Nullable [] keyScales(RelNode left, RelNode right, RexNode condition) {
        JoinInfo info = JoinInfo.of(left, right, condition);
        int keys = info.leftKeys.size();
        if (keys < 1 || keys > 2 || info.nullExclusionFlags.contains(false)) {
            return null;
        }
        List<RelDataTypeField> leftFields = left.getRowType().getFieldList();
        List<RelDataTypeField> rightFields = right.getRowType().getFieldList();
        int[] scales = new int[keys];
        for (int i = 0; i < keys; i++) {
            RelDataType l = leftFields.get(info.leftKeys.get(i)).getType();
            RelDataType r = rightFields.get(info.rightKeys.get(i)).getType();
            SqlTypeName ln = l.getSqlTypeName();
            SqlTypeName rn = r.getSqlTypeName();
            if (KEY_TYPES.contains(ln) && KEY_TYPES.contains(rn)) {
                if ((ln == SqlTypeName.DATE) != (rn == SqlTypeName.DATE)) {
                    return null;
                }
                scales[i] = -1;
            } else if ((ln == SqlTypeName.DECIMAL || rn == SqlTypeName.DECIMAL)
                    && NUMBER_TYPES.contains(ln)
                    && NUMBER_TYPES.contains(rn)) {
                int scale = Math.max(scale(l), scale(r));
                if (scale < 0 || scale > JoinKeys.MAX_SCALE) {
                    return null;
                }
                scales[i] = scale;
            } else {
                return null;
            }
        }
        return scales;
    }

    private static int scale(RelDataType type) {
        return type.getSqlTypeName() == SqlTypeName.DECIMAL ? type.getScale() : 0;
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        int[] scales = keyScales(left, right, condition);
        boolean decimal = scales != null && Arrays.stream(scales).anyMatch(s -> s >= 0);
        // Which key encoding runs: EXPLAIN shows the scale a DECIMAL key is compared at.
        return super.explainTerms(pw).itemIf("decimalKeyScales", Arrays.toString(scales), decimal);
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
                        int[].class,
                        String.class,
                        int.class,
                        Predicate2.class),
                implementor.getRootExpression(),
                probe,
                build,
                JoinCode.ints(info.leftKeys),
                JoinCode.ints(info.rightKeys),
                JoinCode.ints(ImmutableIntList.of(requireNonNull(keyScales(left, right, condition), "keys"))),
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
