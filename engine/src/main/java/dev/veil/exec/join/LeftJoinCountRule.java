package dev.veil.exec.join;

import dev.veil.exec.runtime.RuleConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Counts the right side of a LEFT join before the join when only the counts are wanted (TPC-H
 * Q13: customers and the number of their orders): {@code SELECT g, COUNT(r.x) FROM L LEFT JOIN R
 * ON L.k = R.k GROUP BY g}, with {@code g} columns of {@code L}, becomes {@code SELECT g,
 * SUM0(c.n) FROM L LEFT JOIN (SELECT k, COUNT(x) AS n FROM R GROUP BY k) c ON L.k = c.k GROUP BY
 * g}. The counted right side is then an aggregation over a scan (vectorized) and the join probes
 * one row per key rather than every right row.
 *
 * <p>Each left row matched right rows whose key equals its own: after the rewrite it matches the
 * one counted row of that key, whose {@code n} is the number of those rows with {@code x} not NULL,
 * which is what the row added to {@code COUNT(r.x)} before; a left row without a match added 0
 * before and adds SUM0 of a NULL, 0, now; a NULL key matches nothing either way. The rest of the
 * ON condition may test right columns only (Q13's {@code o_comment NOT LIKE ...}): it then filters
 * the right rows before they are counted, which is what it did to their matches. The aggregates
 * must all be plain {@code COUNT} of a right column (no DISTINCT, FILTER or {@code COUNT(*)}, which
 * counts an unmatched left row).
 */
public final class LeftJoinCountRule extends RelRule<RuleConfig> {
    private LeftJoinCountRule(RuleConfig config) {
        super(config);
    }

    /** The rule over an aggregate directly on the join. */
    public static RuleConfig config() {
        return new RuleConfig(
                "LeftJoinCountRule",
                b0 -> b0.operand(LogicalAggregate.class)
                        .predicate(a -> a.getGroupType() == Aggregate.Group.SIMPLE)
                        .oneInput(b1 -> b1.operand(LogicalJoin.class)
                                .predicate(j -> j.getJoinType() == JoinRelType.LEFT)
                                .anyInputs()),
                RelFactories.LOGICAL_BUILDER,
                LeftJoinCountRule::new);
    }

    /** The rule over an aggregate on a projection of the join's fields. */
    public static RuleConfig projectedConfig() {
        return new RuleConfig(
                "LeftJoinCountRule(Project)",
                b0 -> b0.operand(LogicalAggregate.class)
                        .predicate(a -> a.getGroupType() == Aggregate.Group.SIMPLE)
                        .oneInput(b1 -> b1.operand(LogicalProject.class)
                                .predicate(p -> p.getProjects().stream().allMatch(e -> e instanceof RexInputRef))
                                .oneInput(b2 -> b2.operand(LogicalJoin.class)
                                        .predicate(j -> j.getJoinType() == JoinRelType.LEFT)
                                        .anyInputs())),
                RelFactories.LOGICAL_BUILDER,
                LeftJoinCountRule::new);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        LogicalAggregate aggregate = call.rel(0);
        LogicalJoin join = call.rel(call.rels.length - 1);
        // The join field each aggregate input field is.
        int[] field;
        if (call.rels.length == 3) {
            LogicalProject project = call.rel(1);
            field = project.getProjects().stream()
                    .mapToInt(e -> ((RexInputRef) e).getIndex())
                    .toArray();
        } else {
            field = new int[join.getRowType().getFieldCount()];
            for (int i = 0; i < field.length; i++) {
                field[i] = i;
            }
        }
        RelNode left = join.getLeft();
        RelNode right = join.getRight();
        int leftCount = left.getRowType().getFieldCount();
        JoinInfo info = JoinInfo.of(left, right, join.getCondition());
        if (info.leftKeys.isEmpty() || !keysFilterNulls(left, right, join.getCondition())) {
            return;
        }
        // The rest of the condition may test right columns only: it filters the right rows counted.
        List<RexNode> rightOnly = new ArrayList<>();
        for (RexNode condition : info.nonEquiConditions) {
            ImmutableBitSet used = RelOptUtil.InputFinder.bits(condition);
            if (used.isEmpty() || used.nextSetBit(0) < leftCount) {
                return;
            }
            rightOnly.add(RexUtil.shift(condition, -leftCount));
        }
        List<Integer> groups = new ArrayList<>();
        for (int g : aggregate.getGroupSet()) {
            if (field[g] >= leftCount) {
                return;
            }
            groups.add(field[g]);
        }
        List<Integer> counted = new ArrayList<>();
        for (AggregateCall c : aggregate.getAggCallList()) {
            if (c.getAggregation().getKind() != SqlKind.COUNT
                    || c.isDistinct()
                    || c.hasFilter()
                    || c.isApproximate()
                    || !c.getCollation().getFieldCollations().isEmpty()
                    || c.getArgList().size() != 1
                    || field[c.getArgList().get(0)] < leftCount) {
                return;
            }
            counted.add(field[c.getArgList().get(0)] - leftCount);
        }
        if (counted.isEmpty()) {
            return;
        }
        RelBuilder b = call.builder();
        int keys = info.rightKeys.size();
        // The right side counted per key: its keys, then one count per aggregate call.
        b.push(right);
        if (!rightOnly.isEmpty()) {
            b.filter(rightOnly);
        }
        List<RelBuilder.AggCall> counts = new ArrayList<>();
        for (int i = 0; i < counted.size(); i++) {
            counts.add(b.count(false, "n" + i, b.field(counted.get(i))));
        }
        b.aggregate(b.groupKey(ImmutableBitSet.of(info.rightKeys)), counts);
        // Group keys come out in ascending order; find each right key's position among them.
        List<Integer> sortedRightKeys = new ArrayList<>(info.rightKeys);
        sortedRightKeys.sort(Integer::compare);
        RelNode countedRight = b.build();
        b.push(left).push(countedRight);
        List<RexNode> conditions = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            int position = sortedRightKeys.indexOf(info.rightKeys.get(i));
            conditions.add(b.equals(b.field(2, 0, info.leftKeys.get(i)), b.field(2, 1, position)));
        }
        b.join(JoinRelType.LEFT, conditions);
        List<RelBuilder.AggCall> sums = new ArrayList<>();
        List<AggregateCall> calls = aggregate.getAggCallList();
        for (int i = 0; i < calls.size(); i++) {
            sums.add(b.aggregateCall(SqlStdOperatorTable.SUM0, b.field(leftCount + keys + i))
                    .as(calls.get(i).getName()));
        }
        b.aggregate(b.groupKey(ImmutableBitSet.of(groups)), sums);
        // Group fields come out in ascending order of their join positions; put them back.
        List<Integer> sortedGroups = new ArrayList<>(groups);
        sortedGroups.sort(Integer::compare);
        List<RexNode> out = new ArrayList<>();
        for (int g : groups) {
            out.add(b.field(sortedGroups.indexOf(g)));
        }
        for (int i = 0; i < calls.size(); i++) {
            out.add(b.field(groups.size() + i));
        }
        b.project(out, aggregate.getRowType().getFieldNames(), true);
        b.convert(aggregate.getRowType(), false);
        call.transformTo(b.build());
    }

    /**
     * Whether every key of the condition is an {@code =}, which a NULL key never matches: an
     * {@code IS NOT DISTINCT FROM} key matches NULL with NULL, which the rewritten join's {@code =}
     * would not ({@link JoinInfo} counts both as keys).
     */
    private static boolean keysFilterNulls(RelNode left, RelNode right, RexNode condition) {
        List<Integer> leftKeys = new ArrayList<>();
        List<Integer> rightKeys = new ArrayList<>();
        List<Boolean> filterNulls = new ArrayList<>();
        List<RexNode> rest = new ArrayList<>();
        RelOptUtil.splitJoinCondition(left, right, condition, leftKeys, rightKeys, filterNulls, rest);
        return !filterNulls.contains(Boolean.FALSE);
    }
}
