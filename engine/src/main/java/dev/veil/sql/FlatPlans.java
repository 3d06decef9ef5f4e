package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;

/**
 * Whether a converted plan holds no structured (ROW) type, in the row type of any of its nodes or
 * in the type of any expression: such a plan needs no flattening of its types.
 */
final class FlatPlans {
    private FlatPlans() {}

    /** Whether no node of {@code plan}, and no expression in one, has a structured type. */
    static boolean isFlat(RelNode plan) {
        requireNonNull(plan, "plan is null");
        StructFinder finder = new StructFinder();
        Deque<RelNode> pending = new ArrayDeque<>();
        Set<RelNode> seen = new HashSet<>();
        pending.push(plan);
        while (!pending.isEmpty()) {
            RelNode node = pending.pop();
            if (!seen.add(node)) {
                continue;
            }
            if (hasStruct(node.getRowType())) {
                return false;
            }
            node.accept(finder);
            if (finder.found) {
                return false;
            }
            node.getInputs().forEach(pending::push);
        }
        return true;
    }

    /** Whether {@code type}, or a field of it, is structured. */
    private static boolean hasStruct(RelDataType type) {
        return type.getFieldList().stream().anyMatch(f -> f.getType().isStruct());
    }

    /** Notes whether an expression it visits, or one inside it, has a structured type. */
    private static final class StructFinder extends RexShuttle {
        boolean found;

        @Override
        public RexNode visitCall(RexCall call) {
            found |= call.getType().isStruct();
            return super.visitCall(call);
        }

        @Override
        public RexNode visitFieldAccess(RexFieldAccess fieldAccess) {
            found |= fieldAccess.getReferenceExpr().getType().isStruct()
                    || fieldAccess.getType().isStruct();
            return super.visitFieldAccess(fieldAccess);
        }

        @Override
        public RexNode visitInputRef(org.apache.calcite.rex.RexInputRef inputRef) {
            found |= inputRef.getType().isStruct();
            return inputRef;
        }
    }
}
