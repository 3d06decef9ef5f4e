package dev.veil.plan;

import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Makes integer arithmetic checked: {@code +}, {@code -}, {@code *}, {@code /} and unary minus
 * whose result is TINYINT, SMALLINT, INTEGER or BIGINT become Calcite's checked operators, which
 * throw on overflow (NUMERIC_OUT_OF_RANGE) where Java's arithmetic would silently wrap. DECIMAL
 * arithmetic is exact and floating-point arithmetic cannot overflow into a wrong value, so they
 * are left alone. ABS and ROUND of integers are not checked yet (a known bug, see
 * docs/sql-reference.md).
 * Applied to every plan before the privacy rewrite; on protected rows the rewrite then turns an
 * overflow into NULL like any other failure.
 */
public final class CheckedArithmetic extends RelHomogeneousShuttle {
    private final Calls calls;

    private CheckedArithmetic(RexBuilder rex) {
        this.calls = new Calls(rex);
    }

    /** {@code plan} with its integer arithmetic checked. */
    public static RelNode apply(RelNode plan) {
        return plan.accept(new CheckedArithmetic(plan.getCluster().getRexBuilder()));
    }

    @Override
    public RelNode visit(RelNode other) {
        return super.visit(other).accept(calls);
    }

    /** {@code call} as checked arithmetic if it is integer arithmetic, else {@code call} itself. */
    public static RexCall checked(RexBuilder rex, RexCall call) {
        SqlOperator checked = switch (call.getKind()) {
            case PLUS -> SqlStdOperatorTable.CHECKED_PLUS;
            case MINUS -> SqlStdOperatorTable.CHECKED_MINUS;
            case TIMES -> SqlStdOperatorTable.CHECKED_MULTIPLY;
            case DIVIDE -> SqlStdOperatorTable.CHECKED_DIVIDE;
            case MINUS_PREFIX -> SqlStdOperatorTable.CHECKED_UNARY_MINUS;
            default -> null;
        };
        if (checked == null
                || !isInteger(call.getType().getSqlTypeName())
                || !call.getOperands().stream()
                        .allMatch(o -> isInteger(o.getType().getSqlTypeName()))) {
            return call;
        }
        return (RexCall) rex.makeCall(call.getType(), checked, call.getOperands());
    }

    private static boolean isInteger(SqlTypeName type) {
        return switch (type) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> true;
            default -> false;
        };
    }

    private static final class Calls extends RexShuttle {
        private final RexBuilder rex;

        Calls(RexBuilder rex) {
            this.rex = rex;
        }

        @Override
        public RexNode visitCall(RexCall call) {
            RexNode visited = super.visitCall(call);
            return visited instanceof RexCall c ? checked(rex, c) : visited;
        }
    }
}
