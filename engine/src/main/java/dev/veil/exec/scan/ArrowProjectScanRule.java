package dev.veil.exec.scan;

import dev.veil.exec.runtime.RuleConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.util.ImmutableBitSet;
import org.apache.calcite.util.mapping.Mappings;

/**
 * Pushes a {@link Project} into the {@link ArrowTableScan} below it, so the scan loads and outputs
 * only the columns the project uses: a project of plain column references disappears into the
 * scan; one that computes expressions stays on top of a scan narrowed to the columns they read
 * (such as a scan that had to output a column only its pushed-down filter needs).
 */
public final class ArrowProjectScanRule extends RelRule<RuleConfig> {
    private ArrowProjectScanRule(RuleConfig config) {
        super(config);
    }

    static RuleConfig config() {
        return new RuleConfig(
                "ArrowProjectScanRule",
                b0 -> b0.operand(Project.class)
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
        if (!expressions.stream().allMatch(e -> e instanceof RexInputRef)) {
            narrow(call, project, scan);
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
        ArrowTableScan newScan = ArrowTableScan.create(
                scan.getCluster(), scan.getTable(), scan.arrowTable(), newProjects, scan.filter());
        if (!newScan.getRowType().getFieldNames().equals(project.getRowType().getFieldNames())) {
            // Keep the project's field names (aliases) on top of the narrowed scan.
            call.transformTo(call.builder()
                    .push(newScan)
                    .rename(project.getRowType().getFieldNames())
                    .build());
        } else {
            call.transformTo(newScan);
        }
    }

    /** Keeps {@code project} on a scan that outputs only the fields it uses, if that is fewer. */
    private static void narrow(RelOptRuleCall call, Project project, ArrowTableScan scan) {
        ImmutableBitSet used = RelOptUtil.InputFinder.bits(project.getProjects(), null);
        int[] scanProjects = scan.projects();
        if (used.cardinality() >= scanProjects.length) {
            return;
        }
        int[] newProjects = new int[used.cardinality()];
        Map<Integer, Integer> newField = new HashMap<>();
        int n = 0;
        for (int field : used) {
            newField.put(field, n);
            newProjects[n++] = scanProjects[field];
        }
        ArrowTableScan newScan = ArrowTableScan.create(
                scan.getCluster(), scan.getTable(), scan.arrowTable(), newProjects, scan.filter());
        Mappings.TargetMapping mapping = Mappings.target(newField, scanProjects.length, newProjects.length);
        List<RexNode> remapped = RexUtil.apply(mapping, project.getProjects());
        call.transformTo(call.builder()
                .push(newScan)
                .project(remapped, project.getRowType().getFieldNames(), true)
                .build());
    }
}
