package dev.veil.policy;

import dev.veil.ErrorCode;
import dev.veil.VeilException;

/** Builds the INVALID_POLICY errors of policy changes: they name the policy, its target and the problem. */
final class InvalidPolicy {
    private InvalidPolicy() {}

    /** {@code Policy HIDDEN on 'shop.orders.email' is invalid: problem}. */
    static VeilException of(String definition, String target, String problem) {
        return new VeilException(
                ErrorCode.INVALID_POLICY, "Policy " + definition + " on '" + target + "' is invalid: " + problem);
    }
}
