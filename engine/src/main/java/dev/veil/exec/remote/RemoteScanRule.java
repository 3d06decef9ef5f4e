package dev.veil.exec.remote;

import dev.veil.exec.runtime.RuleConfig;
import dev.veil.schema.ForeignTable;
import org.apache.calcite.plan.RelOptRuleCall;
import org.apache.calcite.plan.RelRule;
import org.apache.calcite.rel.core.RelFactories;
import org.apache.calcite.rel.logical.LogicalTableScan;

/**
 * Converts a logical scan of a {@link ForeignTable} into a {@link RemoteScan} in the convention of
 * its remote database. Only scans of the base table reach here: a scan of a table as a restricted
 * principal sees it is a view that only the privacy rewrite replaces, with the policies on top.
 */
public final class RemoteScanRule extends RelRule<RuleConfig> {
    public static final RemoteScanRule INSTANCE = (RemoteScanRule) new RuleConfig(
                    "RemoteScanRule",
                    b -> b.operand(LogicalTableScan.class)
                            .predicate(s -> s.getTable().unwrap(ForeignTable.class) != null)
                            .noInputs(),
                    RelFactories.LOGICAL_BUILDER,
                    RemoteScanRule::new)
            .toRule();

    private RemoteScanRule(RuleConfig config) {
        super(config);
    }

    @Override
    public void onMatch(RelOptRuleCall call) {
        LogicalTableScan scan = call.rel(0);
        ForeignTable table = scan.getTable().unwrap(ForeignTable.class);
        if (table == null) {
            return;
        }
        RemoteConvention convention = RemoteConvention.of(table.database());
        call.transformTo(RemoteScan.create(scan.getCluster(), convention, scan.getTable(), table));
    }
}
