package dev.veil.exec.privacy;

import java.util.List;
import org.apache.calcite.plan.RelOptRule;

/** The planner rules that implement the privacy operators of {@code dev.veil.plan}, in one place. */
public final class PrivacyRules {
    private PrivacyRules() {}

    /** Implements the differentially private aggregate the privacy rewrite builds. */
    public static final RelOptRule DP_AGGREGATE = DpAggregateRule.DEFAULT_CONFIG.toRule();

    /** Implements the privacy unit lookup steps the privacy rewrite builds. */
    public static final RelOptRule UNIT_LOOKUP = UnitLookupRule.DEFAULT_CONFIG.toRule();

    /** Implements the order of released rows the privacy rewrite puts on minimum-group-size boundaries. */
    public static final RelOptRule RELEASE_ORDER = ReleaseOrderRule.DEFAULT_CONFIG.toRule();

    /** Every rule. */
    public static final List<RelOptRule> ALL = List.of(DP_AGGREGATE, UNIT_LOOKUP, RELEASE_ORDER);
}
