package dev.veil.sql;

import static java.util.Objects.requireNonNull;

import dev.veil.rewrite.PrivacyRewriter;
import dev.veil.storage.Warehouse;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What a statement runs against: the warehouse, the user it runs as, the flag that cancels it,
 * and the privacy rewriter every plan passes through.
 */
public record StatementContext(Warehouse warehouse, String user, AtomicBoolean cancelFlag, PrivacyRewriter rewriter) {
    public StatementContext {
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(user, "user is null");
        requireNonNull(cancelFlag, "cancelFlag is null");
        requireNonNull(rewriter, "rewriter is null");
    }
}
