package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals.Principal;
import dev.veil.control.StatementControl;
import dev.veil.policy.PolicyResolver;
import dev.veil.rewrite.PrivacyRewriter;
import dev.veil.storage.Warehouse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a statement runs against: the warehouse, the principal it runs as, the policies that
 * govern that principal, its controls (the flag that cancels it, its time limit, the budget it
 * was charged), and the privacy rewriter every plan passes through, and the settings of its session.
 */
public record StatementContext(
        Warehouse warehouse,
        Principal principal,
        PolicyResolver policies,
        StatementControl control,
        PrivacyRewriter rewriter,
        SessionSettings settings) {
    public StatementContext {
        requireNonNull(settings, "settings is null");
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(principal, "principal is null");
        requireNonNull(policies, "policies is null");
        requireNonNull(control, "control is null");
        requireNonNull(rewriter, "rewriter is null");
    }

    /** A context whose statement is cancelled through {@code cancelFlag}. */
    public StatementContext(
            Warehouse warehouse,
            Principal principal,
            PolicyResolver policies,
            AtomicBoolean cancelFlag,
            PrivacyRewriter rewriter,
            SessionSettings settings) {
        this(warehouse, principal, policies, new StatementControl(cancelFlag), rewriter, settings);
    }

    /** A context with fresh session settings, for a statement run on its own. */
    public StatementContext(
            Warehouse warehouse,
            Principal principal,
            PolicyResolver policies,
            AtomicBoolean cancelFlag,
            PrivacyRewriter rewriter) {
        this(warehouse, principal, policies, cancelFlag, rewriter, new SessionSettings());
    }

    /** The flag that cancels the statement. */
    public AtomicBoolean cancelFlag() {
        return control.cancelFlag();
    }

    /** The name of the user the statement runs as. */
    public String user() {
        return principal.name();
    }
}
