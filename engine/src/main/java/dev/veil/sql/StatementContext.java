package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals.Principal;
import dev.veil.policy.PolicyResolver;
import dev.veil.rewrite.PrivacyRewriter;
import dev.veil.storage.Warehouse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a statement runs against: the warehouse, the principal it runs as, the policies that
 * govern that principal, the flag that cancels it, and the privacy rewriter every plan passes
 * through, and the settings of its session.
 */
public record StatementContext(Warehouse warehouse, Principal principal, PolicyResolver policies,
        AtomicBoolean cancelFlag, PrivacyRewriter rewriter, SessionSettings settings) {
    public StatementContext {
        requireNonNull(settings, "settings is null");
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(principal, "principal is null");
        requireNonNull(policies, "policies is null");
        requireNonNull(cancelFlag, "cancelFlag is null");
        requireNonNull(rewriter, "rewriter is null");
    }

    /** A context with fresh session settings, for a statement run on its own. */
    public StatementContext(Warehouse warehouse, Principal principal, PolicyResolver policies,
            AtomicBoolean cancelFlag, PrivacyRewriter rewriter) {
        this(warehouse, principal, policies, cancelFlag, rewriter, new SessionSettings());
    }

    /** The name of the user the statement runs as. */
    public String user() {
        return principal.name();
    }
}
