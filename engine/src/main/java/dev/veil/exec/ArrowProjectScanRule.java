package dev.veil.exec;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;

/**
 * Pushes a {@link Project} whose expressions are all column references into the
 * {@link ArrowTableScan} below it, so the scan loads and outputs only those columns.
 */
public final class ArrowProjectScanRule extends RelRule<RuleConfig> {
    private ArrowProjectScanRule(RuleConfig config) {
        super(config);
    }

    static RuleConfig config() {
        return new RuleConfig("ArrowProjectScanRule",
                b0 -> b0.operand(Project.class)
                        .predicate(project -> project.getProjects().stream().allMatch(e -> e instanceof RexInputRef))
                        .oneInput(b1 -> b1.operand(ArrowTableScan.class).noInputs()),
                RelFactories.LOGICAL_BUILDER,
                ArrowProjectScanRule::new);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        Project project = call.rel(0);
        ArrowTableScan scan = call.rel(1);
        int[] scanProjects = scan.projects();
        List<RexNode> expressions = project.getProjects();
        if (expressions.isEmpty()) {
            return;
        }
        List<Integer> columns = new ArrayList<>();
        for (RexNode e : expressions) {
            columns.add(scanProjects[((RexInputRef) e).getIndex()]);
        }
        if (columns.stream().distinct().count() != columns.size()) {
            return;
        }
        int[] newProjects = columns.stream().mapToInt(Integer::intValue).toArray();
        ArrowTableScan newScan = ArrowTableScan.create(scan.getCluster(), scan.getTable(), scan.arrowTable(),
                newProjects, scan.filter());
        if (!newScan.getRowType().getFieldNames().equals(project.getRowType().getFieldNames())) {
            // Keep the project's field names (aliases) on top of the narrowed scan.
            call.transformTo(call.builder().push(newScan)
                    .rename(project.getRowType().getFieldNames()).build());
        } else {
            call.transformTo(newScan);
        }
    }
}
