package dev.veil.plan;

import java.lang.reflect.Type;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.CallImplementor;
import org.apache.calcite.adapter.enumerable.EnumUtils;
import org.apache.calcite.adapter.enumerable.RexImpTable;
import org.apache.calcite.adapter.enumerable.RexToLixTranslator;
import org.apache.calcite.adapter.enumerable.VeilTranslatorAccess;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Primitive;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.FunctionParameter;
import org.apache.calcite.schema.ImplementableFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * The checked form of a built-in numeric function whose Calcite implementation wraps around or
 * fails on a representation problem: {@code ABS} of an integer (of the smallest value), and
 * {@code ROUND} and {@code TRUNCATE} of any number (an integer rounded past its type's end, a
 * DECIMAL rounded past its precision, a digits argument beyond BigDecimal's scale, a floating-point
 * NaN or infinity). The values are {@link CheckedMath}'s: Calcite's where they fit, an
 * {@link ArithmeticException} (NUMERIC_OUT_OF_RANGE) where they do not. It keeps the built-in's
 * name, so plans and EXPLAIN read as before. {@link CheckedArithmetic} puts it in every plan; on
 * protected rows it is made null-on-error like any call that can fail ({@link SafeOperator}, which
 * generates its code through {@link #implement}). It carries its own code generation, from the
 * operands' generated values, since Calcite finds a function's implementation on the operator.
 * No operator table lists it, so user SQL cannot name it.
 */
public final class CheckedFunction extends SqlUserDefinedFunction {
    public static final CheckedFunction ABS = new CheckedFunction("ABS");
    public static final CheckedFunction ROUND = new CheckedFunction("ROUND");
    public static final CheckedFunction TRUNCATE = new CheckedFunction("TRUNCATE");

    private CheckedFunction(String name) {
        super(
                new SqlIdentifier(name, SqlParserPos.ZERO),
                SqlKind.OTHER_FUNCTION,
                ReturnTypes.ARG0_NULLABLE,
                InferTypes.RETURN_TYPE,
                null,
                new Implementation(name));
    }

    /**
     * {@code call} with its checked function if it is {@code ABS} of an integer, {@code ROUND} or
     * {@code TRUNCATE}, else null. {@code ROUND(x)} of an integer is {@code x} and stays as it is.
     */
    static RexCall checked(RexBuilder rex, RexCall call) {
        SqlOperator operator = call.getOperator();
        List<RexNode> operands = call.getOperands();
        RelDataType type = call.getType();
        if (operands.isEmpty() || !SqlTypeUtil.isNumeric(operands.get(0).getType())) {
            return null;
        }
        CheckedFunction checked = null;
        if (operator == SqlStdOperatorTable.ABS) {
            checked = operands.size() == 1 && isInteger(type) ? ABS : null;
        } else if (operator == SqlStdOperatorTable.ROUND || operator == SqlStdOperatorTable.TRUNCATE) {
            boolean digits = operands.size() == 2 && isInteger(operands.get(1).getType());
            boolean known = isInteger(type) ? digits : (operands.size() == 1 || digits) && isFractional(type);
            checked = !known ? null : operator == SqlStdOperatorTable.ROUND ? ROUND : TRUNCATE;
        }
        return checked == null ? null : (RexCall) rex.makeCall(type, checked, operands);
    }

    private static boolean isInteger(RelDataType type) {
        return switch (type.getSqlTypeName()) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> true;
            default -> false;
        };
    }

    private static boolean isFractional(RelDataType type) {
        return switch (type.getSqlTypeName()) {
            case DECIMAL, DOUBLE, FLOAT, REAL -> true;
            default -> false;
        };
    }

    /**
     * The generated value of {@code call} (of this function) from its operands' generated values:
     * NULL (a boxed null) if any operand is NULL, else the checked function's value, of the Java
     * class of the call's type, boxed.
     */
    public Expression implement(JavaTypeFactory types, RexCall call, List<Expression> isNull, List<Expression> values) {
        return generate(getName(), types, call.getType(), isNull, values);
    }

    private static Expression generate(
            String name, JavaTypeFactory types, RelDataType type, List<Expression> isNull, List<Expression> values) {
        Expression x = values.get(0);
        Expression digits = values.size() > 1 ? EnumUtils.convert(values.get(1), long.class) : Expressions.constant(0L);
        Expression value;
        if (isInteger(type)) {
            Expression longX = EnumUtils.convert(x, long.class);
            Expression result = switch (name) {
                case "ABS" -> Expressions.call(CheckedMath.class, "abs", longX);
                case "ROUND" -> Expressions.call(CheckedMath.class, "roundLong", longX, digits);
                default -> Expressions.call(CheckedMath.class, "truncateLong", longX, digits);
            };
            value = switch (type.getSqlTypeName()) {
                case INTEGER -> Expressions.call(CheckedMath.class, "toInt", result);
                case SMALLINT -> Expressions.call(CheckedMath.class, "toShort", result);
                case TINYINT -> Expressions.call(CheckedMath.class, "toByte", result);
                default -> result;
            };
        } else if (type.getSqlTypeName() == SqlTypeName.DECIMAL) {
            Expression decimal = EnumUtils.convert(x, BigDecimal.class);
            value = name.equals("ROUND")
                    ? Expressions.call(
                            CheckedMath.class,
                            "roundDecimal",
                            decimal,
                            digits,
                            Expressions.constant(type.getPrecision()),
                            Expressions.constant(type.getScale()))
                    : Expressions.call(CheckedMath.class, "truncateDecimal", decimal, digits);
        } else {
            Expression dbl = EnumUtils.convert(x, double.class);
            value = Expressions.call(
                    CheckedMath.class, name.equals("ROUND") ? "roundDouble" : "truncateDouble", dbl, digits);
        }
        Type javaType = types.getJavaClass(type);
        Type boxed = javaType instanceof Class<?> c ? Primitive.box(c) : javaType;
        Expression anyNull = Expressions.constant(false);
        for (Expression n : isNull) {
            anyNull = Expressions.orElse(anyNull, n);
        }
        return Expressions.condition(anyNull, Expressions.constant(null, boxed), EnumUtils.convert(value, boxed));
    }

    @Override
    public boolean equals(Object obj) {
        return obj == this;
    }

    @Override
    public int hashCode() {
        return System.identityHashCode(this);
    }

    /** Generates the call from the operands Calcite has translated for it. */
    private static final class Implementation implements ImplementableFunction {
        private final String name;

        Implementation(String name) {
            this.name = name;
        }

        @Override
        public List<FunctionParameter> getParameters() {
            return List.of();
        }

        @Override
        public CallImplementor getImplementor() {
            return this::implement;
        }

        private Expression implement(RexToLixTranslator translator, RexCall call, RexImpTable.NullAs nullAs) {
            List<Expression> isNull = new ArrayList<>();
            List<Expression> values = new ArrayList<>();
            for (RexToLixTranslator.Result operand : VeilTranslatorAccess.operands(translator, call)) {
                isNull.add(VeilTranslatorAccess.isNull(operand));
                values.add(VeilTranslatorAccess.value(operand));
            }
            return generate(name, VeilTranslatorAccess.typeFactory(translator), call.getType(), isNull, values);
        }
    }
}
