package dev.veil.exec.scan;

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

    /** The rules an {@link ArrowTableScan} registers when it enters a planner. */
    public static final List<RelOptRule> PUSH_DOWN_RULES = List.of(PROJECT_SCAN, FILTER_SCAN);

    /** Every scan rule, for a planner that starts from logical scans. */
    public static final List<RelOptRule> ALL = List.of(TABLE_SCAN, PROJECT_SCAN, FILTER_SCAN);
}
