package dev.veil.exec.join;

import dev.veil.exec.runtime.RuleConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlExplainLevel;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Removes the value generator from a decorrelated {@code EXISTS} or {@code NOT EXISTS} whose
 * correlation is more than equalities, such as TPC-H Q21's {@code l2.l_orderkey = l1.l_orderkey AND
 * l2.l_suppkey <> l1.l_suppkey}: Calcite's decorrelator joins the sub-query with the distinct
 * correlated values of the outer query (a copy of the whole outer query under an aggregate), and
 * {@link DistinctSemiJoinRule} or {@link MarkerAntiJoinRule} leave {@code L SEMI JOIN (X JOIN
 * (SELECT DISTINCT a, b FROM L) g ON c(X, g)) ON L.a = g.a AND L.b = g.b}. This becomes {@code L
 * SEMI JOIN X ON c(X, L) AND L.a IS NOT NULL AND L.b IS NOT NULL} (ANTI alike), so the outer query
 * runs once instead of once per sub-query level.
 *
 * <p>It applies only when the generator's input is the join's left input itself (the same plan,
 * compared operator by operator with their attributes and row types), the generator is a
 * duplicate elimination of plain columns of it, and the join's condition is nothing but one
 * {@code =} per generator field, each with the left column the field was taken from. A left row
 * {@code l} then matches exactly the generator row of its own values, which exists, when those
 * are not NULL: it has a match iff some X row satisfies {@code c} with {@code l}'s values, which
 * the new condition states. Runs before fields are trimmed, while the copy is still identical.
 */
public final class ValueGeneratorSemiJoinRule extends RelRule<RuleConfig> {
    private ValueGeneratorSemiJoinRule(RuleConfig config) {
        super(config);
    }

    public static RuleConfig config() {
        return new RuleConfig(
                "ValueGeneratorSemiJoinRule",
                b0 -> b0.operand(LogicalJoin.class)
                        .predicate(j -> j.getJoinType() == JoinRelType.SEMI || j.getJoinType() == JoinRelType.ANTI)
                        .anyInputs(),
                RelFactories.LOGICAL_BUILDER,
                ValueGeneratorSemiJoinRule::new);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        LogicalJoin join = call.rel(0);
        RelNode left = join.getLeft();
        int leftCount = left.getRowType().getFieldCount();
        // The right input's fields as fields of the inner join below it.
        RelNode right = join.getRight().stripped();
        int[] rightFields;
        if (right instanceof Project project) {
            rightFields = new int[project.getProjects().size()];
            for (int i = 0; i < rightFields.length; i++) {
                if (!(project.getProjects().get(i) instanceof RexInputRef ref)) {
                    return;
                }
                rightFields[i] = ref.getIndex();
            }
            right = project.getInput().stripped();
        } else {
            rightFields = java.util.stream.IntStream.range(0, right.getRowType().getFieldCount())
                    .toArray();
        }
        if (!(right instanceof Join inner) || inner.getJoinType() != JoinRelType.INNER) {
            return;
        }
        for (int side = 1; side >= 0; side--) {
            RelNode result = rewrite(join, left, leftCount, rightFields, inner, side);
            if (result != null) {
                call.transformTo(result);
                return;
            }
        }
    }

    /** The join without the generator, if input {@code side} of {@code inner} is one over {@code left}; else null. */
    private static @Nullable RelNode rewrite(
            LogicalJoin join, RelNode left, int leftCount, int[] rightFields, Join inner, int side) {
        RelNode generator = inner.getInput(side).stripped();
        int[] columns = generatorColumns(generator, left);
        if (columns == null) {
            return null;
        }
        int generatorCount = columns.length;
        int generatorOffset = side == 1 ? inner.getLeft().getRowType().getFieldCount() : 0;
        RelNode other = inner.getInput(1 - side);
        int otherOffset = side == 1 ? 0 : generatorCount;
        int otherCount = other.getRowType().getFieldCount();
        // Every conjunct: left column = generator field taken from that column; every field once at least.
        boolean[] covered = new boolean[generatorCount];
        for (RexNode conjunct : RelOptUtil.conjunctions(join.getCondition())) {
            if (conjunct.getKind() != SqlKind.EQUALS) {
                return null;
            }
            List<RexNode> operands = ((RexCall) conjunct).getOperands();
            if (!(operands.get(0) instanceof RexInputRef a) || !(operands.get(1) instanceof RexInputRef b)) {
                return null;
            }
            RexInputRef leftRef = a.getIndex() < leftCount ? a : b;
            RexInputRef rightRef = a.getIndex() < leftCount ? b : a;
            if (leftRef.getIndex() >= leftCount || rightRef.getIndex() < leftCount) {
                return null;
            }
            int g = rightFields[rightRef.getIndex() - leftCount] - generatorOffset;
            if (g < 0 || g >= generatorCount || columns[g] != leftRef.getIndex()) {
                return null;
            }
            covered[g] = true;
        }
        for (boolean c : covered) {
            if (!c) {
                return null;
            }
        }
        // The inner join's condition over the left input's fields followed by the other input's.
        RexBuilder rexBuilder = join.getCluster().getRexBuilder();
        RexNode condition = inner.getCondition().accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                int i = ref.getIndex();
                if (i >= otherOffset && i < otherOffset + otherCount) {
                    return new RexInputRef(leftCount + i - otherOffset, ref.getType());
                }
                return RexInputRef.of(columns[i - generatorOffset], left.getRowType());
            }
        });
        List<RexNode> conjuncts = new ArrayList<>();
        conjuncts.add(condition);
        for (int column : columns) {
            RexInputRef ref = RexInputRef.of(column, left.getRowType());
            if (ref.getType().isNullable()) {
                conjuncts.add(rexBuilder.makeCall(SqlStdOperatorTable.IS_NOT_NULL, ref));
            }
        }
        return LogicalJoin.create(
                left,
                other,
                List.of(),
                RexUtil.composeConjunction(rexBuilder, conjuncts),
                join.getVariablesSet(),
                join.getJoinType());
    }

    /**
     * Per field of {@code generator}, the column of {@code left} it holds, when {@code generator}
     * is a duplicate elimination (an aggregate of group keys only) of plain columns of {@code
     * left}'s plan; null otherwise.
     */
    private static int @Nullable [] generatorColumns(RelNode generator, RelNode left) {
        if (!(generator instanceof Aggregate aggregate)
                || aggregate.getGroupType() != Aggregate.Group.SIMPLE
                || aggregate.getGroupCount() == 0
                || !aggregate.getAggCallList().isEmpty()) {
            return null;
        }
        int[] columns = aggregate.getGroupSet().toArray();
        RelNode input = aggregate.getInput().stripped();
        if (input instanceof Project project) {
            for (int i = 0; i < columns.length; i++) {
                if (!(project.getProjects().get(columns[i]) instanceof RexInputRef ref)) {
                    return null;
                }
                columns[i] = ref.getIndex();
            }
            input = project.getInput().stripped();
        }
        return samePlan(input, left.stripped()) ? columns : null;
    }

    /** Whether two plans compute the same rows: the same operators with the same attributes and row types. */
    private static boolean samePlan(RelNode a, RelNode b) {
        return a == b
                || (a.getRowType().equals(b.getRowType())
                        && RelOptUtil.toString(a, SqlExplainLevel.DIGEST_ATTRIBUTES)
                                .equals(RelOptUtil.toString(b, SqlExplainLevel.DIGEST_ATTRIBUTES)));
    }
}
