package dev.veil.rewrite;

import dev.veil.plan.CheckedArithmetic;
import dev.veil.plan.SafeOperator;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Makes expressions evaluated on protected rows total: no data value can make the query fail, or
 * make one row cost more than a small constant. An error that depends on one row's value would
 * tell whether that row exists, around every policy, and so would a run time that does.
 *
 * <p>A call is left as it is only when it cannot fail: the logical connectives, comparisons,
 * {@code IS [NOT] NULL} and friends, {@code CASE}, {@code COALESCE}, floating-point and DECIMAL
 * {@code + - *}, floating-point division, and casts that cannot fail. Every other call becomes
 * its {@link SafeOperator} form, which yields NULL where the call would throw (so a WHERE
 * condition that would fail is unknown and drops the row). Integer arithmetic becomes checked
 * arithmetic first, so an overflow is NULL too, never a wrapped value. Functions whose result
 * grows with a value are capped by {@link dev.veil.plan.SafeCalls}. A pattern (LIKE, SIMILAR TO, regular
 * expressions) must be a constant of the query, or the query is rejected: a pattern taken from
 * the data could make one row's match arbitrarily slow.
 */
final class SafeExpressions extends Retype {
    private static final Set<SqlKind> TOTAL = EnumSet.of(
            SqlKind.AND,
            SqlKind.OR,
            SqlKind.NOT,
            SqlKind.IS_NULL,
            SqlKind.IS_NOT_NULL,
            SqlKind.IS_TRUE,
            SqlKind.IS_NOT_TRUE,
            SqlKind.IS_FALSE,
            SqlKind.IS_NOT_FALSE,
            SqlKind.IS_DISTINCT_FROM,
            SqlKind.IS_NOT_DISTINCT_FROM,
            SqlKind.CASE,
            SqlKind.COALESCE,
            SqlKind.EQUALS,
            SqlKind.NOT_EQUALS,
            SqlKind.LESS_THAN,
            SqlKind.LESS_THAN_OR_EQUAL,
            SqlKind.GREATER_THAN,
            SqlKind.GREATER_THAN_OR_EQUAL,
            SqlKind.SEARCH,
            SqlKind.PLUS_PREFIX);

    private static final Set<SqlKind> ARITHMETIC =
            EnumSet.of(SqlKind.PLUS, SqlKind.MINUS, SqlKind.TIMES, SqlKind.MINUS_PREFIX);

    private static final Set<SqlKind> PATTERNS = EnumSet.of(
            SqlKind.LIKE,
            SqlKind.SIMILAR,
            SqlKind.RLIKE,
            SqlKind.POSIX_REGEX_CASE_SENSITIVE,
            SqlKind.POSIX_REGEX_CASE_INSENSITIVE);

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
        if (call.getOperator() instanceof SafeOperator) {
            return call;
        }
        checkPattern(call);
        RexCall checked = CheckedArithmetic.checked(rex, call);
        if (isTotal(checked)) {
            return checked;
        }
        return SafeOperator.wrap(rex, checked);
    }

    /** Whether a call can never throw on any operand values (nor cost more than its operands' sizes). */
    private static boolean isTotal(RexCall call) {
        SqlKind kind = call.getKind();
        if (TOTAL.contains(kind)) {
            return true;
        }
        RelDataType type = call.getType();
        if (ARITHMETIC.contains(kind)) {
            return SqlTypeUtil.isApproximateNumeric(type) || SqlTypeUtil.isDecimal(type);
        }
        if (kind == SqlKind.DIVIDE) {
            return SqlTypeUtil.isApproximateNumeric(type);
        }
        if (kind == SqlKind.CAST && call.getOperands().size() == 1) {
            return !canFail(call);
        }
        return false;
    }

    /** Rejects a pattern that is not a constant: matching it could cost any time, per row. */
    private static void checkPattern(RexCall call) {
        String name = call.getOperator().getName().toUpperCase(Locale.ROOT);
        boolean pattern = PATTERNS.contains(call.getKind())
                || name.startsWith("REGEXP")
                || name.contains("LIKE")
                || name.contains("SIMILAR");
        if (!pattern) {
            return;
        }
        // The pattern is the second operand; LIKE and SIMILAR TO may have an escape character third.
        int last = PATTERNS.contains(call.getKind()) ? call.getOperands().size() - 1 : 1;
        for (int i = 1; i <= last && i < call.getOperands().size(); i++) {
            if (!RexUtil.isLiteral(call.getOperands().get(i), true)) {
                throw PrivacyErrors.violation(
                        "The pattern of " + call.getOperator().getName()
                                + " must be a constant where it is matched against rows protected by a privacy unit"
                                + " (a pattern computed from the data could make one row's match arbitrarily slow)");
            }
        }
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
