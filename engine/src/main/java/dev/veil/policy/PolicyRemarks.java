package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals.Principal;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What one user may see about one table's policies, as short texts (the REMARKS of JDBC
 * metadata). The rule is that of {@code SHOW POLICIES} and {@code veil.policies}
 * ({@link PolicyListing#visibleTo}): an admin sees every policy, row filter predicates included;
 * another user sees the policies that apply to them, never a row filter's predicate, and for each
 * column the class it has for them after resolution ({@link TableAccess}). Nothing here depends on
 * data.
 */
public final class PolicyRemarks {
    private static final Set<String> TABLE_KINDS =
            Set.of("PRIVACY UNIT", "MIN GROUP SIZE", "ROW FILTER", "DIFFERENTIAL PRIVACY");

    private final TablePolicies stored;
    private final TableAccess access;
    private final Principal principal;
    private final List<PolicyListing.Row> visible;

    private PolicyRemarks(TablePolicies stored, TableAccess access, Principal principal) {
        this.stored = requireNonNull(stored, "stored is null");
        this.access = requireNonNull(access, "access is null");
        this.principal = requireNonNull(principal, "principal is null");
        this.visible = PolicyListing.visibleTo(List.of(stored), principal);
    }

    /**
     * The remarks of a table for {@code principal}.
     *
     * @param stored every policy stored for the table
     * @param access the table's access resolved for {@code principal}
     */
    public static PolicyRemarks of(TablePolicies stored, TableAccess access, Principal principal) {
        return new PolicyRemarks(stored, access, principal);
    }

    /**
     * The table's policies the user may see, e.g. {@code PRIVACY UNIT (c_custkey); MIN GROUP SIZE 5
     * SUPPRESS}; empty for a table without any.
     */
    public Optional<String> table() {
        List<String> parts = new ArrayList<>();
        for (PolicyListing.Row r : visible) {
            if (TABLE_KINDS.contains(r.kind())) {
                parts.add(r.definition() + scope(r));
            }
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", parts));
    }

    /**
     * What a column is for the user: for an admin, the column's policies ({@code AGGREGATE ONLY
     * BOUNDS (0, 1000) (role analyst)}); for anyone else, its class for them ({@code AGGREGATE ONLY,
     * bounds 0..1000}, {@code MASKED: HASH}, {@code PUBLIC}), and whether it is the privacy unit or
     * has a public domain. Empty for a column of a table without policies, and for a column the
     * user cannot see.
     */
    public Optional<String> column(String column) {
        requireNonNull(column, "column is null");
        if (stored.isEmpty()) {
            return Optional.empty();
        }
        List<String> parts = new ArrayList<>();
        if (!principal.isAdmin()) {
            ColumnAccess c = access.column(column);
            if (c.columnClass() == ColumnClass.HIDDEN) {
                return Optional.empty();
            }
            parts.add(describe(c));
        }
        for (PolicyListing.Row r : visible) {
            if (r.column().isPresent() && r.column().get().equals(column)) {
                if (r.kind().equals("PRIVACY UNIT")) {
                    parts.add(
                            r.definition().startsWith("PRIVACY UNIT VIA")
                                    ? "privacy unit key (" + r.definition() + ")"
                                    : "PRIVACY UNIT");
                } else if (r.kind().equals("DOMAIN") || principal.isAdmin()) {
                    parts.add(r.definition() + scope(r));
                }
            }
        }
        return parts.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", parts));
    }

    /** The class of a column for a user: {@code AGGREGATE ONLY, bounds 0..1000}, {@code MASKED: HASH}. */
    static String describe(ColumnAccess c) {
        return switch (c.columnClass()) {
            case PUBLIC -> "PUBLIC";
            case HIDDEN -> "HIDDEN";
            case JOIN_ONLY -> "JOIN ONLY";
            case AGGREGATE_ONLY ->
                "AGGREGATE ONLY"
                        + c.bounds()
                                .map(b -> ", bounds " + b.lower().toPlainString() + ".."
                                        + b.upper().toPlainString())
                                .orElse("");
            case MASKED -> "MASKED: " + c.mask().orElseThrow();
        };
    }

    private static String scope(PolicyListing.Row r) {
        return r.role().map(role -> " (role " + role + ")").orElse("");
    }
}
