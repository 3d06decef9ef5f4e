package dev.veil.rewrite;

import dev.veil.plan.SafeOperator;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rex.RexCall;
import org.apache.calcite.rex.RexFieldAccess;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexVisitorImpl;

/** Column lineage of expressions: what a computed value derives from, given its inputs' lineage. */
final class Lineage {
    private Lineage() {}

    /** The lineage of {@code e} over fields described by {@code inputs}. */
    static FieldInfo of(RexNode e, List<FieldInfo> inputs) {
        if (e instanceof RexInputRef ref) {
            return inputs.get(ref.getIndex());
        }
        List<FieldInfo> used = new ArrayList<>();
        boolean[] opaque = {false};
        e.accept(new RexVisitorImpl<Void>(true) {
            @Override
            public Void visitInputRef(RexInputRef ref) {
                used.add(inputs.get(ref.getIndex()));
                return null;
            }

            @Override
            public Void visitFieldAccess(RexFieldAccess access) {
                // A correlation variable: a value of some other row, so not a constant.
                opaque[0] = true;
                return super.visitFieldAccess(access);
            }
        });
        FieldInfo derived = FieldInfo.derived(used);
        if (opaque[0] && derived.constant()) {
            return FieldInfo.PUBLIC;
        }
        return derived.withRange(RangeAnalysis.of(e, inputs));
    }

    /** The input fields {@code e} reads. */
    static List<Integer> inputs(RexNode e) {
        List<Integer> fields = new ArrayList<>();
        e.accept(new RexVisitorImpl<Void>(true) {
            @Override
            public Void visitInputRef(RexInputRef ref) {
                fields.add(ref.getIndex());
                return null;
            }
        });
        return fields;
    }

    /** The expression without the casts (null-on-error casts included) around it. */
    static RexNode stripCasts(RexNode e) {
        RexNode current = e;
        while (current instanceof RexCall call
                && (call.getKind() == org.apache.calcite.sql.SqlKind.CAST
                        || call.getOperator() instanceof SafeOperator safe
                                && safe.inner().getKind() == org.apache.calcite.sql.SqlKind.CAST)) {
            current = call.getOperands().get(0);
        }
        return current;
    }
}
