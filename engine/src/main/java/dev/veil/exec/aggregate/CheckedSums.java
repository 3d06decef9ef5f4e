package dev.veil.exec.aggregate;

import dev.veil.plan.DpAggregate;
import dev.veil.plan.ReleaseOrder;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.AggAddContext;
import org.apache.calcite.adapter.enumerable.AggContext;
import org.apache.calcite.adapter.enumerable.AggImplementor;
import org.apache.calcite.adapter.enumerable.AggResetContext;
import org.apache.calcite.adapter.enumerable.AggResultContext;
import org.apache.calcite.adapter.enumerable.EnumUtils;
import org.apache.calcite.adapter.enumerable.EnumerableAggregate;
import org.apache.calcite.adapter.enumerable.EnumerableConvention;
import org.apache.calcite.adapter.enumerable.EnumerableInterpreter;
import org.apache.calcite.adapter.enumerable.EnumerableRel;
import org.apache.calcite.adapter.enumerable.EnumerableSortedAggregate;
import org.apache.calcite.adapter.enumerable.EnumerableWindow;
import org.apache.calcite.adapter.enumerable.StrictAggImplementor;
import org.apache.calcite.adapter.enumerable.VeilWindowAccess;
import org.apache.calcite.linq4j.tree.Expression;
import org.apache.calcite.linq4j.tree.Expressions;
import org.apache.calcite.linq4j.tree.Primitive;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.FunctionParameter;
import org.apache.calcite.schema.ImplementableAggFunction;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlIdentifier;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.InferTypes;
import org.apache.calcite.sql.type.OperandTypes;
import org.apache.calcite.sql.type.ReturnTypes;
import org.apache.calcite.sql.type.SqlReturnTypeInference;
import org.apache.calcite.sql.type.SqlTypeFamily;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.validate.SqlUserDefinedAggFunction;
import org.apache.calcite.util.Optionality;

/**
 * Makes the integer sums of a physical plan checked: Calcite's generated code adds a SUM or
 * {@code $SUM0} of INTEGER or BIGINT (AVG's sum included, and window sums) with Java's {@code +},
 * which wraps around silently on overflow; here each such call of an aggregate or window operator
 * becomes an aggregate of the same name whose sum is exact and fails (NUMERIC_OUT_OF_RANGE) when
 * its total does not fit the result type. Under a privacy boundary the sum saturates instead (see
 * {@link #visit}): what an error there says would depend on one unit's rows. Applied to the plan
 * just before it is compiled, so planning, EXPLAIN and the privacy rewrite see the ordinary SUM. The vectorized aggregation checks its own sums
 * ({@link VectorAccumulator}); DP sums are exact ({@code dev.veil.dp.GridSum}) and never fail.
 * A subtree that Calcite's interpreter runs alone is left as it is.
 */
public final class CheckedSums {
    private static final SqlAggFunction SUM = operator("SUM", SqlKind.SUM, ReturnTypes.AGG_SUM, false);
    private static final SqlAggFunction SUM0 =
            operator("$SUM0", SqlKind.SUM0, ReturnTypes.AGG_SUM_EMPTY_IS_ZERO, false);
    private static final SqlAggFunction SATURATING_SUM = operator("SUM", SqlKind.SUM, ReturnTypes.AGG_SUM, true);
    private static final SqlAggFunction SATURATING_SUM0 =
            operator("$SUM0", SqlKind.SUM0, ReturnTypes.AGG_SUM_EMPTY_IS_ZERO, true);

    private CheckedSums() {}

    /** {@code plan} with its integer SUM and $SUM0 calls checked. */
    public static EnumerableRel apply(EnumerableRel plan) {
        return (EnumerableRel) visit(plan, false);
    }

    /**
     * {@code protectedRows}: {@code node} is under a privacy boundary (a {@link ReleaseOrder},
     * which every MIN GROUP SIZE boundary puts on its released rows, or a DP aggregate), where it
     * may aggregate protected rows: there an error would depend on the rows of one unit, even of a
     * group that is never released, so a sum that does not fit saturates instead ({@link #saturated}).
     */
    private static RelNode visit(RelNode node, boolean protectedRows) {
        if (node instanceof EnumerableInterpreter || node.getConvention() != EnumerableConvention.INSTANCE) {
            return node;
        }
        boolean below = protectedRows || node instanceof ReleaseOrder || node instanceof DpAggregate;
        List<RelNode> inputs = node.getInputs();
        List<RelNode> visited = new ArrayList<>(inputs.size());
        boolean changed = false;
        for (RelNode input : inputs) {
            RelNode v = visit(input, below);
            changed |= v != input;
            visited.add(v);
        }
        RelNode copy = changed ? node.copy(node.getTraitSet(), visited) : node;
        if (copy instanceof EnumerableAggregate || copy instanceof EnumerableSortedAggregate) {
            return checkAggregate((Aggregate) copy, protectedRows);
        }
        if (copy instanceof EnumerableWindow window) {
            return checkWindow(window, protectedRows);
        }
        if (copy instanceof ArrowAggregateScan scan && protectedRows) {
            return scan.saturating();
        }
        return copy;
    }

    private static RelNode checkAggregate(Aggregate aggregate, boolean saturating) {
        List<AggregateCall> calls = new ArrayList<>();
        boolean changed = false;
        for (AggregateCall call : aggregate.getAggCallList()) {
            SqlAggFunction checked = checked(call.getAggregation(), call.getType(), saturating);
            if (checked == null) {
                calls.add(call);
                continue;
            }
            changed = true;
            calls.add(AggregateCall.create(
                    call.getParserPosition(),
                    checked,
                    call.isDistinct(),
                    call.isApproximate(),
                    call.ignoreNulls(),
                    call.rexList,
                    call.getArgList(),
                    call.filterArg,
                    call.distinctKeys,
                    call.collation,
                    call.type,
                    call.name));
        }
        return changed
                ? aggregate.copy(
                        aggregate.getTraitSet(),
                        aggregate.getInput(),
                        aggregate.getGroupSet(),
                        aggregate.getGroupSets(),
                        calls)
                : aggregate;
    }

    private static RelNode checkWindow(EnumerableWindow window, boolean saturating) {
        List<Window.Group> groups = new ArrayList<>();
        boolean changed = false;
        for (Window.Group group : window.groups) {
            List<Window.RexWinAggCall> calls = new ArrayList<>();
            for (Window.RexWinAggCall call : group.aggCalls) {
                SqlAggFunction checked = checked((SqlAggFunction) call.getOperator(), call.getType(), saturating);
                if (checked == null) {
                    calls.add(call);
                    continue;
                }
                changed = true;
                calls.add(new Window.RexWinAggCall(
                        checked, call.getType(), call.getOperands(), call.ordinal, call.distinct, call.ignoreNulls));
            }
            groups.add(new Window.Group(
                    group.keys,
                    group.isRows,
                    group.lowerBound,
                    group.upperBound,
                    group.exclude,
                    group.orderKeys,
                    calls));
        }
        return changed ? VeilWindowAccess.withGroups(window, groups) : window;
    }

    /** The checked form of {@code aggregation} returning {@code type}, or null if it needs none. */
    private static SqlAggFunction checked(SqlAggFunction aggregation, RelDataType type, boolean saturating) {
        SqlTypeName result = type.getSqlTypeName();
        // (Veil's sums of integers are BIGINT; an INTEGER sum, checked with addExact, is left as
        // it is on protected rows.)
        if (result != SqlTypeName.BIGINT && (result != SqlTypeName.INTEGER || saturating)) {
            return null;
        }
        if (aggregation.getKind() == SqlKind.SUM) {
            return saturating ? SATURATING_SUM : SUM;
        }
        if (aggregation.getKind() == SqlKind.SUM0) {
            return saturating ? SATURATING_SUM0 : SUM0;
        }
        return null;
    }

    /**
     * An aggregate named, kinded (memory accounting knows a SUM keeps no values) and typed (which
     * plans check) as Calcite's, with the checked code; Calcite implements a user-defined
     * aggregate by its own implementor whatever its kind.
     */
    private static SqlAggFunction operator(String name, SqlKind kind, SqlReturnTypeInference type, boolean saturating) {
        return new SqlUserDefinedAggFunction(
                new SqlIdentifier(name, SqlParserPos.ZERO),
                kind,
                type,
                InferTypes.RETURN_TYPE,
                OperandTypes.operandMetadata(List.of(SqlTypeFamily.NUMERIC), f -> List.of(), i -> "value", i -> false),
                new Function(saturating),
                false,
                false,
                Optionality.FORBIDDEN) {
            @Override
            public boolean equals(Object obj) {
                return obj == this;
            }

            @Override
            public int hashCode() {
                return System.identityHashCode(this);
            }
        };
    }

    /** The aggregate behind the checked operators: only its implementor is used. */
    private static final class Function implements ImplementableAggFunction {
        private final boolean saturating;

        Function(boolean saturating) {
            this.saturating = saturating;
        }

        @Override
        public List<FunctionParameter> getParameters() {
            return List.of();
        }

        @Override
        public RelDataType getReturnType(RelDataTypeFactory typeFactory) {
            return typeFactory.createSqlType(SqlTypeName.BIGINT);
        }

        @Override
        public AggImplementor getImplementor(boolean windowContext) {
            return new Implementor(saturating);
        }
    }

    /**
     * The carry of {@code sum + value}: 1 when the long addition wraps past the largest long, -1
     * past the smallest, else 0. A sum kept as a wrapped long and the total of its carries is
     * exact ({@code sum + carries * 2^64}), whatever the order of its additions.
     */
    public static long carry(long sum, long value) {
        long r = sum + value;
        return ((sum ^ r) & (value ^ r)) < 0 ? (value < 0 ? -1 : 1) : 0;
    }

    /**
     * The exact sum kept as {@code sum} and {@code carries}, which must fit a BIGINT.
     *
     * @throws ArithmeticException if it does not (NUMERIC_OUT_OF_RANGE)
     */
    public static long total(long sum, long carries) {
        if (carries != 0) {
            throw new ArithmeticException("long overflow");
        }
        return sum;
    }

    /**
     * The exact sum kept as {@code sum} and {@code carries}, or the largest (smallest) BIGINT if it
     * is larger (smaller): for sums of protected rows, where an error would tell about one unit.
     */
    public static long saturated(long sum, long carries) {
        if (carries == 0) {
            return sum;
        }
        return carries > 0 ? Long.MAX_VALUE : Long.MIN_VALUE;
    }

    /**
     * Calcite's sum, checked: a BIGINT sum is a wrapped long and its carries ({@link #carry}),
     * and fails at the end only if the exact total does not fit, so the outcome does not depend
     * on the order of the rows (nor on how the vectorized aggregation splits them); an INTEGER
     * sum adds with {@link Math#addExact}. As Calcite's, NULLs are skipped.
     */
    private static final class Implementor extends StrictAggImplementor {
        private final boolean saturating;

        Implementor(boolean saturating) {
            this.saturating = saturating;
        }

        private static boolean isLong(AggContext info) {
            return Primitive.unbox(info.returnType()) == long.class;
        }

        @Override
        public List<Type> getNotNullState(AggContext info) {
            return isLong(info) ? List.of(long.class, long.class) : super.getNotNullState(info);
        }

        @Override
        protected void implementNotNullReset(AggContext info, AggResetContext reset) {
            List<Expression> state = reset.accumulator();
            int size = isLong(info) ? 2 : 1;
            for (int i = 0; i < size; i++) {
                Expression acc = state.get(i);
                Object zero = Primitive.unbox(acc.getType()) == long.class ? (Object) 0L : (Object) 0;
                reset.currentBlock()
                        .add(Expressions.statement(
                                Expressions.assign(acc, EnumUtils.convert(Expressions.constant(zero), acc.getType()))));
            }
        }

        @Override
        public void implementNotNullAdd(AggContext info, AggAddContext add) {
            Expression acc = add.accumulator().get(0);
            if (isLong(info)) {
                Expression carries = add.accumulator().get(1);
                Expression value = add.currentBlock()
                        .append("value", EnumUtils.convert(add.arguments().get(0), long.class));
                add.currentBlock()
                        .add(Expressions.statement(Expressions.assign(
                                carries,
                                Expressions.add(carries, Expressions.call(CheckedSums.class, "carry", acc, value)))));
                add.currentBlock().add(Expressions.statement(Expressions.assign(acc, Expressions.add(acc, value))));
                return;
            }
            Type type = Primitive.unbox(acc.getType());
            Expression value = EnumUtils.convert(add.arguments().get(0), type);
            Expression next = Expressions.call(Math.class, "addExact", EnumUtils.convert(acc, type), value);
            add.currentBlock()
                    .add(Expressions.statement(Expressions.assign(acc, EnumUtils.convert(next, acc.getType()))));
        }

        @Override
        protected Expression implementNotNullResult(AggContext info, AggResultContext result) {
            if (!isLong(info)) {
                return super.implementNotNullResult(info, result);
            }
            return Expressions.call(
                    CheckedSums.class,
                    saturating ? "saturated" : "total",
                    result.accumulator().get(0),
                    result.accumulator().get(1));
        }
    }
}
