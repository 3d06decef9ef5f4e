package dev.veil.rewrite;

import java.util.List;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.logical.LogicalFilter;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexNode;

/**
 * Rewrites a filter (WHERE, HAVING, a join condition the converter left above a cross product):
 * checks each use in the condition and, over protected rows, makes the condition safe.
 */
final class FilterStep {
    private FilterStep() {}

    static Piece apply(Filter filter, Piece in, RewriteContext ctx) {
        List<RelDataType> inputTypes = in.rel().getRowType().getFieldList().stream()
                .map(f -> f.getType())
                .toList();
        RexNode condition = IntervalFunctions.resolve(
                filter.getCondition().accept(new Retype(ctx.typeFactory(), inputTypes)), in.fields(), ctx.rexBuilder());
        ExpressionChecks.check(condition, in.fields(), ExpressionChecks.Use.WHERE, in.unit(), ctx.principal());
        JoinOnlyKeys.checkCondition(condition, in.fields(), ctx.principal(), ExpressionChecks.Use.WHERE.where);
        if (in.isProtected()) {
            condition = SafeExpressions.apply(ctx.rexBuilder(), inputTypes, condition);
        }
        return new Piece(
                LogicalFilter.create(
                        in.rel(), condition, com.google.common.collect.ImmutableSet.copyOf(filter.getVariablesSet())),
                in.width(),
                in.fields(),
                in.unit());
    }
}
