package dev.veil.plan;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Makes integer arithmetic checked: {@code +}, {@code -}, {@code *}, {@code /} and unary minus
 * whose result is TINYINT, SMALLINT, INTEGER or BIGINT become Calcite's checked operators, which
 * throw on overflow (NUMERIC_OUT_OF_RANGE) where Java's arithmetic would silently wrap. DECIMAL
 * arithmetic is exact and floating-point arithmetic cannot overflow into a wrong value, so they
 * are left alone. {@code ABS} of an integer and {@code ROUND}/{@code TRUNCATE} of any number
 * become their {@link CheckedFunction}. A cast of a floating-point value to TINYINT, SMALLINT or
 * INTEGER goes through BIGINT, whose conversion rejects NaN and the infinities (Calcite's direct
 * conversion makes NaN 0). {@code RAND} and {@code RAND_INTEGER} get their seed and bound as
 * INTEGER, the only type Calcite's implementation takes (a BIGINT failed to compile).
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
        RexCall function = CheckedFunction.checked(rex, call);
        if (function != null) {
            return function;
        }
        if (call.getKind() == SqlKind.CAST) {
            return checkedCast(rex, call);
        }
        if (call.getOperator() == SqlStdOperatorTable.RAND || call.getOperator() == SqlStdOperatorTable.RAND_INTEGER) {
            return integerArguments(rex, call);
        }
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

    /** A cast of a floating-point value to a narrower integer, through BIGINT (NaN fails there). */
    private static RexCall checkedCast(RexBuilder rex, RexCall cast) {
        RexNode operand = cast.getOperands().get(0);
        SqlTypeName to = cast.getType().getSqlTypeName();
        if (cast.getOperands().size() != 1
                || !SqlTypeUtil.isApproximateNumeric(operand.getType())
                || !isInteger(to)
                || to == SqlTypeName.BIGINT) {
            return cast;
        }
        RelDataTypeFactory types = rex.getTypeFactory();
        RelDataType bigint = types.createTypeWithNullability(
                types.createSqlType(SqlTypeName.BIGINT), operand.getType().isNullable());
        return (RexCall)
                rex.makeCall(cast.getType(), cast.getOperator(), List.of(rex.makeAbstractCast(bigint, operand, false)));
    }

    /** {@code RAND} or {@code RAND_INTEGER} with each exact argument that is no INTEGER cast to INTEGER. */
    private static RexCall integerArguments(RexBuilder rex, RexCall call) {
        List<RexNode> operands = new ArrayList<>();
        boolean changed = false;
        for (RexNode operand : call.getOperands()) {
            SqlTypeName type = operand.getType().getSqlTypeName();
            if (isInteger(type) && type != SqlTypeName.INTEGER) {
                RelDataTypeFactory types = rex.getTypeFactory();
                RelDataType integer = types.createTypeWithNullability(
                        types.createSqlType(SqlTypeName.INTEGER),
                        operand.getType().isNullable());
                operand = rex.makeAbstractCast(integer, operand, false);
                changed = true;
            }
            operands.add(operand);
        }
        return changed ? (RexCall) rex.makeCall(call.getType(), call.getOperator(), operands) : call;
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
