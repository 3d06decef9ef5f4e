package dev.veil.rewrite;

import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Rewrites expressions evaluated on protected rows so that a data value cannot make the query
 * fail: an error that depends on one row's value would tell whether that row exists, around every
 * policy. Exact division and remainder by zero yield NULL, and casts that can fail (text to
 * number or date, narrowing numbers) become safe casts that yield NULL.
 */
final class SafeExpressions extends Retype {
    private final RexBuilder rex;

    private SafeExpressions(RexBuilder rex, List<RelDataType> inputTypes) {
        super(rex.getTypeFactory(), inputTypes);
        this.rex = rex;
    }

    /** {@code expressions} over fields of {@code inputTypes}, made safe. */
    static List<RexNode> apply(RexBuilder rex, List<RelDataType> inputTypes, List<RexNode> expressions) {
        SafeExpressions safe = new SafeExpressions(rex, inputTypes);
        return expressions.stream().map(e -> e.accept(safe)).toList();
    }

    static RexNode apply(RexBuilder rex, List<RelDataType> inputTypes, RexNode expression) {
        return expression.accept(new SafeExpressions(rex, inputTypes));
    }

    @Override
    RexNode rewriteCall(RexCall call) {
        if ((call.getKind() == SqlKind.DIVIDE || call.getKind() == SqlKind.MOD) && call.getOperands().size() == 2) {
            return safeDivision(call);
        }
        if (call.getKind() == SqlKind.CAST && call.getOperands().size() == 1 && canFail(call)) {
            // A safe cast yields NULL for a value it cannot convert, so its type must admit NULL.
            RelDataType type = rex.getTypeFactory().createTypeWithNullability(call.getType(), true);
            return rex.makeCast(type, call.getOperands().get(0), false, true);
        }
        return call;
    }

    /**
     * {@code a / b} becomes {@code a / CASE WHEN b = 0 THEN NULL ELSE b END}: the division never
     * sees a zero. (Guarding the division itself with a CASE is not enough: the optimizer turns
     * {@code SUM(CASE WHEN c THEN NULL ELSE a / b END)} into {@code SUM(a / b) FILTER (WHERE NOT c)},
     * which divides before it filters.)
     */
    private RexNode safeDivision(RexCall call) {
        RexNode divisor = call.getOperands().get(1);
        if (!SqlTypeUtil.isExactNumeric(divisor.getType())) {
            return call;
        }
        if (divisor instanceof RexLiteral literal) {
            BigDecimal value = literal.getValueAs(BigDecimal.class);
            if (value != null && value.signum() != 0) {
                return call;
            }
        }
        RelDataTypeFactory types = rex.getTypeFactory();
        RelDataType divisorType = types.createTypeWithNullability(divisor.getType(), true);
        RexNode zero = rex.makeZeroLiteral(types.createTypeWithNullability(divisor.getType(), false));
        RexNode guarded = rex.makeCall(divisorType, SqlStdOperatorTable.CASE, List.of(
                rex.makeCall(SqlStdOperatorTable.EQUALS, divisor, zero),
                rex.makeNullLiteral(divisorType),
                ColumnPolicyExpressions.conform(rex, divisor, divisorType)));
        RelDataType type = types.createTypeWithNullability(call.getType(), true);
        return call.clone(type, List.of(call.getOperands().get(0), guarded));
    }

    /** Whether a cast can throw for some value: from text, or to a narrower exact number. */
    private static boolean canFail(RexCall cast) {
        RelDataType from = cast.getOperands().get(0).getType();
        RelDataType to = cast.getType();
        if (SqlTypeUtil.inCharFamily(from)) {
            return !SqlTypeUtil.inCharFamily(to);
        }
        if (SqlTypeUtil.isNumeric(from) && SqlTypeUtil.isExactNumeric(to)) {
            return !widens(from, to);
        }
        if (from.getFamily() == SqlTypeFamily.BOOLEAN || to.getFamily() == SqlTypeFamily.CHARACTER) {
            return false;
        }
        return from.getSqlTypeName() != to.getSqlTypeName() && SqlTypeUtil.isNumeric(to);
    }

    private static boolean widens(RelDataType from, RelDataType to) {
        SqlTypeName f = from.getSqlTypeName();
        SqlTypeName t = to.getSqlTypeName();
        if (!SqlTypeUtil.isExactNumeric(from)) {
            return false;
        }
        if (f == t && f != SqlTypeName.DECIMAL) {
            return true;
        }
        int fromDigits = integerDigits(from);
        int toDigits = integerDigits(to);
        return toDigits >= fromDigits && (t != SqlTypeName.DECIMAL || to.getScale() >= Math.max(0, from.getScale()));
    }

    private static int integerDigits(RelDataType type) {
        return switch (type.getSqlTypeName()) {
            case TINYINT -> 3;
            case SMALLINT -> 5;
            case INTEGER -> 10;
            case BIGINT -> 19;
            case DECIMAL -> type.getPrecision() - type.getScale();
            default -> Integer.MAX_VALUE;
        };
    }
}
