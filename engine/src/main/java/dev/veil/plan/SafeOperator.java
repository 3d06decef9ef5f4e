package dev.veil.plan;

import static java.util.Objects.requireNonNull;

import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.calcite.adapter.enumerable.CallImplementor;
import org.apache.calcite.adapter.enumerable.EnumUtils;
import org.apache.calcite.adapter.enumerable.RexImpTable;
import org.apache.calcite.adapter.enumerable.RexToLixTranslator;
import org.apache.calcite.adapter.enumerable.VeilTranslatorAccess;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.ParameterExpression;
import org.apache.calcite.linq4j.tree.Primitive;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.FunctionParameter;
import org.apache.calcite.schema.ImplementableFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * The null-on-error form of an operator: {@code VEIL_SAFE_f(a, b)} computes {@code f(a, b)}, but
 * yields NULL where {@code f} would throw on the values (a negative SUBSTRING length, an overflow,
 * a cast of bad text, a result beyond the size cap of {@link SafeCalls}). The privacy rewrite
 * wraps each call that can fail on protected rows in one, so that no row's value can make a query
 * fail. The generated code evaluates the operands as usual and only the call itself inside a
 * {@code try}: an operand that can fail is itself wrapped. No operator table lists these
 * operators, so user SQL cannot name them.
 */
public final class SafeOperator extends SqlUserDefinedFunction {
    private static final Map<SqlOperator, SafeOperator> OPERATORS = new ConcurrentHashMap<>();

    private final SqlOperator inner;

    private SafeOperator(SqlOperator inner) {
        super(
                new SqlIdentifier("VEIL_SAFE_" + inner.getName(), SqlParserPos.ZERO),
                SqlKind.OTHER_FUNCTION,
                ReturnTypes.ARG0_NULLABLE,
                InferTypes.RETURN_TYPE,
                null,
                new Implementation(inner));
        this.inner = inner;
    }

    /** The null-on-error form of {@code inner}. */
    public static SafeOperator of(SqlOperator inner) {
        requireNonNull(inner, "inner is null");
        return OPERATORS.computeIfAbsent(inner, SafeOperator::new);
    }

    /** {@code call} in its null-on-error form, typed as {@code call} but nullable. */
    public static RexNode wrap(RexBuilder rex, RexCall call) {
        RelDataType type = rex.getTypeFactory().createTypeWithNullability(call.getType(), true);
        return rex.makeCall(type, of(call.getOperator()), call.getOperands());
    }

    /** The operator this one makes safe. */
    public SqlOperator inner() {
        return inner;
    }

    /** {@code call} of a safe operator as the plain call of its inner operator (for analyses that look through). */
    public static RexNode unwrap(RexBuilder rex, RexCall call) {
        SafeOperator safe = (SafeOperator) call.getOperator();
        return rex.makeCall(call.getType(), safe.inner, call.getOperands());
    }

    @Override
    public boolean isDeterministic() {
        return inner.isDeterministic();
    }

    @Override
    public boolean isDynamicFunction() {
        return inner.isDynamicFunction();
    }

    @Override
    public boolean equals(Object obj) {
        return obj instanceof SafeOperator other && other.inner == inner;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getName(), System.identityHashCode(inner));
    }

    /**
     * The fixed prefix of {@code call} when it is {@code text LIKE 'prefix%'} (case-sensitive, no
     * ESCAPE, a literal pattern whose only wildcards are trailing {@code %}, no backslash) over
     * a character text; otherwise null. Such a LIKE holds exactly when the text starts with the
     * prefix, which is what Calcite's regular expression for it matches.
     */
    static String likePrefix(RexToLixTranslator translator, RexCall call) {
        SqlOperator op = call.getOperator() instanceof SafeOperator safe ? safe.inner : call.getOperator();
        if (!op.getName().equals("LIKE")
                || op.getKind() != SqlKind.LIKE
                || call.getOperands().size() != 2) {
            return null;
        }
        if (!(translator.deref(call.getOperands().get(1)) instanceof RexLiteral literal)
                || !org.apache.calcite.sql.type.SqlTypeUtil.isCharacter(literal.getType())
                || !org.apache.calcite.sql.type.SqlTypeUtil.isCharacter(
                        call.getOperands().get(0).getType())) {
            return null;
        }
        String pattern = literal.getValueAs(String.class);
        if (pattern == null) {
            return null;
        }
        int end = pattern.length();
        while (end > 0 && pattern.charAt(end - 1) == '%') {
            end--;
        }
        String prefix = pattern.substring(0, end);
        if (end == pattern.length()
                || prefix.indexOf('%') >= 0
                || prefix.indexOf('_') >= 0
                || prefix.indexOf('\\') >= 0) {
            return null;
        }
        return prefix;
    }

    /** Generates the {@code try} around the inner operator's own code. */
    private static final class Implementation implements ImplementableFunction {
        private final SqlOperator inner;

        Implementation(SqlOperator inner) {
            this.inner = inner;
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
            RexImpTable.RexCallImplementor implementor =
                    inner instanceof CheckedFunction ? null : RexImpTable.INSTANCE.get(inner);
            if (implementor == null && !(inner instanceof CheckedFunction)) {
                throw new IllegalStateException("no implementation of " + inner.getName());
            }
            BlockBuilder outer = VeilTranslatorAccess.block(translator);
            List<RexToLixTranslator.Result> operands = VeilTranslatorAccess.operands(translator, call);
            Type javaType = VeilTranslatorAccess.typeFactory(translator).getJavaClass(call.getType());
            Type boxed = javaType instanceof Class<?> c ? Primitive.box(c) : javaType;
            ParameterExpression result = Expressions.parameter(boxed, outer.newName("safe_value"));
            outer.add(Expressions.declare(0, result, Expressions.constant(null, boxed)));

            BlockBuilder body = new BlockBuilder(true, outer);
            String capped = SafeCalls.cappedName(inner);
            if (capped != null) {
                List<Expression> values = new ArrayList<>();
                for (RexToLixTranslator.Result operand : operands) {
                    values.add(Expressions.condition(
                            VeilTranslatorAccess.isNull(operand),
                            Expressions.constant(null, Object.class),
                            EnumUtils.convert(VeilTranslatorAccess.value(operand), Object.class)));
                }
                body.add(Expressions.statement(Expressions.call(
                        SafeCalls.class,
                        "checkSize",
                        Expressions.constant(capped),
                        Expressions.newArrayInit(Object.class, values))));
            }
            RexCall plain = (RexCall)
                    VeilTranslatorAccess.rexBuilder(translator).makeCall(call.getType(), inner, call.getOperands());
            RexToLixTranslator inside = translator.setBlock(body);
            // Implementors read literal operands (EXTRACT's time unit, say) from the block that
            // declares them: literals are declared again inside the try.
            List<RexToLixTranslator.Result> arguments = new ArrayList<>(operands);
            for (int i = 0; i < arguments.size(); i++) {
                if (translator.deref(call.getOperands().get(i)) instanceof RexLiteral) {
                    arguments.set(i, call.getOperands().get(i).accept(inside));
                }
            }
            if (inner instanceof CheckedFunction checked) {
                // A checked function generates its code from the operands' values; Calcite's
                // wrapper of a function's implementor would look for operands of the plain call,
                // which were never translated.
                List<Expression> isNull = new ArrayList<>();
                List<Expression> values = new ArrayList<>();
                for (RexToLixTranslator.Result operand : operands) {
                    isNull.add(VeilTranslatorAccess.isNull(operand));
                    values.add(VeilTranslatorAccess.value(operand));
                }
                Expression value =
                        checked.implement(VeilTranslatorAccess.typeFactory(translator), plain, isNull, values);
                body.add(Expressions.statement(Expressions.assign(result, EnumUtils.convert(value, boxed))));
            } else if (likePrefix(translator, call) != null) {
                // A prefix-only pattern ('PROMO%'): the same answer as Calcite's regular expression,
                // without building a matcher per row.
                RexToLixTranslator.Result text = operands.get(0);
                body.add(Expressions.statement(Expressions.assign(
                        result,
                        Expressions.condition(
                                VeilTranslatorAccess.isNull(text),
                                Expressions.constant(null, boxed),
                                EnumUtils.convert(
                                        Expressions.call(
                                                SafeCalls.class,
                                                "startsWith",
                                                EnumUtils.convert(VeilTranslatorAccess.value(text), String.class),
                                                Expressions.constant(likePrefix(translator, call))),
                                        boxed)))));
            } else {
                RexToLixTranslator.Result value = implementor.implement(inside, plain, arguments);
                body.add(Expressions.statement(Expressions.assign(
                        result,
                        Expressions.condition(
                                VeilTranslatorAccess.isNull(value),
                                Expressions.constant(null, boxed),
                                EnumUtils.convert(VeilTranslatorAccess.value(value), boxed)))));
            }

            ParameterExpression error = Expressions.parameter(0, RuntimeException.class, outer.newName("error"));
            ParameterExpression deep = Expressions.parameter(0, StackOverflowError.class, outer.newName("deep"));
            outer.add(Expressions.tryCatch(
                    body.toBlock(),
                    Expressions.catch_(
                            error,
                            Expressions.statement(Expressions.assign(result, Expressions.constant(null, boxed)))),
                    Expressions.catch_(
                            deep,
                            Expressions.statement(Expressions.assign(result, Expressions.constant(null, boxed))))));
            return result;
        }
    }
}
