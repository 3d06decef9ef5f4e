package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * The options of a {@code SELECT WITH DIFFERENTIAL_PRIVACY OPTIONS (...)} (BigQuery's syntax), as
 * the privacy rewrite applies them: each may only ask for less than the policies allow. An epsilon,
 * delta or max_groups_contributed above the policy's is refused ({@code DP_OPTION_ABOVE_POLICY}); a
 * privacy_unit_column that is not the declared privacy unit is refused ({@code DP_WRONG_PRIVACY_UNIT}).
 *
 * @param present whether the statement has the clause at all (then it must read a table that is
 *     differentially private for its user)
 * @param epsilon the epsilon the query asks for (it then spends this, not the policy's)
 * @param delta the delta the query asks for
 * @param maxGroupsContributed the most groups one unit may contribute to
 * @param privacyUnitColumn the column the query names as its privacy unit (a name, possibly qualified)
 * @param autoBounds {@code contribution_bounds = AUTO} (true) or {@code FIXED} (false) for this query
 *     instead of the policy's {@code CONTRIBUTION BOUNDS}: the same epsilon either way, so the
 *     guarantee is the same; only where the bounds come from changes
 */
public record DpQueryOptions(
        boolean present,
        OptionalDouble epsilon,
        OptionalDouble delta,
        OptionalInt maxGroupsContributed,
        Optional<List<String>> privacyUnitColumn,
        Optional<Boolean> autoBounds) {
    /** No clause. */
    public static final DpQueryOptions NONE = new DpQueryOptions(
            false,
            OptionalDouble.empty(),
            OptionalDouble.empty(),
            OptionalInt.empty(),
            Optional.empty(),
            Optional.empty());

    public DpQueryOptions {
        requireNonNull(epsilon, "epsilon is null");
        requireNonNull(delta, "delta is null");
        requireNonNull(maxGroupsContributed, "maxGroupsContributed is null");
        requireNonNull(privacyUnitColumn, "privacyUnitColumn is null");
        requireNonNull(autoBounds, "autoBounds is null");
        privacyUnitColumn = privacyUnitColumn.map(List::copyOf);
        if (!present
                && (epsilon.isPresent()
                        || delta.isPresent()
                        || maxGroupsContributed.isPresent()
                        || privacyUnitColumn.isPresent()
                        || autoBounds.isPresent())) {
            throw new IllegalArgumentException("options without the clause");
        }
        if (epsilon.isPresent() && !(epsilon.getAsDouble() > 0 && Double.isFinite(epsilon.getAsDouble()))) {
            throw new IllegalArgumentException("epsilon must be finite and > 0");
        }
        if (delta.isPresent() && !(delta.getAsDouble() >= 0 && delta.getAsDouble() < 1)) {
            throw new IllegalArgumentException("delta must be in [0, 1)");
        }
        if (maxGroupsContributed.isPresent() && maxGroupsContributed.getAsInt() < 1) {
            throw new IllegalArgumentException("max_groups_contributed must be >= 1");
        }
    }
}
