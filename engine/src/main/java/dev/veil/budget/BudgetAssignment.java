package dev.veil.budget;

import static java.util.Objects.requireNonNull;

/**
 * A privacy budget assigned to a user or to a role.
 *
 * @param toRole whether {@code principal} names a role (else a user)
 * @param principal the user's or role's name
 * @param budget the budget's name
 */
public record BudgetAssignment(boolean toRole, String principal, String budget) {
    public BudgetAssignment {
        requireNonNull(principal, "principal is null");
        requireNonNull(budget, "budget is null");
    }
}
