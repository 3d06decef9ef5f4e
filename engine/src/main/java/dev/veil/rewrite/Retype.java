package dev.veil.rewrite;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;

/**
 * Brings expressions up to date with an input whose fields became nullable: the remainder row of
 * a minimum group size has NULL keys, and a safe cast yields NULL where a cast would fail. Input
 * references take the input's field types, and a call over a newly nullable operand becomes
 * nullable (unless it can never be NULL, as {@code IS NULL} cannot).
 */
class Retype extends RexShuttle {
    private static final Set<SqlKind> NEVER_NULL = EnumSet.of(
            SqlKind.IS_NULL,
            SqlKind.IS_NOT_NULL,
            SqlKind.IS_TRUE,
            SqlKind.IS_FALSE,
            SqlKind.IS_NOT_TRUE,
            SqlKind.IS_NOT_FALSE,
            SqlKind.IS_DISTINCT_FROM,
            SqlKind.IS_NOT_DISTINCT_FROM,
            SqlKind.COALESCE);

    private final RelDataTypeFactory types;
    private final List<RelDataType> inputTypes;

    Retype(RelDataTypeFactory types, List<RelDataType> inputTypes) {
        this.types = types;
        this.inputTypes = List.copyOf(inputTypes);
    }

    /** Re-types expressions over {@code input}'s fields. */
    static Retype over(RelNode input) {
        return new Retype(
                input.getCluster().getTypeFactory(),
                input.getRowType().getFieldList().stream().map(f -> f.getType()).toList());
    }

    @Override
    public RexNode visitInputRef(RexInputRef ref) {
        RelDataType type = inputTypes.get(ref.getIndex());
        return type.equals(ref.getType()) ? ref : new RexInputRef(ref.getIndex(), type);
    }

    @Override
    public RexNode visitCall(RexCall call) {
        boolean[] update = {false};
        List<RexNode> operands = visitList(call.getOperands(), update);
        if (!update[0]) {
            return rewriteCall(call);
        }
        return rewriteCall(withOperands(call, operands));
    }

    /** A hook for subclasses: the call after its operands were visited. */
    RexNode rewriteCall(RexCall call) {
        return call;
    }

    /** The call over new operands, nullable if a new operand is and the call can return NULL. */
    RexCall withOperands(RexCall call, List<RexNode> operands) {
        RelDataType type = call.getType();
        boolean nullableOperand = operands.stream().anyMatch(o -> o.getType().isNullable());
        if (!type.isNullable() && nullableOperand && !NEVER_NULL.contains(call.getKind())) {
            type = types.createTypeWithNullability(type, true);
        }
        return (RexCall) call.clone(type, operands);
    }

    /** Aggregate calls over {@code input} with types inferred again if their arguments' types changed. */
    static List<AggregateCall> aggregateCalls(
            List<AggregateCall> calls, RelNode oldInput, RelNode input, int groupCount) {
        List<RelDataType> before = oldInput.getRowType().getFieldList().stream()
                .map(f -> f.getType())
                .toList();
        List<RelDataType> after =
                input.getRowType().getFieldList().stream().map(f -> f.getType()).toList();
        return calls.stream()
                .map(call -> {
                    boolean changed = call.getArgList().stream()
                                    .anyMatch(a -> !before.get(a).equals(after.get(a)))
                            || (call.filterArg >= 0
                                    && !before.get(call.filterArg).equals(after.get(call.filterArg)));
                    if (!changed) {
                        return call;
                    }
                    return AggregateCall.create(
                            call.getParserPosition(),
                            call.getAggregation(),
                            call.isDistinct(),
                            call.isApproximate(),
                            call.ignoreNulls(),
                            call.rexList,
                            call.getArgList(),
                            call.filterArg,
                            call.distinctKeys,
                            call.getCollation(),
                            groupCount,
                            input,
                            null,
                            call.name);
                })
                .toList();
    }
}
