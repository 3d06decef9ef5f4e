package dev.veil.rewrite;

import dev.veil.catalog.TableName;
import dev.veil.policy.Bounds;
import dev.veil.policy.Mask;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * The expressions that replace a column's raw value directly above the scan: a mask
 * ({@code MASKED USING f}) or clamping into the bounds of an {@code AGGREGATE ONLY BOUNDS} column.
 * Every expression has exactly the type the principal's view of the table declares, and none can
 * fail on a data value (casts that could overflow are safe casts, yielding NULL).
 */
final class ColumnPolicyExpressions {
    private static final String REDACTED = "***";

    private ColumnPolicyExpressions() {}

    /** {@code mask(value)} typed as {@code target}; INVALID_POLICY when the mask does not fit the column type. */
    static RexNode mask(
            RexBuilder rex, RexNode value, Mask mask, RelDataType target, MaskKey key, TableName table, String column) {
        RelDataTypeFactory types = rex.getTypeFactory();
        SqlTypeName type = value.getType().getSqlTypeName();
        RexNode result = switch (mask.kind()) {
            case NULLIFY -> rex.makeNullLiteral(target);
            case REDACT ->
                isText(type)
                        ? rex.makeCall(
                                SqlStdOperatorTable.CASE,
                                rex.makeCall(SqlStdOperatorTable.IS_NULL, value),
                                rex.makeNullLiteral(target),
                                rex.makeCast(target, rex.makeLiteral(REDACTED)))
                        : rex.makeNullLiteral(target);
            case HASH ->
                rex.makeCall(target, MaskOperators.HASH, List.of(rex.makeLiteral(key.id()), asText(rex, value)));
            case SHOW_LAST ->
                rex.makeCall(
                        target,
                        MaskOperators.SHOW_LAST,
                        List.of(asText(rex, value), intLiteral(rex, mask, table, column)));
            case TRUNCATE ->
                switch (type) {
                    case CHAR, VARCHAR ->
                        rex.makeCall(
                                target,
                                MaskOperators.TRUNCATE_TEXT,
                                List.of(value, intLiteral(rex, mask, table, column)));
                    case DECIMAL ->
                        rex.makeCall(
                                nullable(types, value.getType()),
                                MaskOperators.TRUNCATE_DECIMAL,
                                List.of(value, intLiteral(rex, mask, table, column)));
                    case DOUBLE, FLOAT, REAL ->
                        rex.makeCall(
                                nullable(types, value.getType()),
                                MaskOperators.TRUNCATE_DOUBLE,
                                List.of(value, intLiteral(rex, mask, table, column)));
                    case TINYINT, SMALLINT, INTEGER, BIGINT -> value;
                    default -> throw misfit(mask, table, column, value.getType());
                };
            case YEAR, MONTH ->
                switch (type) {
                    case DATE ->
                        rex.makeCall(
                                target,
                                mask.kind() == dev.veil.policy.MaskKind.YEAR
                                        ? MaskOperators.YEAR_OF_DATE
                                        : MaskOperators.MONTH_OF_DATE,
                                List.of(value));
                    case TIMESTAMP ->
                        rex.makeCall(
                                target,
                                mask.kind() == dev.veil.policy.MaskKind.YEAR
                                        ? MaskOperators.YEAR_OF_TIMESTAMP
                                        : MaskOperators.MONTH_OF_TIMESTAMP,
                                List.of(value));
                    default -> throw misfit(mask, table, column, value.getType());
                };
            case BUCKET -> bucket(rex, value, mask, table, column);
        };
        return conform(rex, result, target);
    }

    private static RexNode bucket(RexBuilder rex, RexNode value, Mask mask, TableName table, String column) {
        RelDataTypeFactory types = rex.getTypeFactory();
        RexNode width = rex.makeExactLiteral(mask.argument().orElseThrow());
        switch (value.getType().getSqlTypeName()) {
            case DOUBLE, FLOAT, REAL:
                return rex.makeCall(
                        nullable(types, value.getType()), MaskOperators.BUCKET_DOUBLE, List.of(value, width));
            case DECIMAL:
                return rex.makeCall(
                        types.createTypeWithNullability(
                                types.createSqlType(
                                        SqlTypeName.DECIMAL, 38, value.getType().getScale()),
                                true),
                        MaskOperators.BUCKET_DECIMAL,
                        List.of(value, width));
            case TINYINT, SMALLINT, INTEGER, BIGINT:
                RelDataType decimal = types.createSqlType(SqlTypeName.DECIMAL, 38, 0);
                return rex.makeCall(
                        types.createTypeWithNullability(decimal, true),
                        MaskOperators.BUCKET_DECIMAL,
                        List.of(rex.makeCast(decimal, value, true, false), width));
            default:
                throw misfit(mask, table, column, value.getType());
        }
    }

    /**
     * {@code value} clamped into {@code bounds}: {@code CASE WHEN v < lo THEN lo WHEN v > hi THEN hi ELSE v END},
     * typed as {@code target}. A bound beyond what the column's type can hold clamps nothing on its side.
     * A floating-point value is clamped by {@link MaskFunctions#clampDouble}: NaN becomes NULL and an
     * infinity the nearest bound, so the clamp is total.
     */
    static RexNode clamp(
            RexBuilder rex, RexNode value, Bounds bounds, RelDataType target, TableName table, String column) {
        SqlTypeName type = value.getType().getSqlTypeName();
        if (!isNumeric(type)) {
            throw PrivacyErrors.invalidPolicy("BOUNDS of the AGGREGATE ONLY column '" + table + "." + column
                    + "' need a numeric column, but it is " + value.getType().getFullTypeString());
        }
        if (SqlTypeUtil.isApproximateNumeric(value.getType())) {
            // Floating point: NaN is no number to clamp (it fails both comparisons), so it becomes NULL;
            // an infinity becomes the nearest bound.
            RelDataTypeFactory types = rex.getTypeFactory();
            RelDataType dbl = types.createTypeWithNullability(types.createSqlType(SqlTypeName.DOUBLE), true);
            RexNode clamped = rex.makeCall(
                    dbl,
                    MaskOperators.CLAMP_DOUBLE,
                    List.of(
                            rex.makeCast(dbl, value, false, false),
                            rex.makeApproxLiteral(bounds.lower(), dbl),
                            rex.makeApproxLiteral(bounds.upper(), dbl)));
            return conform(rex, clamped, types.createTypeWithNullability(target, true));
        }
        List<RexNode> operands = new ArrayList<>();
        if (fits(bounds.lower(), value.getType())) {
            RexNode lower = bound(rex, bounds.lower(), value.getType());
            operands.add(rex.makeCall(SqlStdOperatorTable.LESS_THAN, value, lower));
            operands.add(lower);
        }
        if (fits(bounds.upper(), value.getType())) {
            RexNode upper = bound(rex, bounds.upper(), value.getType());
            operands.add(rex.makeCall(SqlStdOperatorTable.GREATER_THAN, value, upper));
            operands.add(upper);
        }
        if (operands.isEmpty()) {
            return conform(rex, value, target);
        }
        operands.add(value);
        return conform(rex, rex.makeCall(SqlStdOperatorTable.CASE, operands), target);
    }

    private static RexNode bound(RexBuilder rex, BigDecimal bound, RelDataType type) {
        RelDataType notNull = rex.getTypeFactory().createTypeWithNullability(type, false);
        return rex.makeCast(notNull, rex.makeExactLiteral(bound), false, false);
    }

    /** Whether a bound lies within the range of values of {@code type}. */
    private static boolean fits(BigDecimal bound, RelDataType type) {
        BigDecimal limit = switch (type.getSqlTypeName()) {
            case TINYINT -> BigDecimal.valueOf(Byte.MAX_VALUE);
            case SMALLINT -> BigDecimal.valueOf(Short.MAX_VALUE);
            case INTEGER -> BigDecimal.valueOf(Integer.MAX_VALUE);
            case BIGINT -> BigDecimal.valueOf(Long.MAX_VALUE);
            case DECIMAL ->
                BigDecimal.TEN.pow(type.getPrecision() - type.getScale()).subtract(BigDecimal.ONE);
            default -> null;
        };
        return limit == null || bound.abs().compareTo(limit) <= 0;
    }

    /** The expression cast to exactly {@code target}, if it is not of that type already. */
    static RexNode conform(RexBuilder rex, RexNode e, RelDataType target) {
        if (e.getType().equals(target)) {
            return e;
        }
        return rex.makeAbstractCast(target, e, true);
    }

    private static RexNode asText(RexBuilder rex, RexNode value) {
        if (isText(value.getType().getSqlTypeName())) {
            return value;
        }
        RelDataTypeFactory types = rex.getTypeFactory();
        return rex.makeCast(
                types.createTypeWithNullability(types.createSqlType(SqlTypeName.VARCHAR), true), value, true, false);
    }

    private static RexNode intLiteral(RexBuilder rex, Mask mask, TableName table, String column) {
        BigDecimal argument = mask.argument().orElseThrow();
        int n;
        try {
            n = argument.intValueExact();
        } catch (ArithmeticException e) {
            throw PrivacyErrors.invalidPolicy(
                    "Mask " + mask + " of column '" + table + "." + column + "' needs a whole number argument");
        }
        return rex.makeExactLiteral(BigDecimal.valueOf(n), rex.getTypeFactory().createSqlType(SqlTypeName.INTEGER));
    }

    private static RelDataType nullable(RelDataTypeFactory types, RelDataType type) {
        return types.createTypeWithNullability(type, true);
    }

    private static boolean isText(SqlTypeName type) {
        return type == SqlTypeName.CHAR || type == SqlTypeName.VARCHAR;
    }

    private static boolean isNumeric(SqlTypeName type) {
        return switch (type) {
            case TINYINT, SMALLINT, INTEGER, BIGINT, DECIMAL, DOUBLE, FLOAT, REAL -> true;
            default -> false;
        };
    }

    private static RuntimeException misfit(Mask mask, TableName table, String column, RelDataType type) {
        return PrivacyErrors.invalidPolicy("Mask " + mask + " of column '" + table + "." + column
                + "' does not apply to its type " + type.getFullTypeString() + "; ask an admin to fix the policy");
    }
}
