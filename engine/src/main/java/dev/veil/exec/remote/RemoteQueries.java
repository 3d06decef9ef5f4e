package dev.veil.exec.remote;

import dev.veil.schema.ForeignTable;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptPlanner;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelVisitor;
import org.apache.calcite.rel.logical.LogicalTableScan;

/** Prepares a planner for the foreign tables of a plan, and seals the remote sub-plans it chose. */
public final class RemoteQueries {
    private RemoteQueries() {}

    /**
     * Adds to {@code planner} the rules of the remote databases whose foreign tables {@code logical}
     * scans, and the rule that turns those scans into remote scans. They must be there before the
     * cost-based planner registers the plan: its operators above a scan are matched against the
     * rules when they are registered.
     */
    public static List<RemoteConvention> prepare(RelNode logical, RelOptPlanner planner) {
        List<RemoteConvention> conventions = new ArrayList<>();
        new RelVisitor() {
            @Override
            public void visit(RelNode node, int ordinal, RelNode parent) {
                if (node instanceof LogicalTableScan scan) {
                    ForeignTable table = scan.getTable().unwrap(ForeignTable.class);
                    if (table != null) {
                        RemoteConvention convention = RemoteConvention.of(table.database());
                        if (!conventions.contains(convention)) {
                            conventions.add(convention);
                        }
                    }
                }
                super.visit(node, ordinal, parent);
            }
        }.go(logical);
        if (!conventions.isEmpty()) {
            planner.addRule(RemoteScanRule.INSTANCE);
            conventions.forEach(c -> c.register(planner));
        }
        return conventions;
    }

    /**
     * {@code physical} with each remote sub-plan replaced by the leaf that runs its SQL, so that
     * nothing after planning (vectorization, dynamic filters, cancel checks, memory accounting)
     * looks into or changes the operators the remote runs.
     */
    public static RelNode seal(RelNode physical) {
        if (physical instanceof RemoteToEnumerable remote) {
            return remote.seal();
        }
        List<RelNode> inputs = physical.getInputs();
        List<RelNode> sealed = new ArrayList<>(inputs.size());
        boolean changed = false;
        for (RelNode input : inputs) {
            RelNode s = seal(input);
            sealed.add(s);
            changed |= s != input;
        }
        return changed ? physical.copy(physical.getTraitSet(), sealed) : physical;
    }
}
