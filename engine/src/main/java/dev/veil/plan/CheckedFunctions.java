package dev.veil.plan;

import java.math.BigDecimal;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.linq4j.function.Strict;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.runtime.SqlFunctions;
import org.apache.calcite.schema.impl.ScalarFunctionImpl;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * Checked forms of the built-in functions whose integer result Calcite computes with wrapping
 * Java arithmetic: {@code ABS} of the smallest value of its type (Java's {@code Math.abs} returns
 * it unchanged) and {@code ROUND(x, d)} of an integer rounded past the type's end. Each throws
 * {@link ArithmeticException} instead (NUMERIC_OUT_OF_RANGE; NULL under the privacy boundary,
 * where the call is null-on-error). {@link CheckedArithmetic} puts them in every plan. The
 * methods are called by generated code.
 */
public final class CheckedFunctions {
    private static final Map<String, SqlOperator> OPERATORS = new ConcurrentHashMap<>();

    private CheckedFunctions() {}

    /**
     * {@code call} with its checked function if it is ABS or two-argument ROUND of an integer,
     * else null.
     */
    static RexCall checked(RexBuilder rex, RexCall call) {
        SqlTypeName type = call.getType().getSqlTypeName();
        String method = null;
        if (call.getOperator() == SqlStdOperatorTable.ABS
                && call.getOperands().size() == 1
                && call.getOperands().get(0).getType().getSqlTypeName() == type) {
            method = switch (type) {
                case TINYINT -> "absByte";
                case SMALLINT -> "absShort";
                case INTEGER -> "absInt";
                case BIGINT -> "absLong";
                default -> null;
            };
        } else if (call.getOperator() == SqlStdOperatorTable.ROUND
                && call.getOperands().size() == 2
                && call.getOperands().get(0).getType().getSqlTypeName() == type
                && call.getOperands().get(1).getType().getSqlTypeName() == SqlTypeName.INTEGER) {
            method = switch (type) {
                case INTEGER -> "roundInt";
                case BIGINT -> "roundLong";
                default -> null;
            };
        }
        if (method == null) {
            return null;
        }
        SqlOperator operator = OPERATORS.computeIfAbsent(
                method, m -> new Operator(call.getOperator().getName(), m));
        return (RexCall) rex.makeCall(call.getType(), operator, call.getOperands());
    }

    @Strict
    public static byte absByte(byte x) {
        if (x == Byte.MIN_VALUE) {
            throw new ArithmeticException("byte overflow");
        }
        return (byte) Math.abs(x);
    }

    @Strict
    public static short absShort(short x) {
        if (x == Short.MIN_VALUE) {
            throw new ArithmeticException("short overflow");
        }
        return (short) Math.abs(x);
    }

    @Strict
    public static int absInt(int x) {
        return Math.absExact(x);
    }

    @Strict
    public static long absLong(long x) {
        return Math.absExact(x);
    }

    /** Calcite's rounding (half up, at {@code digits} after the point) of an INTEGER, checked. */
    @Strict
    public static int roundInt(int x, int digits) {
        return SqlFunctions.sround(BigDecimal.valueOf(x), digits).intValueExact();
    }

    /** Calcite's rounding (half up, at {@code digits} after the point) of a BIGINT, checked. */
    @Strict
    public static long roundLong(long x, int digits) {
        return SqlFunctions.sround(BigDecimal.valueOf(x), digits).longValueExact();
    }

    /** A checked function under the name of the built-in it replaces; equal only to itself. */
    private static final class Operator extends SqlUserDefinedFunction {
        Operator(String name, String method) {
            super(
                    new SqlIdentifier(name, SqlParserPos.ZERO),
                    SqlKind.OTHER_FUNCTION,
                    ReturnTypes.ARG0,
                    InferTypes.RETURN_TYPE,
                    null,
                    ScalarFunctionImpl.create(CheckedFunctions.class, method));
        }

        @Override
        public boolean equals(Object obj) {
            return obj == this;
        }

        @Override
        public int hashCode() {
            return System.identityHashCode(this);
        }
    }
}
