package dev.veil.exec.join;

import java.util.List;
import org.apache.calcite.plan.RelOptRule;

/**
 * The rules of semi and anti joins, registered in one place: the logical rewrites that turn
 * decorrelated {@code EXISTS}, {@code IN} and {@code NOT EXISTS} into SEMI and ANTI joins (and
 * drop the outer query's copy that a correlation other than equalities left in them), and the
 * physical rule of the join that hashes the kept side ({@link EnumerableLongMarkJoin}; the one that
 * hashes the other side is {@link LongHashJoinRule}'s).
 */
public final class SemiJoinRules {
    private SemiJoinRules() {}

    /** Logical rewrites, applied once before join ordering; each keeps what the plan computes. */
    public static final List<RelOptRule> LOGICAL = List.of(
            DistinctSemiJoinRule.config().toRule(),
            MarkerAntiJoinRule.config().toRule(),
            ValueGeneratorSemiJoinRule.config().toRule());

    /** Physical rules for the cost-based planner. */
    public static final List<RelOptRule> PHYSICAL = List.of(LongMarkJoinRule.INSTANCE);
}
