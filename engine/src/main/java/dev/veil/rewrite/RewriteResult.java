package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.apache.calcite.rel.RelNode;

/**
 * A logical plan after the privacy rewrite, with the privacy cost its execution will charge and
 * the account of what was done, for {@code EXPLAIN PRIVACY}.
 *
 * @param plan the policy-enforced logical plan
 * @param cost what running it spends from the user's privacy budget
 * @param policies one line per restricted table the query reads: the policies that applied
 * @param rewrites one line per rewrite done, with its reason
 * @param shownPlan the plan as it may be shown to the principal (row filter predicates hidden)
 */
public record RewriteResult(
        RelNode plan, PrivacyCost cost, List<String> policies, List<String> rewrites, RelNode shownPlan) {
    public RewriteResult {
        requireNonNull(plan, "plan is null");
        requireNonNull(cost, "cost is null");
        policies = List.copyOf(requireNonNull(policies, "policies is null"));
        rewrites = List.copyOf(requireNonNull(rewrites, "rewrites is null"));
        requireNonNull(shownPlan, "shownPlan is null");
    }

    /** The result for a plan no policy touches: the plan itself, at no cost. */
    public static RewriteResult unchanged(RelNode plan) {
        return new RewriteResult(plan, PrivacyCost.ZERO, List.of(), List.of(), plan);
    }

    /** Whether any policy applied to the query. */
    public boolean restricted() {
        return !policies.isEmpty();
    }
}
