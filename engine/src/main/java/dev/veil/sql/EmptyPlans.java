package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.plan.RelOptPredicateList;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Intersect;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.Minus;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexSimplify;
import org.apache.calcite.rex.RexUtil;

/**
 * Whether a logical plan returns no rows whatever the data: a zero-row probe, such as the
 * {@code WHERE 1 = 0} or {@code LIMIT 0} BI tools send to learn a result's columns. Decided on
 * the plan's shape and its constants only, never on data, statistics or metadata estimates (a
 * data-dependent answer would leak): a filter or inner join condition that Calcite's simplifier
 * reduces to FALSE or NULL, a {@code FETCH} of literal 0, an empty {@code VALUES}, and the
 * operators that keep an empty input empty (a projection, a grouped aggregate, an inner or semi
 * join with an empty side, a union of empty inputs, ...). Anything else, including an aggregate
 * without GROUP BY (it returns one row) and an outer join's preserved side, is not empty.
 */
final class EmptyPlans {
    private EmptyPlans() {}

    /** Whether {@code plan} returns no rows for every content of the tables it reads. */
    static boolean alwaysEmpty(RelNode plan) {
        requireNonNull(plan, "plan is null");
        if (plan instanceof Values values) {
            return values.getTuples().isEmpty();
        }
        if (plan instanceof Filter filter) {
            return alwaysFalse(filter, filter.getCondition()) || alwaysEmpty(filter.getInput());
        }
        if (plan instanceof Project || plan instanceof Window) {
            return alwaysEmpty(plan.getInput(0));
        }
        if (plan instanceof Sort sort) {
            return isZero(sort.fetch) || alwaysEmpty(sort.getInput());
        }
        if (plan instanceof Aggregate aggregate) {
            // Without a group key (or with a grand-total grouping set) an aggregate returns a row of an empty input.
            return aggregate.getGroupSets().stream().noneMatch(set -> set.isEmpty())
                    && alwaysEmpty(aggregate.getInput());
        }
        if (plan instanceof Join join) {
            boolean left = alwaysEmpty(join.getLeft());
            boolean right = alwaysEmpty(join.getRight());
            return switch (join.getJoinType()) {
                case INNER, SEMI -> left || right || alwaysFalse(join, join.getCondition());
                case LEFT, ANTI -> left;
                case RIGHT -> right;
                case FULL -> left && right;
                default -> false;
            };
        }
        if (plan instanceof Correlate correlate) {
            boolean left = alwaysEmpty(correlate.getLeft());
            return switch (correlate.getJoinType()) {
                case INNER, SEMI -> left || alwaysEmpty(correlate.getRight());
                case LEFT, ANTI -> left;
                default -> false;
            };
        }
        if (plan instanceof Union) {
            return plan.getInputs().stream().allMatch(EmptyPlans::alwaysEmpty);
        }
        if (plan instanceof Intersect) {
            return plan.getInputs().stream().anyMatch(EmptyPlans::alwaysEmpty);
        }
        if (plan instanceof Minus) {
            List<RelNode> inputs = plan.getInputs();
            return !inputs.isEmpty() && alwaysEmpty(inputs.get(0));
        }
        return false;
    }

    /** Whether a condition is FALSE (or NULL) once Calcite simplifies its constants; it is never evaluated on rows. */
    private static boolean alwaysFalse(RelNode node, RexNode condition) {
        try {
            RexSimplify simplify =
                    new RexSimplify(node.getCluster().getRexBuilder(), RelOptPredicateList.EMPTY, RexUtil.EXECUTOR);
            return simplify.simplifyUnknownAsFalse(condition).isAlwaysFalse();
        } catch (RuntimeException e) {
            // A constant that does not simplify (for instance one that fails) makes no probe.
            return false;
        }
    }

    private static boolean isZero(RexNode fetch) {
        return fetch instanceof RexLiteral literal
                && literal.getValue() instanceof BigDecimal value
                && value.signum() == 0;
    }
}
