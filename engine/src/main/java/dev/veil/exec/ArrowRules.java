package dev.veil.exec;

import java.util.List;
import org.apache.calcite.plan.RelOptRule;

/** Veil's planner rules for Arrow tables, in one place. */
public final class ArrowRules {
    private ArrowRules() {}

    /** Converts a logical scan of an {@link ArrowTable} into an {@link ArrowTableScan}. */
    public static final RelOptRule TABLE_SCAN = ArrowTableScanRule.DEFAULT_CONFIG.toRule();

    /** Pushes a projection of plain column references into an {@link ArrowTableScan}. */
    public static final RelOptRule PROJECT_SCAN = ArrowProjectScanRule.config().toRule();

    /** Pushes the conjuncts of a filter that a scan can evaluate into an {@link ArrowTableScan}. */
    public static final RelOptRule FILTER_SCAN = ArrowFilterScanRule.config().toRule();

    /** Factors conjuncts common to all OR branches out of filter conditions. */
    public static final RelOptRule FILTER_FACTOR = FilterFactorRule.config().toRule();

    /** Implements the differentially private aggregate the privacy rewrite builds. */
    public static final RelOptRule DP_AGGREGATE = DpAggregateRule.DEFAULT_CONFIG.toRule();

    /** Implements the privacy unit lookup steps the privacy rewrite builds. */
    public static final RelOptRule UNIT_LOOKUP = UnitLookupRule.DEFAULT_CONFIG.toRule();

    /** Implements the order of released rows the privacy rewrite puts on minimum-group-size boundaries. */
    public static final RelOptRule RELEASE_ORDER = ReleaseOrderRule.DEFAULT_CONFIG.toRule();

    /** The rules an {@link ArrowTableScan} registers when it enters a planner. */
    public static final List<RelOptRule> PUSH_DOWN_RULES = List.of(PROJECT_SCAN, FILTER_SCAN);

    /** Every rule, for a planner that starts from logical scans. */
    public static final List<RelOptRule> ALL =
            List.of(TABLE_SCAN, PROJECT_SCAN, FILTER_SCAN, DP_AGGREGATE, UNIT_LOOKUP, RELEASE_ORDER);
}
