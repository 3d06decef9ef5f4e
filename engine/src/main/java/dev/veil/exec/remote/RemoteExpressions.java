package dev.veil.exec.remote;

import dev.veil.catalog.RemoteKind;
import dev.veil.plan.ConsentCall;
import dev.veil.plan.RetentionCall;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexOver;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * Decides which expressions a remote database may evaluate, and writes Veil's own calls that it can
 * express in the remote's SQL. An expression goes to the remote only when the remote computes the
 * same value as Veil and cannot fail where Veil does not: over protected rows Veil's expressions
 * are total (the rewrite made them so), and a remote error that one row's value causes would tell
 * the analyst that the row exists (Veil reports every remote error as one stable error, but its
 * occurrence is the leak).
 *
 * <p>What is written for the remote: Veil's clamp of a floating-point value ({@code VEIL_CLAMP(v,
 * lower, upper)}: NaN is NULL, everything else the nearest value within the bounds) becomes a
 * {@code CASE} with the remote's NaN test ({@link RemoteNaNTest}: {@code is_nan(v)} in Trino;
 * {@code v = 'NaN'} in PostgreSQL, where NaN equals itself and is greater than every number; in
 * Veil, should a rule copy the expression into a node Veil runs, {@code Double.isNaN}).
 *
 * <p>What is checked, from the declared types and the clamps' bounds (a constant expression is
 * always allowed: it fails for every row or for none):
 *
 * <ul>
 *   <li>DECIMAL {@code + - *}: Veil's is exact. Trino's is exact too and fails only when the exact
 *       result needs more than 38 digits; PostgreSQL's {@code numeric} holds a thousand digits
 *       and more. So the call is pushed when the digits its operands can have (their declared
 *       precision and scale, integers as {@code DECIMAL(10,0)} or {@code DECIMAL(19,0)}, through
 *       the arithmetic below it: a sum needs one integer digit more than its widest operand, a
 *       product the digits of both) fit: 38 for Trino, 1,000 for PostgreSQL.
 *   <li>Floating-point {@code + - * /}: Trino's follow IEEE 754 as Java's do and never fail.
 *       PostgreSQL's fail on overflow, on underflow of a product or quotient to zero, and on
 *       division by zero; so for PostgreSQL {@code +} and {@code -} are pushed when the operands'
 *       ranges (a clamp's bounds, a literal, a decimal's digits) keep the result within
 *       ±1e300, {@code *} also needs one operand outside (-0.75, 0.75) (then a nonzero product is
 *       never rounded to zero), and {@code /} is not pushed; nor are {@code POWER}, {@code EXP},
 *       {@code SQRT}, {@code LN}, {@code LOG10}, {@code ACOS} and {@code ASIN}, which fail in
 *       PostgreSQL on overflow or outside their domain.
 *   <li>{@code POSITION(a IN b FROM n)} is not pushed (neither dialect has it); date and interval
 *       arithmetic is not pushed.
 *   <li>Casts: only those that widen (a number to DOUBLE, a decimal or integer to one with at least
 *       as many integer digits and as much scale, an integer to a wider one, DATE to TIMESTAMP),
 *       or change nothing but nullability. A cast to text is never pushed (Trino fails on a
 *       VARCHAR(n) too short, and formats numbers differently from Veil).
 *   <li>Only known calls are pushed (an allowlist: comparisons, logic, {@code CASE}, {@code
 *       COALESCE}, {@code NULLIF}, {@code IN}/{@code SEARCH}, {@code BETWEEN}, {@code EXTRACT},
 *       {@code FLOOR}/{@code CEIL}, {@code LIKE} with literal patterns, {@code TRIM}, {@code
 *       UPPER}/{@code LOWER}, {@code CHAR_LENGTH}, {@code ||}, and the arithmetic and casts
 *       above); any other function stays in Veil, so a function added to Veil later is never
 *       pushed by default.
 *   <li>Veil's consent and retention conditions on a scan are written with a statement parameter
 *       that Veil binds when the statement runs ({@link RemoteConsentCall}: the consenting keys,
 *       when the key is the unit itself and integral or text; {@link RemoteRetentionCall}: the
 *       first instant retained); a consent condition with lookup steps stays in Veil.
 *   <li>Veil's other functions (masks, null-on-error calls) stay in Veil; so do windows over a
 *       dialect without them (and every window of a projection: {@link RemoteProjectRule}). Integer arithmetic is Veil's checked arithmetic, which over
 *       protected rows is always a null-on-error call; elsewhere (an admin's query) it fails in
 *       both places alike.
 * </ul>
 */
final class RemoteExpressions {
    /** Most digits of a decimal result Trino holds exactly. */
    private static final int TRINO_DIGITS = 38;

    /**
     * Functions PostgreSQL fails on where Veil returns a value: overflow ({@code POWER(x, 1000)},
     * {@code EXP}: Infinity in Veil) and arguments outside the domain ({@code SQRT}, {@code LN},
     * {@code LOG10} of zero or a negative number, {@code ACOS}/{@code ASIN} beyond ±1: NaN or
     * -Infinity in Veil).
     */
    private static final java.util.Set<String> POSTGRES_FAILING =
            java.util.Set.of("POWER", "EXP", "SQRT", "LN", "LOG10", "LOG", "ACOS", "ASIN");

    /** Digits of a decimal result PostgreSQL's {@code numeric} certainly holds (it holds 131,072 before the point). */
    private static final int POSTGRES_DIGITS = 1000;

    /** Magnitude a PostgreSQL {@code double precision} result may reach without overflowing. */
    private static final double POSTGRES_FINITE = 1e300;

    /** The name of Veil's floating-point clamp ({@code rewrite.MaskOperators}). */
    static final String CLAMP = "VEIL_CLAMP";

    private final RexBuilder rex;
    private final RemoteKind kind;
    private final boolean windows;

    private RemoteExpressions(RexBuilder rex, RemoteKind kind, boolean windows) {
        this.rex = rex;
        this.kind = kind;
        this.windows = windows;
    }

    /** Thrown when an expression must stay in Veil. */
    private static final class StaysInVeil extends RuntimeException {
        StaysInVeil() {
            super("stays in Veil", null, false, false);
        }
    }

    private static final StaysInVeil STAYS = new StaysInVeil();

    /**
     * {@code expressions} as the remote {@code kind} evaluates them with Veil's values and no error
     * Veil would not raise, or null if one of them must stay in Veil.
     */
    static List<RexNode> translate(RexBuilder rex, RemoteKind kind, boolean windows, List<RexNode> expressions) {
        RemoteExpressions translator = new RemoteExpressions(rex, kind, windows);
        List<RexNode> out = new ArrayList<>(expressions.size());
        try {
            for (RexNode e : expressions) {
                out.add(e.accept(translator.new Writer()));
            }
        } catch (StaysInVeil e) {
            return null;
        }
        return out;
    }

    /** Writes each call for the remote, bottom-up, or throws {@link #STAYS}. */
    private final class Writer extends RexShuttle {
        @Override
        public RexNode visitOver(RexOver over) {
            if (!windows) {
                throw STAYS;
            }
            return super.visitOver(over);
        }

        @Override
        public RexNode visitCall(RexCall call) {
            SqlOperator op = call.getOperator();
            if (op instanceof RemoteNaNTest test && test.kind() == kind) {
                // A clamp written for this remote before, copied into a node Veil runs by a rule.
                return super.visitCall(call);
            }
            if (op instanceof SqlUserDefinedFunction) {
                if (isClamp(call)) {
                    return clamp(call, call.getOperands().get(0).accept(this));
                }
                if (op instanceof ConsentCall consent) {
                    RexNode key = call.getOperands().get(0);
                    RemoteConsentCall remote = RemoteConsentCall.of(consent, key.getType(), kind);
                    if (remote == null) {
                        throw STAYS;
                    }
                    return remote.call(rex, key.accept(this));
                }
                if (op instanceof RetentionCall retention) {
                    return RemoteRetentionCall.of(retention, kind)
                            .call(rex, call.getOperands().get(0).accept(this));
                }
                throw STAYS;
            }
            if (!RexUtil.isConstant(call) && !safe(call)) {
                throw STAYS;
            }
            return super.visitCall(call);
        }
    }

    private static boolean isClamp(RexCall call) {
        return call.getOperator().getName().equals(CLAMP)
                && call.getOperands().size() == 3
                && call.getOperands().get(1) instanceof RexLiteral
                && call.getOperands().get(2) instanceof RexLiteral
                && SqlTypeUtil.isApproximateNumeric(call.getType());
    }

    /** {@code CASE WHEN <v is NaN> THEN NULL WHEN v < lower THEN lower WHEN v > upper THEN upper ELSE v END}. */
    private RexNode clamp(RexCall call, RexNode value) {
        RelDataType type = call.getType();
        RexNode v = rex.makeCast(type, value, true, false);
        RexNode lower = call.getOperands().get(1);
        RexNode upper = call.getOperands().get(2);
        RexNode nan = rex.makeCall(RemoteNaNTest.of(kind), v);
        return rex.makeCall(
                type,
                SqlStdOperatorTable.CASE,
                List.of(
                        nan,
                        rex.makeNullLiteral(type),
                        rex.makeCall(SqlStdOperatorTable.LESS_THAN, v, lower),
                        rex.makeCast(type, lower, true, false),
                        rex.makeCall(SqlStdOperatorTable.GREATER_THAN, v, upper),
                        rex.makeCast(type, upper, true, false),
                        v));
    }

    /**
     * Whether the remote evaluates {@code call} (whose operands are checked on their own) without
     * failing where Veil does not: only calls this method knows; every other call stays in Veil.
     */
    private boolean safe(RexCall call) {
        SqlKind k = call.getKind();
        if (k == SqlKind.POSITION && call.getOperands().size() > 2) {
            // POSITION(a IN b FROM n): neither dialect has the FROM form (PostgreSQL: a syntax error).
            return false;
        }
        if (kind == RemoteKind.POSTGRESQL
                && POSTGRES_FAILING.contains(call.getOperator().getName())) {
            return false;
        }
        return switch (k) {
            case PLUS, MINUS, TIMES, DIVIDE, MINUS_PREFIX -> safeArithmetic(call);
            case CAST -> safeCast(call);
            // Comparisons, logic and conditionals: total in both dialects (operands of one type).
            case EQUALS,
                    NOT_EQUALS,
                    LESS_THAN,
                    LESS_THAN_OR_EQUAL,
                    GREATER_THAN,
                    GREATER_THAN_OR_EQUAL,
                    IS_DISTINCT_FROM,
                    IS_NOT_DISTINCT_FROM,
                    IS_NULL,
                    IS_NOT_NULL,
                    IS_TRUE,
                    IS_NOT_TRUE,
                    IS_FALSE,
                    IS_NOT_FALSE,
                    AND,
                    OR,
                    NOT,
                    CASE,
                    COALESCE,
                    NULLIF,
                    SEARCH,
                    IN,
                    NOT_IN,
                    BETWEEN,
                    EXTRACT,
                    FLOOR,
                    CEIL -> true;
            // Calcite writes Trino's TRIM of another character than a space only from a literal
            // character (anything else failed the statement with an internal error).
            case TRIM -> kind != RemoteKind.TRINO || call.getOperands().get(1) instanceof RexLiteral;
            // A pattern fails (a trailing escape character) for every row or for none: only literal patterns.
            case LIKE ->
                call.getOperands().subList(1, call.getOperands().size()).stream()
                        .allMatch(o -> o instanceof RexLiteral);
            // POSITION(a IN b): 0 when not found, in both (the FROM form is refused above).
            case POSITION -> true;
            case OTHER_FUNCTION, OTHER ->
                SAFE_FUNCTIONS.contains(call.getOperator().getName())
                        || (kind == RemoteKind.TRINO
                                && TRINO_IEEE_FUNCTIONS.contains(
                                        call.getOperator().getName()));
            // Everything else stays in Veil: a function not known here may fail remotely where Veil
            // returns a value (an allowlist, so that a new function is never pushed by default).
            default -> false;
        };
    }

    /** Functions by name that are total over their operands' types in both dialects and equal to Veil's. */
    /**
     * Floating-point functions Trino computes as Java does (IEEE 754: Infinity on overflow, NaN
     * outside the domain) and never fails on, where PostgreSQL fails ({@link #POSTGRES_FAILING}).
     */
    private static final java.util.Set<String> TRINO_IEEE_FUNCTIONS = POSTGRES_FAILING;

    private static final java.util.Set<String> SAFE_FUNCTIONS =
            java.util.Set.of("UPPER", "LOWER", "CHAR_LENGTH", "CHARACTER_LENGTH", "||");

    private boolean safeArithmetic(RexCall call) {
        RelDataType type = call.getType();
        if (isInteger(type) && call.getOperands().stream().allMatch(o -> isInteger(o.getType()))) {
            // Checked integer arithmetic: it fails in Veil where it fails remotely (see the class comment).
            return true;
        }
        if (!SqlTypeUtil.isNumeric(type)) {
            // Date and interval arithmetic (DATE + n * INTERVAL '1' DAY) stays: its range is not known.
            return false;
        }
        Shape shape = shape(call);
        if (SqlTypeUtil.isApproximateNumeric(type)) {
            if (kind == RemoteKind.TRINO) {
                return true;
            }
            if (call.getKind() == SqlKind.DIVIDE) {
                return false;
            }
            double limit = type.getSqlTypeName() == SqlTypeName.REAL ? 1e37 : POSTGRES_FINITE;
            if (!(Math.abs(shape.lower) <= limit && Math.abs(shape.upper) <= limit)) {
                return false;
            }
            if (call.getKind() == SqlKind.TIMES) {
                Shape a = shape(call.getOperands().get(0));
                Shape b = shape(call.getOperands().get(1));
                return a.awayFromZero() || b.awayFromZero();
            }
            return true;
        }
        if (SqlTypeUtil.isDecimal(type) || SqlTypeUtil.isExactNumeric(type)) {
            if (call.getKind() == SqlKind.DIVIDE) {
                return false;
            }
            int digits = kind == RemoteKind.TRINO ? TRINO_DIGITS : POSTGRES_DIGITS;
            return shape.exact && shape.integerDigits + shape.scale <= digits;
        }
        return false;
    }

    private static boolean isInteger(RelDataType type) {
        return switch (type.getSqlTypeName()) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> true;
            default -> false;
        };
    }

    private static boolean safeCast(RexCall cast) {
        RelDataType from = cast.getOperands().get(0).getType();
        RelDataType to = cast.getType();
        SqlTypeName f = from.getSqlTypeName();
        SqlTypeName t = to.getSqlTypeName();
        if (SqlTypeUtil.equalSansNullability(from, to)) {
            return true;
        }
        if (SqlTypeUtil.isNumeric(from) && t == SqlTypeName.DOUBLE) {
            return true;
        }
        if (f == SqlTypeName.REAL && t == SqlTypeName.REAL) {
            return true;
        }
        if (SqlTypeUtil.isExactNumeric(from) && SqlTypeUtil.isExactNumeric(to)) {
            Shape s = Shape.ofType(from);
            Shape d = Shape.ofType(to);
            return d.integerDigits >= s.integerDigits && d.scale >= s.scale;
        }
        return f == SqlTypeName.DATE && t == SqlTypeName.TIMESTAMP;
    }

    /**
     * What an expression's values can be: the integer digits and scale of an exact value, and the
     * range of any number (infinite when unknown).
     */
    private record Shape(boolean exact, int integerDigits, int scale, double lower, double upper) {
        static final Shape UNKNOWN = new Shape(
                false,
                Integer.MAX_VALUE / 4,
                Integer.MAX_VALUE / 4,
                Double.NEGATIVE_INFINITY,
                Double.POSITIVE_INFINITY);

        /** Whether every value lies outside (-0.75, 0.75). */
        boolean awayFromZero() {
            return lower >= 0.75 || upper <= -0.75;
        }

        static Shape ofType(RelDataType type) {
            int digits = switch (type.getSqlTypeName()) {
                case TINYINT -> 3;
                case SMALLINT -> 5;
                case INTEGER -> 10;
                case BIGINT -> 19;
                case DECIMAL -> type.getPrecision() - type.getScale();
                default -> -1;
            };
            if (digits < 0) {
                return UNKNOWN;
            }
            int scale = type.getSqlTypeName() == SqlTypeName.DECIMAL ? Math.max(0, type.getScale()) : 0;
            double bound = Math.pow(10, digits);
            return new Shape(true, Math.max(digits, 0), scale, -bound, bound);
        }

        static Shape ofValue(BigDecimal value) {
            BigDecimal v = value.stripTrailingZeros();
            int scale = Math.max(0, v.scale());
            int integerDigits = Math.max(1, v.precision() - v.scale());
            double d = v.doubleValue();
            return new Shape(true, integerDigits, scale, d, d);
        }
    }

    private Shape shape(RexNode node) {
        if (node instanceof RexLiteral literal) {
            if (!SqlTypeUtil.isNumeric(literal.getType())) {
                return Shape.UNKNOWN;
            }
            BigDecimal value = literal.getValueAs(BigDecimal.class);
            if (value == null) {
                return Shape.UNKNOWN;
            }
            Shape s = Shape.ofValue(value);
            return SqlTypeUtil.isApproximateNumeric(literal.getType())
                    ? new Shape(false, s.integerDigits, s.scale, s.lower, s.upper)
                    : s;
        }
        if (!(node instanceof RexCall call)) {
            return Shape.ofType(node.getType());
        }
        if (call.getOperator() instanceof SqlUserDefinedFunction && isClamp(call)) {
            double lower = ((RexLiteral) call.getOperands().get(1)).getValueAs(Double.class);
            double upper = ((RexLiteral) call.getOperands().get(2)).getValueAs(Double.class);
            return new Shape(false, Integer.MAX_VALUE / 4, Integer.MAX_VALUE / 4, lower, upper);
        }
        List<RexNode> operands = call.getOperands();
        switch (call.getKind()) {
            case CAST: {
                Shape inner = shape(operands.get(0));
                Shape declared = Shape.ofType(call.getType());
                if (SqlTypeUtil.isApproximateNumeric(call.getType())) {
                    return new Shape(false, inner.integerDigits, inner.scale, inner.lower, inner.upper);
                }
                return declared.exact && inner.exact ? declared : Shape.UNKNOWN;
            }
            case PLUS:
            case MINUS: {
                Shape a = shape(operands.get(0));
                Shape b = shape(operands.get(1));
                boolean plus = call.getKind() == SqlKind.PLUS;
                return new Shape(
                        a.exact && b.exact,
                        Math.max(a.integerDigits, b.integerDigits) + 1,
                        Math.max(a.scale, b.scale),
                        plus ? a.lower + b.lower : a.lower - b.upper,
                        plus ? a.upper + b.upper : a.upper - b.lower);
            }
            case TIMES: {
                Shape a = shape(operands.get(0));
                Shape b = shape(operands.get(1));
                double[] p = {a.lower * b.lower, a.lower * b.upper, a.upper * b.lower, a.upper * b.upper};
                double lower = Double.POSITIVE_INFINITY;
                double upper = Double.NEGATIVE_INFINITY;
                for (double x : p) {
                    if (Double.isNaN(x)) {
                        lower = Double.NEGATIVE_INFINITY;
                        upper = Double.POSITIVE_INFINITY;
                        break;
                    }
                    lower = Math.min(lower, x);
                    upper = Math.max(upper, x);
                }
                return new Shape(
                        a.exact && b.exact, a.integerDigits + b.integerDigits, a.scale + b.scale, lower, upper);
            }
            case MINUS_PREFIX: {
                Shape a = shape(operands.get(0));
                return new Shape(a.exact, a.integerDigits, a.scale, -a.upper, -a.lower);
            }
            default:
                return Shape.ofType(call.getType());
        }
    }
}
