package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.Principals.Principal;
import dev.veil.catalog.TableName;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Stored policies as rows of a listing: what {@code SHOW POLICIES} and the system table
 * {@code veil.policies} show. An admin sees every policy; another user sees the policies that
 * apply to them, and a row filter's predicate is not shown to them (it may name individual values).
 * The rules that apply to every principal alike ({@link TableRules}, {@link SchemaRules}: data
 * categories, consent required, consent sources, retention, {@code ON ERASE SET NULL}) are listed
 * to everyone who may see the table: they name columns and periods, never values.
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
     *     {@code ROW FILTER}, {@code DIFFERENTIAL PRIVACY}, {@code CATEGORY}, {@code CONSENT REQUIRED},
     *     {@code CONSENT SOURCE} or {@code RETENTION}
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

    /**
     * What {@link #visibleTo(List, Principal)} lists, and then for each table the rules that apply to
     * every principal: those of {@code rules}, and {@code CONSENT REQUIRED} for each table with a
     * privacy unit in a schema of {@code schemas} that requires consent. Tables in name order.
     */
    public static List<Row> visibleTo(
            List<TablePolicies> tables, List<TableRules> rules, List<SchemaRules> schemas, Principal principal) {
        requireNonNull(rules, "rules is null");
        requireNonNull(schemas, "schemas is null");
        Map<TableName, TableRules> byTable = new HashMap<>();
        rules.forEach(r -> byTable.put(r.table(), r));
        Set<String> consentSchemas = new HashSet<>();
        schemas.stream().filter(SchemaRules::consentRequired).forEach(s -> consentSchemas.add(s.schema()));
        Map<TableName, List<Row>> rows = new TreeMap<>(Comparator.comparing(TableName::toString));
        Set<TableName> listed = new HashSet<>();
        for (TablePolicies t : tables) {
            listed.add(t.table());
            List<Row> own = new ArrayList<>(visibleTo(List.of(t), principal));
            TableRules r = byTable.getOrDefault(t.table(), TableRules.none(t.table()));
            if (r.setNullOnErase()) {
                own.replaceAll(row -> row.kind().equals("PRIVACY UNIT")
                        ? new Row(
                                row.table(),
                                row.column(),
                                row.kind(),
                                row.role(),
                                row.definition() + " ON ERASE SET NULL")
                        : row);
            }
            own.addAll(rules(
                    r, t.unit().isPresent() && consentSchemas.contains(t.table().schema()), principal));
            rows.put(t.table(), own);
        }
        for (TableRules r : rules) {
            if (!listed.contains(r.table())) {
                List<Row> own = rules(r, false, principal);
                if (!own.isEmpty()) {
                    rows.put(r.table(), own);
                }
            }
        }
        List<Row> result = new ArrayList<>();
        rows.values().forEach(result::addAll);
        return result;
    }

    private static List<Row> rules(TableRules r, boolean schemaRequiresConsent, Principal principal) {
        List<Row> rows = new ArrayList<>();
        TableName table = r.table();
        Optional<String> everyone = Optional.empty();
        if (r.consentRequired()) {
            rows.add(new Row(table, Optional.empty(), "CONSENT REQUIRED", everyone, "CONSENT REQUIRED"));
        } else if (schemaRequiresConsent) {
            rows.add(new Row(
                    table,
                    Optional.empty(),
                    "CONSENT REQUIRED",
                    everyone,
                    "CONSENT REQUIRED (schema " + table.schema() + ")"));
        }
        // A consent source is read by admins only, and so is its declaration.
        r.consentSource()
                .filter(s -> principal.isAdmin())
                .ifPresent(s ->
                        rows.add(new Row(table, Optional.of(s.unit()), "CONSENT SOURCE", everyone, s.definition())));
        r.retention()
                .ifPresent(ret ->
                        rows.add(new Row(table, Optional.of(ret.column()), "RETENTION", everyone, ret.definition())));
        r.sortedCategories()
                .forEach((column, category) ->
                        rows.add(new Row(table, Optional.of(column), "CATEGORY", everyone, "CATEGORY " + category)));
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
