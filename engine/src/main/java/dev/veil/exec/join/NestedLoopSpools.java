package dev.veil.exec.join;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.adapter.enumerable.EnumerableNestedLoopJoin;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.metadata.RelMetadataQuery;

/**
 * The physical-plan step that makes the inner input of every nested-loop join that does not depend
 * on the outer row run once per execution: Calcite's nested-loop join enumerates its inner input
 * again for each outer row, which recomputes it (an uncorrelated scalar sub-query compared in a
 * filter, the counts of a NOT IN, an ALL or SOME comparison, a cross join with an aggregation, a
 * non-equi join: quadratic, or worse when the inner input is an aggregation over a table). Such an
 * input (one without correlation variables) gets an {@link EnumerableSpool} above it, which keeps
 * its rows, accounted to the statement's memory, for the other outer rows. Not for the joins that
 * already keep their inner rows in a list (RIGHT and FULL), nor when the outer input has at most
 * one row. DP aggregates below a spool release once per execution as they do anyway ({@code
 * exec.privacy.DpReleases}); the spool only saves their replays.
 */
public final class NestedLoopSpools {
    private int nextId;

    private NestedLoopSpools() {}

    /** {@code plan} with a spool on each nested-loop join's inner input that can have one. */
    public static RelNode apply(RelNode plan) {
        return new NestedLoopSpools().visit(plan);
    }

    private RelNode visit(RelNode node) {
        List<RelNode> inputs = node.getInputs();
        List<RelNode> newInputs = new ArrayList<>(inputs.size());
        boolean changed = false;
        for (RelNode input : inputs) {
            RelNode visited = visit(input);
            changed |= visited != input;
            newInputs.add(visited);
        }
        if (node instanceof EnumerableNestedLoopJoin join && spools(join, newInputs)) {
            newInputs.set(1, EnumerableSpool.create(newInputs.get(1), nextId++));
            changed = true;
        }
        return changed ? node.copy(node.getTraitSet(), newInputs) : node;
    }

    /** Whether the inner input (of {@code inputs}, the join's inputs visited) is read again per outer row and may be kept. */
    private static boolean spools(EnumerableNestedLoopJoin join, List<RelNode> inputs) {
        if (join.getJoinType().generatesNullsOnLeft()) {
            return false; // Calcite reads the inner input into a list once
        }
        RelNode inner = inputs.get(1);
        if (inner instanceof EnumerableSpool
                || !RelOptUtil.getVariablesUsed(inner).isEmpty()) {
            return false;
        }
        RelMetadataQuery mq = join.getCluster().getMetadataQuery();
        Double outerRows = mq.getMaxRowCount(inputs.get(0));
        return outerRows == null || outerRows > 1;
    }
}
