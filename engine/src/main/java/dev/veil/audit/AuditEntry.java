package dev.veil.audit;

import static java.util.Objects.requireNonNull;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * One entry of the audit log.
 *
 * @param id its position in the log, increasing
 * @param at when the statement was recorded, in milliseconds since the epoch
 * @param user who ran it
 * @param kind what kind of statement it was
 * @param statement its text, without passwords
 * @param decision whether it was allowed, rejected or failed
 * @param reason why it was rejected or failed (the error message); empty when allowed
 * @param rowsReturned how many rows a query returned, once it is finished; empty for other statements
 * @param epsilon the privacy budget's epsilon it spent
 * @param delta the privacy budget's delta it spent
 * @param finishedAt when it finished; empty for a query whose result is still open
 * @param replays how many of its differentially private releases were replays of stored ones,
 *     answered at no charge (see {@code StoredReleases} of {@code budget})
 * @param purpose the purpose the statement ran under; empty if it read no table or ran under none
 * @param reads what it read, {@code schema.table.column:category, ...} (see {@code
 *     StatementScanRules.reads} of {@code sql}); empty if it read no table
 */
public record AuditEntry(
        long id,
        long at,
        String user,
        StatementKind kind,
        String statement,
        Decision decision,
        Optional<String> reason,
        OptionalLong rowsReturned,
        double epsilon,
        double delta,
        OptionalLong finishedAt,
        int replays,
        Optional<String> purpose,
        Optional<String> reads) {
    public AuditEntry {
        if (replays < 0) {
            throw new IllegalArgumentException("replays must be >= 0, was " + replays);
        }
        requireNonNull(user, "user is null");
        requireNonNull(kind, "kind is null");
        requireNonNull(statement, "statement is null");
        requireNonNull(decision, "decision is null");
        requireNonNull(reason, "reason is null");
        requireNonNull(rowsReturned, "rowsReturned is null");
        requireNonNull(finishedAt, "finishedAt is null");
        requireNonNull(purpose, "purpose is null");
        requireNonNull(reads, "reads is null");
    }
}
