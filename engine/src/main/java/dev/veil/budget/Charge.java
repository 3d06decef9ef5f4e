package dev.veil.budget;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A charge the ledger recorded, or the free pass of an admin (nothing recorded).
 *
 * @param id the ledger entry's id; 0 when nothing was recorded
 * @param user who was charged
 * @param budget the budget charged; empty when nothing was recorded
 * @param epsilon the epsilon charged
 * @param delta the delta charged
 * @param chargedAt when
 */
public record Charge(long id, String user, Optional<String> budget, double epsilon, double delta, Instant chargedAt) {
    public Charge {
        requireNonNull(user, "user is null");
        requireNonNull(budget, "budget is null");
        requireNonNull(chargedAt, "chargedAt is null");
    }

    /** Whether the charge is in the ledger (false for admins, who are never charged). */
    public boolean recorded() {
        return id != 0;
    }
}
