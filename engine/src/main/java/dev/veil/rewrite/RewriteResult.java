package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.plan.DpAggregate;
import dev.veil.plan.DpSpec;
import java.util.List;
import java.util.function.UnaryOperator;
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
 * @param allocation how the statement's ε was divided between the plan's DP boundaries
 */
public record RewriteResult(
        RelNode plan,
        PrivacyCost cost,
        List<String> policies,
        List<String> rewrites,
        RelNode shownPlan,
        DpAllocation allocation) {
    public RewriteResult {
        requireNonNull(allocation, "allocation is null");
        requireNonNull(plan, "plan is null");
        requireNonNull(cost, "cost is null");
        policies = List.copyOf(requireNonNull(policies, "policies is null"));
        rewrites = List.copyOf(requireNonNull(rewrites, "rewrites is null"));
        requireNonNull(shownPlan, "shownPlan is null");
    }

    /** A result whose plan has no DP boundary. */
    public RewriteResult(
            RelNode plan, PrivacyCost cost, List<String> policies, List<String> rewrites, RelNode shownPlan) {
        this(plan, cost, policies, rewrites, shownPlan, DpAllocation.NONE);
    }

    /**
     * The same result with the statement's ε {@code epsilon} ({@link DpAllocation#epsilonAt}):
     * every DP boundary given its share of it, exactly as the rewrite gives it at that ε, and the
     * cost of that. This result itself when that is the ε it was made at.
     */
    public RewriteResult atEpsilon(double epsilon) {
        if (!allocation.boundaries() || epsilon == allocation.epsilon()) {
            return this;
        }
        UnaryOperator<DpSpec> respend = spec -> allocation.respend(spec, epsilon);
        RelNode again = DpAggregate.replaceSpecs(plan, respend);
        return new RewriteResult(
                again,
                DpBudget.costOf(again),
                policies,
                rewrites,
                DpAggregate.replaceSpecs(shownPlan, respend),
                allocation.at(epsilon));
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
