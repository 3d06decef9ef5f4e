package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableName;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Stored policies as rows of a listing: what {@code SHOW POLICIES} and the system table
 * {@code veil.policies} show. An admin sees every policy; another user sees the policies that
 * apply to them, and a row filter's predicate is not shown to them (it may name individual values).
 */
public final class PolicyListing {
    /** Shown instead of a row filter's predicate to users who are not admins. */
    public static final String HIDDEN_PREDICATE = "ROW FILTER (predicate shown to admins only)";

    private PolicyListing() {}

    /**
     * One policy.
     *
     * @param table the table it protects
     * @param column the column, for column policies and domains
     * @param kind {@code PRIVACY UNIT}, {@code MIN GROUP SIZE}, {@code COLUMN POLICY}, {@code DOMAIN},
     *     {@code ROW FILTER} or {@code DIFFERENTIAL PRIVACY}
     * @param role the role it is scoped to; empty for every non-admin role
     * @param definition the policy as written after {@code SET}, e.g. {@code MASKED USING SHOW_LAST(4)}
     */
    public record Row(TableName table, Optional<String> column, String kind, Optional<String> role, String definition) {
        public Row {
            requireNonNull(table, "table is null");
            requireNonNull(column, "column is null");
            requireNonNull(kind, "kind is null");
            requireNonNull(role, "role is null");
            requireNonNull(definition, "definition is null");
        }
    }

    /** Every policy of the tables, for admins. */
    public static List<Row> all(List<TablePolicies> tables) {
        List<Row> rows = new ArrayList<>();
        for (TablePolicies t : tables) {
            rows.addAll(rows(t, role -> true, true));
        }
        return rows;
    }

    /** The policies that apply to {@code principal}; all of them, predicates included, for an admin. */
    public static List<Row> visibleTo(List<TablePolicies> tables, Principal principal) {
        requireNonNull(principal, "principal is null");
        if (principal.isAdmin()) {
            return all(tables);
        }
        List<Row> rows = new ArrayList<>();
        for (TablePolicies t : tables) {
            rows.addAll(rows(t, role -> role.isEmpty() || principal.roles().contains(role.get()), false));
        }
        return rows;
    }

    private interface RoleFilter {
        boolean shows(Optional<String> role);
    }

    private static List<Row> rows(TablePolicies t, RoleFilter shown, boolean predicates) {
        List<Row> rows = new ArrayList<>();
        TableName table = t.table();
        t.unit()
                .ifPresent(u -> rows.add(
                        new Row(table, Optional.of(u.column()), "PRIVACY UNIT", Optional.empty(), u.definition())));
        for (MinGroupSizePolicy p : t.minGroupSizes()) {
            if (shown.shows(p.role())) {
                rows.add(new Row(table, Optional.empty(), "MIN GROUP SIZE", p.role(), p.definition()));
            }
        }
        for (ColumnPolicy p : t.columns()) {
            if (shown.shows(p.role())) {
                rows.add(new Row(table, Optional.of(p.column()), "COLUMN POLICY", p.role(), p.definition()));
            }
        }
        for (DomainPolicy p : t.domains()) {
            rows.add(new Row(table, Optional.of(p.column()), "DOMAIN", Optional.empty(), p.definition()));
        }
        for (RowFilterPolicy p : t.rowFilters()) {
            if (shown.shows(p.role())) {
                rows.add(new Row(
                        table,
                        Optional.empty(),
                        "ROW FILTER",
                        p.role(),
                        predicates ? p.definition() : HIDDEN_PREDICATE));
            }
        }
        for (DifferentialPrivacyPolicy p : t.differentialPrivacyPolicies()) {
            if (shown.shows(p.role())) {
                rows.add(new Row(table, Optional.empty(), "DIFFERENTIAL PRIVACY", p.role(), p.definition()));
            }
        }
        return rows;
    }
}
