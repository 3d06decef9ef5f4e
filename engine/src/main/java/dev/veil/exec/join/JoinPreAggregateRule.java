package dev.veil.exec.join;

import dev.veil.exec.runtime.RuleConfig;
import dev.veil.plan.SafeOperator;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Aggregates one side of an inner equi-join per join key before the join, when every aggregate
 * reads that side's values only (TPC-H Q14: {@code SUM(CASE WHEN p_type LIKE 'PROMO%' THEN
 * l_extendedprice * (1 - l_discount) ELSE 0 END)} over {@code lineitem JOIN part}): {@code SELECT
 * g, SUM(CASE WHEN c(R) THEN x(L) ELSE 0 END) FROM L JOIN R ON L.k = R.k GROUP BY g} becomes
 * {@code SELECT g, SUM(CASE WHEN c(R) THEN s ELSE 0 END) FROM (SELECT k, SUM(x) AS s FROM L GROUP
 * BY k) JOIN R ON k = R.k GROUP BY g}. The values are then computed and summed in the vectorized
 * aggregation over the scan of {@code L}, and the join and the aggregate above it see one row per
 * key of {@code L} rather than one per row.
 *
 * <p>The joined rows of one pre-aggregated row and one row {@code r} of {@code R} are the rows of
 * {@code L} with that key (and those group columns of {@code L}) each paired with {@code r}; every
 * CASE condition reads {@code r} only, so all of them take the same branch, and the SUM (MIN, MAX)
 * of that branch's value over them is the branch applied to the SUM (MIN, MAX) of {@code x}: a
 * literal 0 or NULL branch sums to itself. Only DECIMAL values are summed this way, whose sums do
 * not depend on the order of the additions and cannot overflow, and only values that cannot fail
 * on any row (see {@link #cannotFail}); DOUBLE and integer sums are left alone, as
 * are DISTINCT, FILTER, COUNT and any other aggregate. Group keys may come from either side (those
 * of {@code L} join the pre-aggregation's keys); conditions of the join or of a filter above it
 * must be equalities between the two sides or read one side only (they then filter that side
 * first). {@code L} must be a table scan under filters and projections, so that its aggregation
 * runs vectorized. The differentially private aggregate is another operator and never matches,
 * and neither does the privacy boundary's {@code COUNT(DISTINCT unit)}.
 */
public final class JoinPreAggregateRule extends RelRule<RuleConfig> {
    private JoinPreAggregateRule(RuleConfig config) {
        super(config);
    }

    /** The rules, over a projection of the join and over a projection of a filter of it. */
    public static List<RuleConfig> configs() {
        return List.of(
                new RuleConfig(
                        "JoinPreAggregateRule",
                        b0 -> b0.operand(LogicalAggregate.class)
                                .predicate(JoinPreAggregateRule::plainAggregate)
                                .oneInput(b1 -> b1.operand(LogicalProject.class)
                                        .oneInput(b2 -> b2.operand(LogicalJoin.class)
                                                .predicate(j -> j.getJoinType() == JoinRelType.INNER)
                                                .anyInputs())),
                        RelFactories.LOGICAL_BUILDER,
                        JoinPreAggregateRule::new),
                new RuleConfig(
                        "JoinPreAggregateRule(Filter)",
                        b0 -> b0.operand(LogicalAggregate.class)
                                .predicate(JoinPreAggregateRule::plainAggregate)
                                .oneInput(b1 -> b1.operand(LogicalProject.class)
                                        .oneInput(b2 -> b2.operand(LogicalFilter.class)
                                                .oneInput(b3 -> b3.operand(LogicalJoin.class)
                                                        .predicate(j -> j.getJoinType() == JoinRelType.INNER)
                                                        .anyInputs()))),
                        RelFactories.LOGICAL_BUILDER,
                        JoinPreAggregateRule::new));
    }

    private static boolean plainAggregate(Aggregate a) {
        return a.getGroupType() == Aggregate.Group.SIMPLE && !a.getAggCallList().isEmpty();
    }

    /** One aggregate call over the join, split into its pre-aggregated values and its new argument. */
    private record Split(AggregateCall call, RexNode argument) {}

    @Override
    public void onMatch(RelOptRuleCall call) {
        LogicalAggregate aggregate = call.rel(0);
        Project project = call.rel(1);
        Filter filter = call.rels.length == 4 ? call.rel(2) : null;
        LogicalJoin join = call.rel(call.rels.length - 1);
        int leftCount = join.getLeft().getRowType().getFieldCount();
        int fieldCount = join.getRowType().getFieldCount();
        // Which side is pre-aggregated: the one every aggregated value reads.
        ImmutableBitSet valueFields = ImmutableBitSet.of();
        for (AggregateCall c : aggregate.getAggCallList()) {
            for (int arg : c.getArgList()) {
                for (RexNode value : values(project.getProjects().get(arg))) {
                    valueFields = valueFields.union(RelOptUtil.InputFinder.bits(value));
                }
            }
        }
        if (valueFields.isEmpty()) {
            return;
        }
        boolean leftValues = valueFields.nextSetBit(0) >= 0 && valueFields.length() <= leftCount;
        boolean rightValues = valueFields.nextSetBit(0) >= leftCount;
        if (leftValues == rightValues) {
            return;
        }
        Side side = new Side(leftValues, leftCount, fieldCount);
        if (!isScan(leftValues ? join.getLeft() : join.getRight())) {
            return;
        }
        // The conditions: equalities between the sides, or conditions of one side.
        List<RexNode> conditions = new ArrayList<>(RelOptUtil.conjunctions(join.getCondition()));
        if (filter != null) {
            conditions.addAll(RelOptUtil.conjunctions(filter.getCondition()));
        }
        List<int[]> keys = new ArrayList<>(); // {field of the summed side, field of the other side}, join fields
        List<RexNode> summedOnly = new ArrayList<>();
        List<RexNode> otherOnly = new ArrayList<>();
        for (RexNode condition : conditions) {
            if (condition.isAlwaysTrue()) {
                continue;
            }
            ImmutableBitSet used = RelOptUtil.InputFinder.bits(condition);
            if (used.isEmpty() || !RexUtil.isDeterministic(condition)) {
                return;
            }
            if (side.allSummed(used)) {
                summedOnly.add(condition);
            } else if (side.allOther(used)) {
                otherOnly.add(condition);
            } else if (condition.getKind() == SqlKind.EQUALS
                    && ((RexCall) condition).getOperands().get(0) instanceof RexInputRef a
                    && ((RexCall) condition).getOperands().get(1) instanceof RexInputRef b
                    && side.isSummed(a.getIndex()) != side.isSummed(b.getIndex())) {
                keys.add(
                        side.isSummed(a.getIndex())
                                ? new int[] {a.getIndex(), b.getIndex()}
                                : new int[] {b.getIndex(), a.getIndex()});
            } else {
                return;
            }
        }
        if (keys.isEmpty()) {
            return;
        }
        // The pre-aggregation's group columns (join fields of the summed side): keys, then group keys of that side.
        List<Integer> groupFields = new ArrayList<>();
        for (int[] key : keys) {
            if (!groupFields.contains(key[0])) {
                groupFields.add(key[0]);
            }
        }
        List<RexNode> groupKeys = new ArrayList<>();
        for (int g : aggregate.getGroupSet()) {
            if (!(project.getProjects().get(g) instanceof RexInputRef ref)) {
                return;
            }
            groupKeys.add(ref);
            if (side.isSummed(ref.getIndex()) && !groupFields.contains(ref.getIndex())) {
                groupFields.add(ref.getIndex());
            }
        }
        // The values summed before the join, each once.
        List<RexNode> preValues = new ArrayList<>();
        List<SqlKind> preKinds = new ArrayList<>();
        for (AggregateCall c : aggregate.getAggCallList()) {
            if (!supported(c)) {
                return;
            }
            RexNode argument = project.getProjects().get(c.getArgList().get(0));
            for (RexNode value : values(argument)) {
                if (!isExact(value)
                        && c.getAggregation().getKind() != SqlKind.MIN
                        && c.getAggregation().getKind() != SqlKind.MAX) {
                    return;
                }
                if (!cannotFail(value)) {
                    return;
                }
                SqlKind kind = preKind(c);
                if (!contains(preValues, preKinds, value, kind)) {
                    preValues.add(value);
                    preKinds.add(kind);
                }
            }
            if (!branchesValid(argument, side)) {
                return;
            }
        }
        RelBuilder b = call.builder();
        RexBuilder rex = b.getRexBuilder();
        RelNode summed = leftValues ? join.getLeft() : join.getRight();
        RelNode other = leftValues ? join.getRight() : join.getLeft();
        // The summed side, filtered and aggregated: its group fields, then one value per pre-aggregate.
        b.push(summed);
        if (!summedOnly.isEmpty()) {
            b.filter(summedOnly.stream().map(side::toSummed).toList());
        }
        List<RexNode> preProjects = new ArrayList<>();
        for (int f : groupFields) {
            preProjects.add(side.toSummed(RexInputRef.of(f, join.getRowType())));
        }
        for (RexNode value : preValues) {
            preProjects.add(side.toSummed(value));
        }
        b.project(preProjects);
        List<RelBuilder.AggCall> preCalls = new ArrayList<>();
        for (int i = 0; i < preValues.size(); i++) {
            RexNode field = b.field(groupFields.size() + i);
            preCalls.add(
                    switch (preKinds.get(i)) {
                        case MIN -> b.min(field);
                        case MAX -> b.max(field);
                        default -> b.sum(field);
                    });
        }
        b.aggregate(b.groupKey(ImmutableBitSet.range(groupFields.size())), preCalls);
        RelNode preAggregated = b.build();
        b.push(other);
        if (!otherOnly.isEmpty()) {
            b.filter(otherOnly.stream().map(side::toOther).toList());
        }
        RelNode filteredOther = b.build();
        // The new join hashes the pre-aggregated side (on the right): it has one row per key of
        // the summed side, no more than the other side's rows on a foreign key, and its keys then
        // filter the other side's scan.
        int otherCount = filteredOther.getRowType().getFieldCount();
        b.push(filteredOther).push(preAggregated);
        List<RexNode> joinConditions = new ArrayList<>();
        for (int[] key : keys) {
            joinConditions.add(
                    b.equals(b.field(2, 0, side.otherIndex(key[1])), b.field(2, 1, groupFields.indexOf(key[0]))));
        }
        b.join(JoinRelType.INNER, joinConditions);
        // Maps a field of the old join to the new join's fields.
        RexNodeMap map = new RexNodeMap(side, groupFields, otherCount, preValues, preKinds);
        List<RexNode> projects = new ArrayList<>();
        for (RexNode g : groupKeys) {
            projects.add(map.field(((RexInputRef) g).getIndex(), rex, b.peek()));
        }
        for (AggregateCall c : aggregate.getAggCallList()) {
            RexNode argument = project.getProjects().get(c.getArgList().get(0));
            projects.add(map.argument(argument, preKind(c), rex, b.peek()));
        }
        b.project(projects);
        List<RelBuilder.AggCall> calls = new ArrayList<>();
        List<AggregateCall> oldCalls = aggregate.getAggCallList();
        for (int i = 0; i < oldCalls.size(); i++) {
            RexNode field = b.field(groupKeys.size() + i);
            AggregateCall c = oldCalls.get(i);
            RelBuilder.AggCall newCall = switch (c.getAggregation().getKind()) {
                case MIN -> b.min(field);
                case MAX -> b.max(field);
                case SUM0 -> b.aggregateCall(SqlStdOperatorTable.SUM0, field);
                default -> b.sum(field);
            };
            calls.add(newCall.as(c.getName()));
        }
        b.aggregate(b.groupKey(ImmutableBitSet.range(groupKeys.size())), calls);
        b.convert(aggregate.getRowType(), false);
        call.transformTo(b.build());
    }

    /** Plain SUM, $SUM0, MIN and MAX of one argument. */
    private static boolean supported(AggregateCall c) {
        SqlKind kind = c.getAggregation().getKind();
        return (kind == SqlKind.SUM || kind == SqlKind.SUM0 || kind == SqlKind.MIN || kind == SqlKind.MAX)
                && !c.isDistinct()
                && !c.hasFilter()
                && !c.isApproximate()
                && c.getCollation().getFieldCollations().isEmpty()
                && c.distinctKeys == null
                && c.getArgList().size() == 1;
    }

    /** How a call's values are aggregated before the join ($SUM0 sums, and gives 0 for a NULL sum above). */
    private static SqlKind preKind(AggregateCall c) {
        SqlKind kind = c.getAggregation().getKind();
        return kind == SqlKind.SUM0 ? SqlKind.SUM : kind;
    }

    private static boolean contains(List<RexNode> values, List<SqlKind> kinds, RexNode value, SqlKind kind) {
        for (int i = 0; i < values.size(); i++) {
            if (values.get(i).equals(value) && kinds.get(i) == kind) {
                return true;
            }
        }
        return false;
    }

    /**
     * DECIMAL: sums that do not depend on the order of the additions and cannot overflow. (Integer
     * sums are checked: a partial sum per key can overflow where the sum over the joined rows does
     * not, since it also adds the rows whose CASE takes the other branch.)
     */
    private static boolean isExact(RexNode value) {
        return value.getType().getSqlTypeName() == SqlTypeName.DECIMAL;
    }

    /**
     * Whether a value cannot fail on any row: fields, literals, and DECIMAL or floating-point
     * {@code +}, {@code -}, {@code *} of such values, or the privacy rewrite's null-on-error form of
     * any call. The pre-aggregation computes the value for every row of its side, also those the
     * join or the CASE would never have evaluated it for (a division by a column that is 0 only on
     * such rows), so a value that can throw stays above the join.
     */
    static boolean cannotFail(RexNode value) {
        if (value instanceof RexInputRef || value instanceof RexLiteral) {
            return true;
        }
        if (!(value instanceof RexCall call)) {
            return false;
        }
        boolean total = call.getOperator() instanceof SafeOperator
                || (ARITHMETIC.contains(call.getKind())
                        && (call.getType().getSqlTypeName() == SqlTypeName.DECIMAL
                                || SqlTypeName.APPROX_TYPES.contains(
                                        call.getType().getSqlTypeName())));
        return total && call.getOperands().stream().allMatch(JoinPreAggregateRule::cannotFail);
    }

    private static final java.util.Set<SqlKind> ARITHMETIC =
            java.util.EnumSet.of(SqlKind.PLUS, SqlKind.MINUS, SqlKind.TIMES, SqlKind.MINUS_PREFIX, SqlKind.PLUS_PREFIX);

    /**
     * The values an argument aggregates, each read from the summed side: the argument itself, or
     * the non-literal branches of a CASE whose conditions read the other side (checked by {@link
     * #branchesValid}).
     */
    private static List<RexNode> values(RexNode argument) {
        if (argument.getKind() == SqlKind.CASE) {
            List<RexNode> operands = ((RexCall) argument).getOperands();
            List<RexNode> values = new ArrayList<>();
            for (int i = 0; i < operands.size(); i++) {
                boolean isValue = i % 2 == 1 || i == operands.size() - 1;
                if (isValue && !isZeroOrNull(operands.get(i))) {
                    values.add(operands.get(i));
                }
            }
            return values;
        }
        return isZeroOrNull(argument) ? List.of() : List.of(argument);
    }

    /** Whether each value reads the summed side only, and each CASE condition the other side only. */
    private static boolean branchesValid(RexNode argument, Side side) {
        if (argument.getKind() == SqlKind.CASE) {
            List<RexNode> operands = ((RexCall) argument).getOperands();
            for (int i = 0; i < operands.size(); i++) {
                boolean isValue = i % 2 == 1 || i == operands.size() - 1;
                RexNode operand = operands.get(i);
                ImmutableBitSet used = RelOptUtil.InputFinder.bits(operand);
                if (!RexUtil.isDeterministic(operand)) {
                    return false;
                }
                if (isValue ? !isZeroOrNull(operand) && !side.allSummed(used) : !side.allOther(used)) {
                    return false;
                }
            }
            return true;
        }
        return isZeroOrNull(argument) || side.allSummed(RelOptUtil.InputFinder.bits(argument));
    }

    /**
     * A literal 0 or NULL, possibly cast: a branch whose sum over any rows is itself. A literal of
     * another type (a DATE or VARCHAR branch of a MIN or MAX) is neither.
     */
    private static boolean isZeroOrNull(RexNode node) {
        RexNode e = node;
        while (e.getKind() == SqlKind.CAST) {
            e = ((RexCall) e).getOperands().get(0);
        }
        if (!(e instanceof RexLiteral literal)) {
            return false;
        }
        if (literal.isNull()) {
            return true;
        }
        if (!SqlTypeName.NUMERIC_TYPES.contains(literal.getType().getSqlTypeName())) {
            return false;
        }
        BigDecimal value = literal.getValueAs(BigDecimal.class);
        return value != null && value.signum() == 0;
    }

    /** Whether a side is a table scan under filters and projections. */
    private static boolean isScan(RelNode node) {
        RelNode n = node.stripped();
        while (n instanceof Filter || n instanceof Project) {
            n = n.getInput(0).stripped();
        }
        return n instanceof TableScan;
    }

    /** The summed side and the other one, in the fields of the old join. */
    private record Side(boolean left, int leftCount, int fieldCount) {
        boolean isSummed(int field) {
            return (field < leftCount) == left;
        }

        boolean allSummed(ImmutableBitSet used) {
            return used.asList().stream().allMatch(this::isSummed);
        }

        boolean allOther(ImmutableBitSet used) {
            return used.asList().stream().noneMatch(this::isSummed);
        }

        /** A field of the other side, in that side's own fields. */
        int otherIndex(int field) {
            return left ? field - leftCount : field;
        }

        /** An expression over summed-side fields, in that side's own fields. */
        RexNode toSummed(RexNode e) {
            return left ? e : RexUtil.shift(e, -leftCount);
        }

        /** An expression over other-side fields, in that side's own fields. */
        RexNode toOther(RexNode e) {
            return left ? RexUtil.shift(e, -leftCount) : e;
        }
    }

    /** Rewrites expressions of the old join's fields into the new join's. */
    private record RexNodeMap(
            Side side, List<Integer> groupFields, int otherCount, List<RexNode> preValues, List<SqlKind> preKinds) {
        RexNode field(int oldField, RexBuilder rex, RelNode newJoin) {
            int index =
                    side.isSummed(oldField) ? otherCount + groupFields.indexOf(oldField) : side.otherIndex(oldField);
            return rex.makeInputRef(newJoin, index);
        }

        RexNode argument(RexNode argument, SqlKind kind, RexBuilder rex, RelNode newJoin) {
            if (argument.getKind() == SqlKind.CASE) {
                List<RexNode> operands = ((RexCall) argument).getOperands();
                List<RexNode> mapped = new ArrayList<>();
                for (int i = 0; i < operands.size(); i++) {
                    boolean isValue = i % 2 == 1 || i == operands.size() - 1;
                    RexNode operand = operands.get(i);
                    mapped.add(isValue ? value(operand, kind, rex, newJoin) : other(operand, rex, newJoin));
                }
                return rex.makeCall(SqlStdOperatorTable.CASE, mapped);
            }
            return value(argument, kind, rex, newJoin);
        }

        private RexNode value(RexNode value, SqlKind kind, RexBuilder rex, RelNode newJoin) {
            if (isZeroOrNull(value)) {
                return value;
            }
            for (int i = 0; i < preValues.size(); i++) {
                if (preValues.get(i).equals(value) && preKinds.get(i) == kind) {
                    return rex.makeInputRef(newJoin, otherCount + groupFields.size() + i);
                }
            }
            throw new IllegalStateException("value not pre-aggregated: " + value);
        }

        /** A condition over the other side, moved to its fields in the new join. */
        private RexNode other(RexNode condition, RexBuilder rex, RelNode newJoin) {
            return side.toOther(condition);
        }
    }
}
