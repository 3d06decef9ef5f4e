package org.apache.calcite.adapter.enumerable;

import java.util.List;
import org.apache.calcite.adapter.java.JavaTypeFactory;
import org.apache.calcite.linq4j.tree.BlockBuilder;
import org.apache.calcite.linq4j.tree.ParameterExpression;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexCall;

/**
 * Veil's window onto the parts of Calcite's code generator that are package-private: the block a
 * translator is writing, the generated values of a call's operands, its builders. Veil's
 * null-on-error operators ({@code dev.veil.rewrite.SafeOperator}) need them to put a call's own
 * code inside a {@code try}. It lives in Calcite's package for that reason only and adds nothing
 * to Calcite.
 */
public final class VeilTranslatorAccess {
    private VeilTranslatorAccess() {}

    /** The block {@code translator} is writing into. */
    public static BlockBuilder block(RexToLixTranslator translator) {
        return translator.getBlockBuilder();
    }

    /** The generated operand values of {@code call}, which {@code translator} is implementing. */
    public static List<RexToLixTranslator.Result> operands(RexToLixTranslator translator, RexCall call) {
        return translator.getCallOperandResult(call);
    }

    public static JavaTypeFactory typeFactory(RexToLixTranslator translator) {
        return translator.typeFactory;
    }

    public static RexBuilder rexBuilder(RexToLixTranslator translator) {
        return translator.builder;
    }

    public static ParameterExpression isNull(RexToLixTranslator.Result result) {
        return result.isNullVariable;
    }

    public static ParameterExpression value(RexToLixTranslator.Result result) {
        return result.valueVariable;
    }
}
