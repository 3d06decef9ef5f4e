package dev.veil.budget;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;

/**
 * A named privacy budget: how much epsilon and delta each user it applies to may spend per
 * window. Limits hold per user: two users under one budget each have all of it.
 */
public record PrivacyBudget(String name, double epsilonLimit, double deltaLimit, RefillWindow window) {
    /** Fails with INVALID_POLICY unless epsilon is finite and above 0 and delta is in [0, 1). */
    public PrivacyBudget {
        requireNonNull(name, "name is null");
        requireNonNull(window, "window is null");
        if (name.isEmpty()) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "A privacy budget name must not be empty");
        }
        if (!(epsilonLimit > 0) || Double.isInfinite(epsilonLimit)) {
            throw new VeilException(
                    ErrorCode.INVALID_POLICY,
                    "Privacy budget '" + name + "' is invalid: EPSILON must be a finite number above 0, got "
                            + Amounts.format(epsilonLimit));
        }
        if (!(deltaLimit >= 0) || !(deltaLimit < 1)) {
            throw new VeilException(
                    ErrorCode.INVALID_POLICY,
                    "Privacy budget '" + name + "' is invalid: DELTA must be at least 0 and below 1, got "
                            + Amounts.format(deltaLimit));
        }
    }

    /** The budget as the statement that creates it. */
    public String definition() {
        return "LIMIT (EPSILON " + Amounts.format(epsilonLimit) + ", DELTA " + Amounts.format(deltaLimit) + ") WINDOW "
                + window.name();
    }
}
