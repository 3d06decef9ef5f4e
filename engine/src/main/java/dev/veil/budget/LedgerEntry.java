package dev.veil.budget;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One charge in the budget ledger.
 *
 * @param id its position in the ledger, increasing
 * @param user who was charged
 * @param budget the budget it was charged to
 * @param epsilon the epsilon charged
 * @param delta the delta charged
 * @param chargedAt when
 * @param windowStart the start of the budget's window it fell in ({@link Instant#EPOCH} for NEVER)
 * @param statement the statement that spent it (for admins only)
 */
public record LedgerEntry(
        long id,
        String user,
        String budget,
        double epsilon,
        double delta,
        Instant chargedAt,
        Instant windowStart,
        String statement) {
    public LedgerEntry {
        requireNonNull(user, "user is null");
        requireNonNull(budget, "budget is null");
        requireNonNull(chargedAt, "chargedAt is null");
        requireNonNull(windowStart, "windowStart is null");
        requireNonNull(statement, "statement is null");
    }
}
