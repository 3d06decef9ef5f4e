package dev.veil.exec.join;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.SqlKind;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The right input of a SEMI or ANTI join seen through the duplicate elimination that decorrelated
 * sub-queries put there: an aggregate with group keys and no aggregate function but
 * {@code LITERAL_AGG} (a constant per group), optionally under a projection of its fields and
 * constants. Whether a row of the left input has a match does not depend on duplicates on the
 * right, so such a join can read the aggregate's input directly, its condition rewritten to it.
 *
 * @param input the aggregate's input
 * @param fields per field of the original right input, its value as an expression over {@link #input}
 */
record DistinctInput(RelNode input, List<RexNode> fields) {
    DistinctInput {
        fields = List.copyOf(fields);
    }

    /**
     * {@code right} without its duplicate elimination, or null if it has none of the kind described
     * above.
     */
    static @Nullable DistinctInput of(RelNode right) {
        RelNode node = right.stripped();
        Project project = null;
        if (node instanceof Project p) {
            project = p;
            node = p.getInput().stripped();
        }
        if (!(node instanceof Aggregate aggregate)
                || aggregate.getGroupType() != Aggregate.Group.SIMPLE
                || aggregate.getGroupCount() == 0) {
            return null;
        }
        RexBuilder rexBuilder = right.getCluster().getRexBuilder();
        RelNode input = aggregate.getInput();
        List<RexNode> aggregateFields = new ArrayList<>();
        for (int key : aggregate.getGroupSet()) {
            aggregateFields.add(RexInputRef.of(key, input.getRowType()));
        }
        for (AggregateCall call : aggregate.getAggCallList()) {
            if (call.getAggregation().getKind() != SqlKind.LITERAL_AGG
                    || call.rexList.size() != 1
                    || !(call.rexList.get(0) instanceof RexLiteral)) {
                return null;
            }
            aggregateFields.add(rexBuilder.makeCast(call.getType(), call.rexList.get(0), true, false));
        }
        if (project == null) {
            return new DistinctInput(input, aggregateFields);
        }
        List<RexNode> fields = new ArrayList<>();
        for (RexNode e : project.getProjects()) {
            if (e instanceof RexInputRef ref) {
                fields.add(aggregateFields.get(ref.getIndex()));
            } else if (e instanceof RexLiteral) {
                fields.add(e);
            } else {
                return null;
            }
        }
        return new DistinctInput(input, fields);
    }

    /**
     * {@code condition}, over {@code leftCount} left fields followed by the original right input's
     * fields, rewritten over the same left fields followed by {@link #input}'s.
     */
    RexNode rewrite(RexNode condition, int leftCount) {
        return condition.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                if (ref.getIndex() < leftCount) {
                    return ref;
                }
                return shift(fields.get(ref.getIndex() - leftCount), leftCount);
            }
        });
    }

    private static RexNode shift(RexNode e, int offset) {
        return e.accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                return new RexInputRef(ref.getIndex() + offset, ref.getType());
            }
        });
    }
}
