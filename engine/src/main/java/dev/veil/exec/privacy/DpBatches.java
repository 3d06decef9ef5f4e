package dev.veil.exec.privacy;

import dev.veil.exec.runtime.ExecutionOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.calcite.rel.RelNode;

/**
 * A pass over a physical plan that gives each {@link EnumerableDpAggregate} whose input has a
 * {@link DpBatchPlan} that plan, so it reads Arrow batches ({@link DpBatchAggregator}) rather than
 * rows; EXPLAIN then shows {@code path=[batches ...]} on it. It changes how the aggregate computes,
 * never what: the same cells, samples, noise and release, so it runs after the privacy rewrite like
 * every other optimization.
 */
public final class DpBatches {
    private DpBatches() {}

    /**
     * The plan with every DP aggregate that can read batches reading them; a build side joined on the
     * batches must be a table in {@code publicTables} (qualified names of the tables the statement's
     * principal reads without any policy), so that whether its keys repeat, which decides between the
     * batches and the rows at run time, depends on public data alone.
     */
    public static RelNode fuse(RelNode node, Set<List<String>> publicTables) {
        if (!ExecutionOptions.current().columnar()) {
            return node;
        }
        if (node instanceof EnumerableDpAggregate dp && dp.batches() == null) {
            DpBatchPlan plan = DpBatchPlan.of(dp.getInput(), dp.spec(), publicTables);
            if (plan != null) {
                return dp.withBatches(plan);
            }
        }
        List<RelNode> inputs = node.getInputs();
        List<RelNode> fusedInputs = new ArrayList<>(inputs.size());
        boolean changed = false;
        for (RelNode input : inputs) {
            RelNode fused = fuse(input, publicTables);
            changed |= fused != input;
            fusedInputs.add(fused);
        }
        return changed ? node.copy(node.getTraitSet(), fusedInputs) : node;
    }
}
