package dev.veil.rewrite;

import dev.veil.plan.ReleaseOrder;
import dev.veil.policy.MinGroupSize;
import dev.veil.policy.Strictest;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.calcite.rel.RelCollations;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.logical.LogicalAggregate;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.logical.LogicalJoin;
import org.apache.calcite.rel.logical.LogicalProject;
import org.apache.calcite.rel.logical.LogicalUnion;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Enforces the privacy boundary: the first aggregate above protected rows that is not grouped by
 * their unit. Its aggregates must combine rows (see {@link BoundaryFunctions}); with a minimum
 * group size k it also counts the distinct privacy units of every group (of every grouping set,
 * for GROUPING SETS, ROLLUP and CUBE) and keeps the groups with at least k of them. In REMAINDER
 * mode the smaller groups are folded into one row with NULL keys, whose aggregates cover all of
 * their rows, and which is itself dropped when it holds fewer than k units. The unit count is
 * never part of the output. The released rows leave sorted ({@link ReleaseOrder}), in an order
 * that does not depend on the order of the data.
 */
final class BoundaryRewrite {
    private static final String UNITS = "$units";

    private BoundaryRewrite() {}

    static Piece apply(Aggregate aggregate, Piece in, List<AggregateCall> calls, RewriteContext ctx) {
        UnitHandle unit = in.unit().orElseThrow();
        Optional<dev.veil.policy.DifferentialPrivacy> dp = Strictest.differentialPrivacy(unit.sources());
        if (dp.isPresent()) {
            return DpBoundary.apply(aggregate, in, calls, dp.get(), Strictest.minGroupSize(unit.sources()), ctx);
        }
        BoundaryFunctions.checkBoundary(calls, in.fields(), unit, ctx.principal());
        int width = aggregate.getRowType().getFieldCount();
        Optional<MinGroupSize> size = Strictest.minGroupSize(unit.sources());
        if (size.isEmpty()) {
            ctx.log()
                    .rewrite("Aggregate over protected rows of " + unit.tableNames()
                            + " is the privacy boundary (no minimum group size applies)");
            RelNode rel = aggregate.copy(
                    aggregate.getTraitSet(), in.rel(), aggregate.getGroupSet(), aggregate.getGroupSets(), calls);
            return released(rel, width, aggregate, in, calls);
        }
        int k = size.get().k();
        Piece resolved = UnitResolver.resolve(in, ctx);
        int unitField = resolved.unit().orElseThrow().primary();
        RelNode input = resolved.rel();
        List<AggregateCall> inputCalls = Retype.aggregateCalls(calls, in.rel(), input, aggregate.getGroupCount());
        boolean remainder = size.get().remainder()
                && aggregate.getGroupType() == Aggregate.Group.SIMPLE
                && aggregate.getGroupCount() > 0;
        if (size.get().remainder() && aggregate.getGroupType() != Aggregate.Group.SIMPLE) {
            throw PrivacyErrors.violation("The minimum group size of " + unit.tableNames()
                    + " folds small groups into a remainder row, which GROUPING SETS, ROLLUP and CUBE do not "
                    + "support; group by plain columns");
        }
        RelNode rel = remainder
                ? remainder(aggregate, input, inputCalls, unitField, k, ctx)
                : suppress(aggregate, input, inputCalls, unitField, k, ctx);
        String grouping = aggregate.getGroupType() == Aggregate.Group.SIMPLE ? "group" : "group of each grouping set";
        ctx.log()
                .rewrite("Aggregate over protected rows of " + unit.tableNames() + " is the privacy boundary: each "
                        + grouping + " must hold at least " + k + " distinct privacy units (" + unit.domain()
                        + "); smaller "
                        + (remainder
                                ? "groups are folded into one remainder row with NULL keys (itself dropped below " + k
                                        + " units)"
                                : "groups are dropped")
                        + "; the unit count is not output");
        return released(rel, width, aggregate, in, calls);
    }

    /**
     * The boundary's rows as they leave it: sorted ({@link ReleaseOrder}), since the order in which
     * an aggregate meets its groups depends on where each unit's rows are stored.
     */
    private static Piece released(RelNode rel, int width, Aggregate aggregate, Piece in, List<AggregateCall> calls) {
        List<FieldInfo> fields = AggregateStep.outputFields(aggregate, in, calls, false);
        return new Piece(ReleaseOrder.create(rel), width, fields, Optional.empty());
    }

    /** The aggregate with a count of distinct units, groups below k dropped, the count projected away. */
    private static RelNode suppress(
            Aggregate aggregate, RelNode input, List<AggregateCall> calls, int unitField, int k, RewriteContext ctx) {
        RelNode counted = thresholded(
                aggregate,
                aggregate.getGroupSet(),
                aggregate.getGroupSets(),
                input,
                calls,
                unitField,
                k,
                SqlKind.GREATER_THAN_OR_EQUAL,
                ctx);
        return firstFields(counted, aggregate.getRowType().getFieldCount(), ctx);
    }

    private static RelNode remainder(
            Aggregate aggregate, RelNode input, List<AggregateCall> calls, int unitField, int k, RewriteContext ctx) {
        RexBuilder rex = ctx.rexBuilder();
        ImmutableBitSet keys = aggregate.getGroupSet();
        int keyCount = keys.cardinality();
        int width = aggregate.getRowType().getFieldCount();

        RelNode big = firstFields(
                thresholded(aggregate, keys, null, input, calls, unitField, k, SqlKind.GREATER_THAN_OR_EQUAL, ctx),
                width,
                ctx);

        RelNode smallGroups = firstFields(
                thresholded(aggregate, keys, null, input, List.of(), unitField, k, SqlKind.LESS_THAN, ctx),
                keyCount,
                ctx);
        int inputFields = input.getRowType().getFieldCount();
        List<RexNode> matches = new ArrayList<>();
        List<Integer> keyList = keys.asList();
        for (int i = 0; i < keyCount; i++) {
            matches.add(rex.makeCall(
                    SqlStdOperatorTable.IS_NOT_DISTINCT_FROM,
                    rex.makeInputRef(input, keyList.get(i)),
                    new RexInputRef(
                            inputFields + i,
                            smallGroups.getRowType().getFieldList().get(i).getType())));
        }
        RelNode smallRows = LogicalJoin.create(
                input, smallGroups, List.of(), RexUtil.composeConjunction(rex, matches), Set.of(), JoinRelType.SEMI);
        List<AggregateCall> restCalls = calls.stream()
                .map(c -> AggregateCall.create(
                        c.getParserPosition(),
                        c.getAggregation(),
                        c.isDistinct(),
                        c.isApproximate(),
                        c.ignoreNulls(),
                        c.rexList,
                        c.getArgList(),
                        c.filterArg,
                        c.distinctKeys,
                        c.getCollation(),
                        0,
                        smallRows,
                        null,
                        c.name))
                .toList();
        RelNode rest = thresholded(
                aggregate,
                ImmutableBitSet.of(),
                null,
                smallRows,
                restCalls,
                unitField,
                k,
                SqlKind.GREATER_THAN_OR_EQUAL,
                ctx);

        // Both branches get the output's types with nullable keys, the rest row NULL in every key.
        List<RelDataType> types = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            RelDataType a = big.getRowType().getFieldList().get(i).getType();
            RelDataType b = i < keyCount
                    ? a
                    : rest.getRowType().getFieldList().get(i - keyCount).getType();
            RelDataType common = ctx.typeFactory().leastRestrictive(List.of(a, b));
            types.add(ctx.typeFactory()
                    .createTypeWithNullability(
                            common != null ? common : a, i < keyCount || a.isNullable() || b.isNullable()));
        }
        List<String> names = aggregate.getRowType().getFieldNames();
        List<RexNode> bigExprs = new ArrayList<>();
        List<RexNode> restExprs = new ArrayList<>();
        for (int i = 0; i < width; i++) {
            bigExprs.add(ColumnPolicyExpressions.conform(rex, rex.makeInputRef(big, i), types.get(i)));
            restExprs.add(
                    i < keyCount
                            ? rex.makeNullLiteral(types.get(i))
                            : ColumnPolicyExpressions.conform(rex, rex.makeInputRef(rest, i - keyCount), types.get(i)));
        }
        RelNode bigRows = LogicalProject.create(big, List.of(), bigExprs, names, Set.of());
        RelNode restRow = LogicalProject.create(rest, List.of(), restExprs, names, Set.of());
        return LogicalUnion.create(List.of(bigRows, restRow), true);
    }

    /** The aggregate of {@code calls} by {@code keys} plus the distinct unit count, filtered by count OP k. */
    private static RelNode thresholded(
            Aggregate aggregate,
            ImmutableBitSet keys,
            List<ImmutableBitSet> groupSets,
            RelNode input,
            List<AggregateCall> calls,
            int unitField,
            int k,
            SqlKind comparison,
            RewriteContext ctx) {
        RexBuilder rex = ctx.rexBuilder();
        AggregateCall units = AggregateCall.create(
                SqlStdOperatorTable.COUNT,
                true,
                false,
                false,
                List.of(),
                List.of(unitField),
                -1,
                null,
                RelCollations.EMPTY,
                keys.cardinality(),
                input,
                null,
                UNITS);
        List<AggregateCall> all = new ArrayList<>(calls);
        all.add(units);
        RelNode counted = LogicalAggregate.create(input, aggregate.getHints(), keys, groupSets, all);
        int count = counted.getRowType().getFieldCount() - 1;
        RexNode threshold =
                rex.makeExactLiteral(BigDecimal.valueOf(k), ctx.typeFactory().createSqlType(SqlTypeName.BIGINT));
        RexNode condition = rex.makeCall(
                comparison == SqlKind.LESS_THAN
                        ? SqlStdOperatorTable.LESS_THAN
                        : SqlStdOperatorTable.GREATER_THAN_OR_EQUAL,
                rex.makeInputRef(counted, count),
                threshold);
        return LogicalFilter.create(counted, condition);
    }

    private static RelNode firstFields(RelNode rel, int n, RewriteContext ctx) {
        List<RexNode> exprs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            exprs.add(ctx.rexBuilder().makeInputRef(rel, i));
        }
        return LogicalProject.create(
                rel, List.of(), exprs, rel.getRowType().getFieldNames().subList(0, n), Set.of());
    }
}
