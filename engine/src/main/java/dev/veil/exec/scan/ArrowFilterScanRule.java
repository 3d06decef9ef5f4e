package dev.veil.exec.scan;

import dev.veil.exec.runtime.RuleConfig;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.util.mapping.Mappings;

/**
 * Pushes the conjuncts of a {@link Filter} that {@link ScanPredicates} can evaluate into the
 * {@link ArrowTableScan} below it; the other conjuncts stay in a filter above the scan.
 */
public final class ArrowFilterScanRule extends RelRule<RuleConfig> {
    private ArrowFilterScanRule(RuleConfig config) {
        super(config);
    }

    static RuleConfig config() {
        return new RuleConfig(
                "ArrowFilterScanRule",
                b0 -> b0.operand(Filter.class)
                        .oneInput(b1 -> b1.operand(ArrowTableScan.class).noInputs()),
                RelFactories.LOGICAL_BUILDER,
                ArrowFilterScanRule::new);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        Filter filter = call.rel(0);
        ArrowTableScan scan = call.rel(1);
        RexBuilder rexBuilder = filter.getCluster().getRexBuilder();
        int[] projects = scan.projects();
        int tableColumns = scan.getTable().getRowType().getFieldCount();
        // Scan output field i is table column projects[i]; rewrite references into table positions.
        Mappings.TargetMapping toTable = Mappings.target(i -> projects[i], projects.length, tableColumns);

        List<RexNode> pushed = new ArrayList<>();
        List<RexNode> kept = new ArrayList<>();
        for (RexNode conjunct : RelOptUtil.conjunctions(filter.getCondition())) {
            RexNode onTable = RexUtil.apply(toTable, conjunct);
            if (ScanPredicates.supports(onTable, scan.arrowTable().definition())) {
                pushed.add(onTable);
            } else {
                kept.add(conjunct);
            }
        }
        if (pushed.isEmpty()) {
            return;
        }
        if (scan.filter() != null) {
            pushed.add(0, scan.filter());
        }
        RexNode newFilter = RexUtil.composeConjunction(rexBuilder, pushed);
        ArrowTableScan newScan =
                ArrowTableScan.create(scan.getCluster(), scan.getTable(), scan.arrowTable(), projects, newFilter);
        if (kept.isEmpty()) {
            call.transformTo(newScan);
        } else {
            call.transformTo(call.builder().push(newScan).filter(kept).build());
        }
    }
}
