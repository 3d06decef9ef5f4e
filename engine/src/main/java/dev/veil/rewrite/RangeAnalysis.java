package dev.veil.rewrite;

import dev.veil.plan.SafeOperator;
import java.math.BigDecimal;
import java.util.List;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * Interval arithmetic over expressions: the range of an expression's values given the ranges of
 * the fields it reads. Sound but simple: an operator it does not know yields an unknown range,
 * never a wrong one. A differentially private SUM needs a bounded range for its argument.
 */
final class RangeAnalysis {
    private RangeAnalysis() {}

    /** The range of {@code e} over fields described by {@code inputs}. */
    static ValueRange of(RexNode e, List<FieldInfo> inputs) {
        ValueRange r = range(e, inputs);
        return r == null ? ValueRange.UNKNOWN : r;
    }

    /** The range, or null for an expression that is always NULL (it adds no value to a union). */
    private static ValueRange range(RexNode e, List<FieldInfo> inputs) {
        if (e instanceof RexInputRef ref) {
            return inputs.get(ref.getIndex()).range();
        }
        if (e instanceof RexLiteral literal) {
            if (literal.isNull()) {
                return null;
            }
            // A SEARCH's range set (SARG) has the type of the values it tests, but is no single number.
            if (SqlTypeFamily.NUMERIC.contains(literal.getType()) && literal.getTypeName() != SqlTypeName.SARG) {
                BigDecimal value = literal.getValueAs(BigDecimal.class);
                return value == null ? ValueRange.UNKNOWN : ValueRange.point(value.doubleValue());
            }
            return ValueRange.UNKNOWN;
        }
        if (!(e instanceof RexCall call)) {
            return ValueRange.UNKNOWN;
        }
        List<RexNode> operands = call.getOperands();
        // A null-on-error call has the range of the call it makes safe (its NULLs add no value).
        org.apache.calcite.sql.SqlOperator operator =
                call.getOperator() instanceof SafeOperator safe ? safe.inner() : call.getOperator();
        String kind = operator.getKind().name();
        if (kind.startsWith("CHECKED_")) {
            kind = kind.substring("CHECKED_".length());
        }
        switch (kind) {
            case "CAST", "SAFE_CAST" -> {
                ValueRange inner = range(operands.get(0), inputs);
                if (inner == null || !SqlTypeFamily.NUMERIC.contains(call.getType())) {
                    return inner == null ? null : ValueRange.UNKNOWN;
                }
                return SqlTypeName.EXACT_TYPES.contains(call.getType().getSqlTypeName())
                                && call.getType().getScale() <= 0
                        ? inner.integral()
                        : inner;
            }
            case "PLUS", "MINUS", "TIMES", "DIVIDE" -> {
                if (operands.size() != 2 || !SqlTypeFamily.NUMERIC.contains(call.getType())) {
                    return ValueRange.UNKNOWN;
                }
                ValueRange a = range(operands.get(0), inputs);
                ValueRange b = range(operands.get(1), inputs);
                if (a == null || b == null) {
                    return null;
                }
                return switch (kind) {
                    case "PLUS" -> a.plus(b);
                    case "MINUS" -> a.minus(b);
                    case "TIMES" -> a.times(b);
                    default -> a.dividedBy(b);
                };
            }
            case "MINUS_PREFIX" -> {
                ValueRange a = range(operands.get(0), inputs);
                return a == null ? null : a.negate();
            }
            case "PLUS_PREFIX" -> {
                return range(operands.get(0), inputs);
            }
            case "CASE" -> {
                // WHEN c1 THEN v1 ... [ELSE v]: the values sit at odd positions and last.
                ValueRange result = null;
                for (int i = 1; i < operands.size(); i += 2) {
                    result = union(result, range(operands.get(i), inputs));
                }
                if (operands.size() % 2 == 1) {
                    result = union(result, range(operands.get(operands.size() - 1), inputs));
                }
                return result;
            }
            case "COALESCE" -> {
                ValueRange result = null;
                for (RexNode operand : operands) {
                    result = union(result, range(operand, inputs));
                }
                return result;
            }
            case "GREATEST", "LEAST" -> {
                ValueRange result = null;
                for (RexNode operand : operands) {
                    ValueRange r = range(operand, inputs);
                    if (r == null) {
                        return null;
                    }
                    result = result == null
                            ? r
                            : kind.equals("GREATEST")
                                    ? new ValueRange(Math.max(result.low(), r.low()), Math.max(result.high(), r.high()))
                                    : new ValueRange(
                                            Math.min(result.low(), r.low()), Math.min(result.high(), r.high()));
                }
                return result;
            }
            default -> {
                if (operator == GroupBounds.FUNCTION) {
                    return range(operands.get(0), inputs); // the value itself, row by row
                }
                if (operator.getName().equalsIgnoreCase("ABS") && operands.size() == 1) {
                    ValueRange a = range(operands.get(0), inputs);
                    return a == null ? null : a.abs();
                }
                return ValueRange.UNKNOWN;
            }
        }
    }

    private static ValueRange union(ValueRange a, ValueRange b) {
        if (a == null) {
            return b;
        }
        return b == null ? a : a.union(b);
    }
}
