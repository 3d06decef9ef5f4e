package dev.veil.exec.join;

import dev.veil.exec.runtime.RuleConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexPermuteInputsShuttle;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.util.mapping.Mappings;

/**
 * Turns an outer join whose NULL-extended rows alone pass the filter above it, the shape
 * decorrelation gives {@code NOT EXISTS} and a {@code NOT IN} over keys that cannot be NULL
 * (TPC-H Q16, Q21, Q22), into an ANTI join: {@code SELECT * FROM L LEFT JOIN R ON c WHERE r.m IS
 * NULL}, with {@code r.m} a column of R that is never NULL, becomes {@code L ANTI JOIN R ON c} under
 * a projection of NULLs for R's columns. A RIGHT join is turned around the same way.
 *
 * <p>The outer join gives a left row its NULL-extended row exactly when no right row satisfies
 * {@code c}; every other row it gives has a non-NULL {@code r.m}; so {@code r.m IS NULL} keeps what
 * the anti join keeps. The filter's other conjuncts stay above, reading the NULLs. A {@code NOT IN}
 * whose sub-query may return NULL is planned by Calcite with counts of NULLs in an OR, never as a
 * lone {@code IS NULL} conjunct, so it does not match. Where the right side is a duplicate
 * elimination ({@link DistinctInput}), the anti join reads its input instead.
 */
public final class MarkerAntiJoinRule extends RelRule<RuleConfig> {
    private MarkerAntiJoinRule(RuleConfig config) {
        super(config);
    }

    public static RuleConfig config() {
        return new RuleConfig(
                "MarkerAntiJoinRule",
                b0 -> b0.operand(LogicalFilter.class)
                        .oneInput(b1 -> b1.operand(LogicalJoin.class)
                                .predicate(j ->
                                        j.getJoinType() == JoinRelType.LEFT || j.getJoinType() == JoinRelType.RIGHT)
                                .anyInputs()),
                RelFactories.LOGICAL_BUILDER,
                MarkerAntiJoinRule::new);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        LogicalFilter filter = call.rel(0);
        LogicalJoin join = call.rel(1);
        boolean left = join.getJoinType() == JoinRelType.LEFT;
        RelNode kept = left ? join.getLeft() : join.getRight();
        RelNode dropped = left ? join.getRight() : join.getLeft();
        int leftCount = join.getLeft().getRowType().getFieldCount();
        int keptCount = kept.getRowType().getFieldCount();
        int droppedCount = dropped.getRowType().getFieldCount();
        // The first field of the null-extended side tested IS NULL that its input never makes NULL.
        List<RexNode> conjuncts = RelOptUtil.conjunctions(filter.getCondition());
        int marker = -1;
        for (int i = 0; i < conjuncts.size() && marker < 0; i++) {
            RexNode c = conjuncts.get(i);
            if (c.getKind() == SqlKind.IS_NULL && ((RexCall) c).getOperands().get(0) instanceof RexInputRef ref) {
                int field = left ? ref.getIndex() - leftCount : ref.getIndex();
                boolean onDroppedSide = left ? ref.getIndex() >= leftCount : ref.getIndex() < leftCount;
                if (onDroppedSide
                        && !dropped.getRowType()
                                .getFieldList()
                                .get(field)
                                .getType()
                                .isNullable()) {
                    marker = i;
                }
            }
        }
        if (marker < 0) {
            return;
        }
        // The condition over the kept side's fields followed by the dropped side's.
        RexNode condition = join.getCondition();
        if (!left) {
            Mappings.TargetMapping swap = Mappings.createShiftMapping(
                    leftCount + keptCount, keptCount, 0, leftCount, 0, leftCount, keptCount);
            condition = condition.accept(new RexPermuteInputsShuttle(swap, kept, dropped));
        }
        RelNode antiRight = dropped;
        DistinctInput distinct = DistinctInput.of(dropped);
        if (distinct != null) {
            antiRight = distinct.input();
            condition = distinct.rewrite(condition, keptCount);
        }
        RelNode anti =
                LogicalJoin.create(kept, antiRight, List.of(), condition, join.getVariablesSet(), JoinRelType.ANTI);
        RexBuilder rexBuilder = join.getCluster().getRexBuilder();
        List<RelDataTypeField> fields = join.getRowType().getFieldList();
        List<RexNode> projects = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            boolean fromKept = left ? i < leftCount : i >= leftCount;
            projects.add(
                    fromKept
                            ? RexInputRef.of(left ? i : i - leftCount, kept.getRowType())
                            : rexBuilder.makeNullLiteral(fields.get(i).getType()));
        }
        List<RexNode> rest = new ArrayList<>(conjuncts);
        rest.remove(marker);
        RelNode result = call.builder()
                .push(anti)
                .project(projects, join.getRowType().getFieldNames(), true)
                .filter(rest)
                .build();
        if (RelOptUtil.areRowTypesEqual(result.getRowType(), filter.getRowType(), false)) {
            call.transformTo(result);
        }
    }
}
