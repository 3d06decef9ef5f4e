package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import org.apache.calcite.rel.RelNode;

/**
 * A logical plan after the privacy rewrite, with the privacy cost its execution will charge.
 *
 * @param plan the policy-enforced logical plan
 * @param cost what running it spends from the user's privacy budget
 */
public record RewriteResult(RelNode plan, PrivacyCost cost) {
    public RewriteResult {
        requireNonNull(plan, "plan is null");
        requireNonNull(cost, "cost is null");
    }
}
