package dev.veil.budget;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * Where a user stands against the budget that applies to them, in the current window.
 *
 * @param user the user
 * @param budget the budget that applies
 * @param windowStart when the current window started ({@link Instant#EPOCH} for NEVER)
 * @param epsilonSpent the epsilon the user spent since then
 * @param deltaSpent the delta the user spent since then
 * @param refillsAt when the budget refills; empty for NEVER
 */
public record BudgetStatus(
        String user,
        PrivacyBudget budget,
        Instant windowStart,
        double epsilonSpent,
        double deltaSpent,
        Optional<Instant> refillsAt) {
    public BudgetStatus {
        requireNonNull(user, "user is null");
        requireNonNull(budget, "budget is null");
        requireNonNull(windowStart, "windowStart is null");
        requireNonNull(refillsAt, "refillsAt is null");
    }

    public String budgetName() {
        return budget.name();
    }

    public RefillWindow window() {
        return budget.window();
    }

    public double epsilonLimit() {
        return budget.epsilonLimit();
    }

    public double deltaLimit() {
        return budget.deltaLimit();
    }

    /** The epsilon left in this window, never below 0. */
    public double epsilonRemaining() {
        return Amounts.remaining(budget.epsilonLimit(), epsilonSpent);
    }

    /** The delta left in this window, never below 0. */
    public double deltaRemaining() {
        return Amounts.remaining(budget.deltaLimit(), deltaSpent);
    }

    /** Whether a query costing {@code epsilon} and {@code delta} still fits this window. */
    public boolean fits(double epsilon, double delta) {
        return Amounts.fits(epsilonSpent, epsilon, budget.epsilonLimit())
                && Amounts.fits(deltaSpent, delta, budget.deltaLimit());
    }
}
