package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import org.apache.calcite.rel.RelNode;

/**
 * The privacy rewrite: the one place a logical plan passes on its way from validation to
 * execution, for every statement that reads tables (queries, {@code INSERT ... SELECT},
 * {@code CREATE TABLE ... AS}). It receives the plan after sub-queries are expanded and
 * correlation removed, and before any optional optimization.
 *
 * <p>Veil has no policy model yet (it arrives with the policy engine), so every table is public
 * and the rewrite returns the plan unchanged at zero cost. The policy engine fills this class in;
 * callers do not change.
 */
public final class PrivacyRewriter {
    /** Rewrites {@code plan} for the user {@code user}. */
    public RewriteResult rewrite(RelNode plan, String user) {
        requireNonNull(plan, "plan is null");
        requireNonNull(user, "user is null");
        return new RewriteResult(plan, PrivacyCost.ZERO);
    }
}
