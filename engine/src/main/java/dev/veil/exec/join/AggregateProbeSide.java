package dev.veil.exec.join;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableAggregate;
import org.apache.calcite.adapter.enumerable.EnumerableCalc;
import org.apache.calcite.adapter.enumerable.EnumerableProject;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Correlate;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.sql.type.SqlTypeName;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A planner step over the physical plan: an inner {@link EnumerableLongHashJoin} that hashes an
 * aggregation grouped on its join key (TPC-H Q2's decorrelated {@code min(ps_supplycost)} per part)
 * is turned round when its other input is estimated smaller than the aggregation's input, under a
 * calc that restores the field order. The aggregation then streams past the smaller side's
 * hash table, run only once that table is built ({@link EnumerableDeferred}), and {@link DynamicFilterPlanner} (which runs after this step) follows the join key
 * through the group key down to the aggregation's scans: they read only the rows of the keys the
 * other side holds, instead of every row being aggregated and then hashed. Calcite's multi-join
 * optimizer cannot see that: it compares the aggregation's output rows with the other side's.
 *
 * <p>The rows are the same either way (an inner join's inputs commute); only which side is hashed
 * changes. Plans with any privacy operator (or a correlation) are left as they are, so nothing an analyst sees
 * through a differentially private plan (not even the order of its rows) depends on this step.
 */
public final class AggregateProbeSide {
    private static final String PRIVACY_PACKAGE = "dev.veil.exec.privacy.";

    private AggregateProbeSide() {}

    /** {@code root} with such joins turned round; {@code root} itself if there is none (or it is private). */
    public static RelNode apply(RelNode root) {
        if (kept(root)) {
            return root;
        }
        return visit(root);
    }

    /**
     * Whether the plan has a privacy operator, or a correlation (whose variables the deferred
     * input's generated code would have to capture). {@link SemiJoinScans} leaves such plans alone too.
     */
    static boolean kept(RelNode node) {
        if (node.getClass().getName().startsWith(PRIVACY_PACKAGE) || node instanceof Correlate) {
            return true;
        }
        for (RelNode input : node.getInputs()) {
            if (kept(input)) {
                return true;
            }
        }
        return false;
    }

    private static RelNode visit(RelNode node) {
        List<RelNode> inputs = new ArrayList<>();
        boolean changed = false;
        for (RelNode input : node.getInputs()) {
            RelNode visited = visit(input);
            changed |= visited != input;
            inputs.add(visited);
        }
        RelNode n = changed ? node.copy(node.getTraitSet(), inputs) : node;
        if (n.getClass() == EnumerableLongHashJoin.class) {
            RelNode swapped = swapped((EnumerableLongHashJoin) n);
            return swapped == null ? n : swapped;
        }
        return n;
    }

    /** The join turned round under a projection, or null to keep it. */
    private static @Nullable RelNode swapped(EnumerableLongHashJoin join) {
        if (join.getJoinType() != JoinRelType.INNER) {
            return null;
        }
        JoinInfo info = join.analyzeCondition();
        EnumerableAggregate aggregate = null;
        List<RelDataTypeField> rightFields = join.getRight().getRowType().getFieldList();
        for (int i = 0; i < info.rightKeys.size() && aggregate == null; i++) {
            int key = info.rightKeys.get(i);
            SqlTypeName type = rightFields.get(key).getType().getSqlTypeName();
            if (info.nullExclusionFlags.get(i) && DynamicFilterPlanner.isKeyType(type)) {
                aggregate = groupedOn(join.getRight(), key);
            }
        }
        if (aggregate == null) {
            return null;
        }
        RelMetadataQuery mq = join.getCluster().getMetadataQuery();
        Double probe = mq.getRowCount(join.getLeft());
        Double aggregated = mq.getRowCount(aggregate.getInput());
        if (probe == null || aggregated == null || !(probe < aggregated)) {
            return null;
        }
        int leftCount = join.getLeft().getRowType().getFieldCount();
        int rightCount = rightFields.size();
        RexNode condition = join.getCondition().accept(new RexShuttle() {
            @Override
            public RexNode visitInputRef(RexInputRef ref) {
                int i = ref.getIndex();
                return new RexInputRef(i < leftCount ? i + rightCount : i - leftCount, ref.getType());
            }
        });
        if (!EnumerableLongHashJoin.supports(join.getRight(), join.getLeft(), condition, JoinRelType.INNER)) {
            return null;
        }
        // Deferred: the aggregation must not read its input before the build side publishes its keys.
        RelNode turned = EnumerableLongHashJoin.create(
                EnumerableDeferred.create(join.getRight()),
                join.getLeft(),
                condition,
                join.getVariablesSet(),
                JoinRelType.INNER);
        List<RelDataTypeField> turnedFields = turned.getRowType().getFieldList();
        List<RexNode> projects = new ArrayList<>();
        for (int i = 0; i < leftCount + rightCount; i++) {
            int from = i < leftCount ? i + rightCount : i - leftCount;
            projects.add(new RexInputRef(from, turnedFields.get(from).getType()));
        }
        // A calc, not a project: Calcite's EnumerableProject does not generate code.
        RexProgram program = RexProgram.create(
                turned.getRowType(),
                projects,
                null,
                join.getRowType(),
                join.getCluster().getRexBuilder());
        return EnumerableCalc.create(turned, program);
    }

    /**
     * The aggregation whose group key output field {@code field} of {@code node} is, through
     * projections and calcs of plain fields; null if it is none.
     */
    private static @Nullable EnumerableAggregate groupedOn(RelNode node, int field) {
        RelNode n = node;
        int f = field;
        while (true) {
            if (n.getClass() == EnumerableProject.class) {
                RexNode e = ((EnumerableProject) n).getProjects().get(f);
                if (!(e instanceof RexInputRef ref)) {
                    return null;
                }
                f = ref.getIndex();
            } else if (n.getClass() == EnumerableCalc.class) {
                // A condition only drops rows, as the join may.
                RexProgram program = ((EnumerableCalc) n).getProgram();
                RexNode e = program.expandLocalRef(program.getProjectList().get(f));
                if (!(e instanceof RexInputRef ref)) {
                    return null;
                }
                f = ref.getIndex();
            } else if (n.getClass() == EnumerableAggregate.class) {
                Aggregate a = (Aggregate) n;
                return a.getGroupType() == Aggregate.Group.SIMPLE && f < a.getGroupCount()
                        ? (EnumerableAggregate) n
                        : null;
            } else {
                return null;
            }
            n = n.getInput(0);
        }
    }
}
