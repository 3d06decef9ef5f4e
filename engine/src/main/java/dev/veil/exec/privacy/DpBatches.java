package dev.veil.exec.privacy;

import dev.veil.exec.runtime.ExecutionOptions;
import java.util.ArrayList;
import java.util.List;
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

    /** The plan with every DP aggregate that can read batches reading them. */
    public static RelNode fuse(RelNode node) {
        if (!ExecutionOptions.current().columnar()) {
            return node;
        }
        if (node instanceof EnumerableDpAggregate dp && dp.batches() == null) {
            DpBatchPlan plan = DpBatchPlan.of(dp.getInput(), dp.spec());
            if (plan != null) {
                return dp.withBatches(plan);
            }
        }
        List<RelNode> inputs = node.getInputs();
        List<RelNode> fusedInputs = new ArrayList<>(inputs.size());
        boolean changed = false;
        for (RelNode input : inputs) {
            RelNode fused = fuse(input);
            changed |= fused != input;
            fusedInputs.add(fused);
        }
        return changed ? node.copy(node.getTraitSet(), fusedInputs) : node;
    }
}
