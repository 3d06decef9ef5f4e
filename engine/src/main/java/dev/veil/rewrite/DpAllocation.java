package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.plan.DpSpec;
import java.util.OptionalDouble;

/**
 * How {@link DpBudget} divided a statement's ε between its DP boundaries, kept with the rewritten
 * plan so that a cached plan can be run at another session ε ({@code SET EPSILON}). Nothing of a
 * plan's shape depends on ε: only the (ε, δ) in each boundary's {@link DpSpec} does, and
 * {@link #respend} gives a boundary exactly the share {@link DpBudget#allocate} gives it at that
 * ε, after the same check ({@link #epsilonAt}).
 *
 * @param boundaries whether the plan has DP boundaries at all (without, ε is never read)
 * @param cap the smallest EPSILON of the DP policies involved: the most one query may ask for
 * @param capTables the tables of that policy, named in the error
 * @param spending how many boundaries spend budget; ε is divided evenly between them
 * @param fixed the ε the statement's own options ask for ({@code SELECT WITH DIFFERENTIAL_PRIVACY}),
 *     which the session's does not replace
 * @param epsilon the ε the plan's boundaries were given
 */
public record DpAllocation(
        boolean boundaries, double cap, String capTables, int spending, OptionalDouble fixed, double epsilon) {
    /** The allocation of a plan without DP boundaries. */
    public static final DpAllocation NONE =
            new DpAllocation(false, Double.POSITIVE_INFINITY, "", 0, OptionalDouble.empty(), 0);

    public DpAllocation {
        requireNonNull(capTables, "capTables is null");
        requireNonNull(fixed, "fixed is null");
        if (spending < 0) {
            throw new IllegalArgumentException("spending must be >= 0, was " + spending);
        }
    }

    /**
     * The ε the statement spends when its session asked for {@code sessionEpsilon}: the statement's
     * own option, else the session's, else the cap. Fails with INVALID_ARGUMENT when the session
     * asks for more than the cap (whatever the statement's options say), as planning does.
     */
    public double epsilonAt(OptionalDouble sessionEpsilon) {
        requireNonNull(sessionEpsilon, "sessionEpsilon is null");
        if (!boundaries) {
            return epsilon;
        }
        if (sessionEpsilon.isPresent() && sessionEpsilon.getAsDouble() > cap) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "SET EPSILON = " + sessionEpsilon.getAsDouble()
                            + " is above the EPSILON of " + cap + " per query that the differential-privacy policy of "
                            + capTables + " allows; SET EPSILON to at most " + cap);
        }
        return fixed.isPresent() ? fixed.getAsDouble() : sessionEpsilon.orElse(cap);
    }

    /** A boundary's spec given its share of {@code newEpsilon}; its δ (which ε does not change) kept. */
    public DpSpec respend(DpSpec spec, double newEpsilon) {
        return spec.withBudget(share(newEpsilon), spec.delta());
    }

    /** The ε each boundary gets of {@code total}. */
    double share(double total) {
        return total / Math.max(1, spending);
    }

    /** The same allocation, made at {@code newEpsilon}. */
    DpAllocation at(double newEpsilon) {
        return new DpAllocation(boundaries, cap, capTables, spending, fixed, newEpsilon);
    }
}
