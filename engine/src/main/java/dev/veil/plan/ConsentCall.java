package dev.veil.plan;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import java.util.List;
import java.util.function.Function;
import org.apache.calcite.DataContext;
import org.apache.calcite.adapter.enumerable.CallImplementor;
import org.apache.calcite.adapter.enumerable.EnumUtils;
import org.apache.calcite.adapter.enumerable.RexImpTable;
import org.apache.calcite.adapter.enumerable.RexToLixTranslator;
import org.apache.calcite.adapter.enumerable.VeilTranslatorAccess;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.schema.FunctionParameter;
import org.apache.calcite.schema.ImplementableFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * The consent condition of a scan, {@code CONSENT[...](key)}: TRUE when the row's privacy unit,
 * found from {@code key} along the steps of its {@link ConsentSpec}, has the consent the spec asks
 * for at the statement time; else FALSE, never NULL. Evaluated against the {@link ConsentKeys} that
 * the execution builds once per condition (the execution's context holds them under {@link
 * #RUNTIME}, and the statement time): a hashed probe per row, in the scan on Arrow batches ({@code
 * exec.scan}) or in generated code. A dynamic function (its value depends on when the statement runs
 * and on the consent source), so no rule folds it and no DP release over it is replayed. Its name
 * describes the spec, so two conditions are equal exactly when they check the same. No operator
 * table lists it, so user SQL cannot name it.
 */
public final class ConsentCall extends SqlUserDefinedFunction {
    /** The variable of an execution's context holding a {@code Function<ConsentSpec, ConsentKeys>}. */
    public static final String RUNTIME = "veilConsentKeys";

    private final ConsentSpec spec;

    private ConsentCall(ConsentSpec spec) {
        super(
                new SqlIdentifier(spec.describe(), SqlParserPos.ZERO),
                SqlKind.OTHER_FUNCTION,
                ReturnTypes.BOOLEAN,
                InferTypes.RETURN_TYPE,
                null,
                new Implementation());
        this.spec = spec;
    }

    /** The condition on {@code key}, the row's field that starts its path to the unit. */
    public static RexNode make(RexBuilder rex, RexNode key, ConsentSpec spec) {
        return rex.makeCall(new ConsentCall(requireNonNull(spec, "spec is null")), List.of(key));
    }

    public ConsentSpec spec() {
        return spec;
    }

    /** The variable of an execution's context under which the code generated for this condition finds its spec. */
    public String variable() {
        return "veilConsent:" + getName();
    }

    @Override
    public boolean isDynamicFunction() {
        return true;
    }

    /** The keys {@code spec} lets through in the execution {@code root}. */
    @SuppressWarnings("unchecked")
    public static ConsentKeys keys(DataContext root, ConsentSpec spec) {
        Object runtime = root == null ? null : root.get(RUNTIME);
        if (!(runtime instanceof Function<?, ?> function)) {
            throw new VeilException(ErrorCode.INTERNAL_ERROR, "The execution cannot check consent");
        }
        return ((Function<ConsentSpec, ConsentKeys>) function).apply(spec);
    }

    /** Whether {@code key} passes the condition whose spec is the context's variable {@code variable}; from generated code. */
    public static boolean test(DataContext root, String variable, Object key) {
        Object spec = root.get(variable);
        if (!(spec instanceof ConsentSpec s)) {
            throw new VeilException(ErrorCode.INTERNAL_ERROR, "The execution has no consent condition " + variable);
        }
        return key != null && keys(root, s).contains(key);
    }

    private static final class Implementation implements ImplementableFunction {
        @Override
        public List<FunctionParameter> getParameters() {
            return List.of();
        }

        @Override
        public CallImplementor getImplementor() {
            return this::implement;
        }

        private Expression implement(RexToLixTranslator translator, RexCall call, RexImpTable.NullAs nullAs) {
            RexToLixTranslator.Result operand =
                    VeilTranslatorAccess.operands(translator, call).get(0);
            Expression value = Expressions.condition(
                    VeilTranslatorAccess.isNull(operand),
                    Expressions.constant(null, Object.class),
                    EnumUtils.convert(VeilTranslatorAccess.value(operand), Object.class));
            return Expressions.call(
                    ConsentCall.class,
                    "test",
                    translator.getRoot(),
                    Expressions.constant(((ConsentCall) call.getOperator()).variable()),
                    value);
        }
    }
}
