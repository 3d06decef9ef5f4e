package dev.veil.exec.join;

import dev.veil.exec.runtime.RuleConfig;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.RelBuilder;

/**
 * Turns an inner join with the distinct values of a sub-query, the shape decorrelation gives
 * {@code EXISTS} and {@code IN} (TPC-H Q4, Q20, Q21), into a SEMI join with the sub-query itself:
 * {@code L JOIN (SELECT DISTINCT k FROM R) d ON L.a = d.k} becomes {@code L SEMI JOIN R ON L.a =
 * R.k} under a projection that repeats {@code L.a} for {@code d.k}.
 *
 * <p>It applies only when every field of the distinct side equals a left field of the same type
 * through an {@code =} of the condition (or is a constant), so each left row matches at most one
 * distinct row, whose values are the left row's own: the inner join returns each left row that has
 * a match once, with those values, which is what the projection of the semi join returns. Keys of
 * types whose {@code =} does not mean identical values (floating point) are left alone. The join
 * condition's other conjuncts move to the semi join, read from the sub-query's rows.
 */
public final class DistinctSemiJoinRule extends RelRule<RuleConfig> {
    /** Key types whose equal values are the same value. */
    private static final Set<SqlTypeName> EXACT = EnumSet.of(
            SqlTypeName.TINYINT,
            SqlTypeName.SMALLINT,
            SqlTypeName.INTEGER,
            SqlTypeName.BIGINT,
            SqlTypeName.DATE,
            SqlTypeName.VARCHAR,
            SqlTypeName.BOOLEAN);

    private DistinctSemiJoinRule(RuleConfig config) {
        super(config);
    }

    public static RuleConfig config() {
        return new RuleConfig(
                "DistinctSemiJoinRule",
                b0 -> b0.operand(LogicalJoin.class)
                        .predicate(j -> j.getJoinType() == JoinRelType.INNER)
                        .anyInputs(),
                RelFactories.LOGICAL_BUILDER,
                DistinctSemiJoinRule::new);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        LogicalJoin join = call.rel(0);
        DistinctInput distinct = DistinctInput.of(join.getRight());
        if (distinct == null) {
            return;
        }
        RelNode left = join.getLeft();
        int leftCount = left.getRowType().getFieldCount();
        List<RelDataTypeField> fields = join.getRowType().getFieldList();
        JoinInfo info = JoinInfo.of(left, join.getRight(), join.getCondition());
        RexBuilder rexBuilder = join.getCluster().getRexBuilder();
        List<RexNode> projects = new ArrayList<>();
        for (int i = 0; i < leftCount; i++) {
            projects.add(RexInputRef.of(i, left.getRowType()));
        }
        for (int j = 0; j < distinct.fields().size(); j++) {
            RelDataType type = fields.get(leftCount + j).getType();
            RexNode value = determined(info, left, j, type, distinct.fields().get(j), rexBuilder);
            if (value == null) {
                return;
            }
            projects.add(value);
        }
        RexNode condition = distinct.rewrite(join.getCondition(), leftCount);
        RelBuilder builder = call.builder();
        RelNode semi = LogicalJoin.create(
                left, distinct.input(), List.of(), condition, join.getVariablesSet(), JoinRelType.SEMI);
        RelNode result = builder.push(semi)
                .project(projects, join.getRowType().getFieldNames(), true)
                .build();
        if (RelOptUtil.areRowTypesEqual(result.getRowType(), join.getRowType(), false)) {
            call.transformTo(result);
        }
    }

    /**
     * The value of distinct field {@code j} in terms of the left row it matches: the left key an
     * {@code =} ties it to, or its constant; null if neither.
     */
    private static RexNode determined(
            JoinInfo info, RelNode left, int j, RelDataType type, RexNode value, RexBuilder rexBuilder) {
        for (int k = 0; k < info.rightKeys.size(); k++) {
            if (info.rightKeys.get(k) == j && info.nullExclusionFlags.get(k)) {
                RexInputRef leftKey = RexInputRef.of(info.leftKeys.get(k), left.getRowType());
                if (leftKey.getType().equals(type) && EXACT.contains(type.getSqlTypeName())) {
                    return leftKey;
                }
            }
        }
        RexNode literal = value;
        if (literal.getKind() == SqlKind.CAST) {
            literal = ((RexCall) literal).getOperands().get(0);
        }
        if (literal instanceof RexLiteral) {
            return rexBuilder.makeCast(type, literal, true, false);
        }
        return null;
    }
}
