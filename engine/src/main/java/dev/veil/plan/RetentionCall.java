package dev.veil.plan;

import java.util.List;
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
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlUserDefinedFunction;

/**
 * The retention condition of a scan, {@code RETENTION_n_DAYS(column)}: TRUE when the DATE or
 * TIMESTAMP column is not NULL and after the statement time ({@link StatementTime}, read from the
 * execution's context) minus n days; else FALSE, never NULL. A DATE means its midnight (UTC). It is
 * a dynamic function (its value depends on when the statement runs), so no rule folds it and no DP
 * release over it is replayed. The scan evaluates it on Arrow batches ({@code exec.scan}); it also
 * carries its own code generation. No operator table lists it, so user SQL cannot name it.
 */
public final class RetentionCall extends SqlUserDefinedFunction {
    private final int days;

    private RetentionCall(int days) {
        super(
                new SqlIdentifier("RETENTION_" + days + "_DAYS", SqlParserPos.ZERO),
                SqlKind.OTHER_FUNCTION,
                ReturnTypes.BOOLEAN,
                InferTypes.RETURN_TYPE,
                null,
                new Implementation(days));
        if (days < 0) {
            throw new IllegalArgumentException("days must be >= 0: " + days);
        }
        this.days = days;
    }

    /** The condition that {@code column} (DATE or TIMESTAMP) is less than {@code days} days before the statement time. */
    public static RexNode make(RexBuilder rex, RexNode column, int days) {
        SqlTypeName type = column.getType().getSqlTypeName();
        if (type != SqlTypeName.DATE && type != SqlTypeName.TIMESTAMP) {
            throw new IllegalArgumentException("a retention column is a DATE or TIMESTAMP: " + type);
        }
        return rex.makeCall(new RetentionCall(days), List.of(column));
    }

    /** The retention period in days. */
    public int days() {
        return days;
    }

    @Override
    public boolean isDynamicFunction() {
        return true;
    }

    /** Whether {@code value} (a DATE as days or a TIMESTAMP as milliseconds) is retained at the execution's statement time. */
    public static boolean retained(DataContext root, Object value, boolean date, int days) {
        return value != null && retained(StatementTime.millis(value, date), StatementTime.of(root), days);
    }

    /** Whether a value at {@code millis} is retained at {@code now} for {@code days} days. */
    public static boolean retained(long millis, long now, int days) {
        return millis > cutoff(now, days);
    }

    /** The instant a value must be after to be retained at {@code now}. */
    public static long cutoff(long now, int days) {
        return now - days * 86_400_000L;
    }

    private static final class Implementation implements ImplementableFunction {
        private final int days;

        Implementation(int days) {
            this.days = days;
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
            RexToLixTranslator.Result operand =
                    VeilTranslatorAccess.operands(translator, call).get(0);
            Expression value = Expressions.condition(
                    VeilTranslatorAccess.isNull(operand),
                    Expressions.constant(null, Object.class),
                    EnumUtils.convert(VeilTranslatorAccess.value(operand), Object.class));
            boolean date = call.getOperands().get(0).getType().getSqlTypeName() == SqlTypeName.DATE;
            return Expressions.call(
                    RetentionCall.class,
                    "retained",
                    translator.getRoot(),
                    value,
                    Expressions.constant(date),
                    Expressions.constant(days));
        }
    }
}
