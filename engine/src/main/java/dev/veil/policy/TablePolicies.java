package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import java.util.List;
import java.util.Optional;

/**
 * Every policy stored for one table, as admins wrote them (not resolved for a user). What
 * {@code SHOW POLICIES}, the YAML export and the resolver read. Lists are in a stable order:
 * the every-role policy first, then by role name; columns in table order.
 *
 * @param table the table
 * @param unit its privacy unit, if any
 * @param minGroupSizes its minimum group sizes, one per scope
 * @param columns its column policies, one per column and scope
 * @param domains its column domains, one per column
 * @param rowFilters its row filters, one per scope
 * @param differentialPrivacyPolicies its differential-privacy policies, one per scope
 */
public record TablePolicies(
        TableName table,
        Optional<UnitPolicy> unit,
        List<MinGroupSizePolicy> minGroupSizes,
        List<ColumnPolicy> columns,
        List<DomainPolicy> domains,
        List<RowFilterPolicy> rowFilters,
        List<DifferentialPrivacyPolicy> differentialPrivacyPolicies) {
    public TablePolicies {
        requireNonNull(table, "table is null");
        requireNonNull(unit, "unit is null");
        minGroupSizes = List.copyOf(requireNonNull(minGroupSizes, "minGroupSizes is null"));
        columns = List.copyOf(requireNonNull(columns, "columns is null"));
        domains = List.copyOf(requireNonNull(domains, "domains is null"));
        rowFilters = List.copyOf(requireNonNull(rowFilters, "rowFilters is null"));
        differentialPrivacyPolicies =
                List.copyOf(requireNonNull(differentialPrivacyPolicies, "differentialPrivacyPolicies is null"));
        unit.ifPresent(u -> checkTable(table, u.table()));
        minGroupSizes.forEach(p -> checkTable(table, p.table()));
        columns.forEach(p -> checkTable(table, p.table()));
        domains.forEach(p -> checkTable(table, p.table()));
        rowFilters.forEach(p -> checkTable(table, p.table()));
        differentialPrivacyPolicies.forEach(p -> checkTable(table, p.table()));
    }

    /** The policies of a table without differential-privacy policies. */
    public TablePolicies(
            TableName table,
            Optional<UnitPolicy> unit,
            List<MinGroupSizePolicy> minGroupSizes,
            List<ColumnPolicy> columns,
            List<DomainPolicy> domains,
            List<RowFilterPolicy> rowFilters) {
        this(table, unit, minGroupSizes, columns, domains, rowFilters, List.of());
    }

    /** A table without policies. */
    public static TablePolicies none(TableName table) {
        return new TablePolicies(table, Optional.empty(), List.of(), List.of(), List.of(), List.of());
    }

    public boolean isEmpty() {
        return unit.isEmpty()
                && minGroupSizes.isEmpty()
                && columns.isEmpty()
                && domains.isEmpty()
                && rowFilters.isEmpty()
                && differentialPrivacyPolicies.isEmpty();
    }

    private static void checkTable(TableName expected, TableName actual) {
        if (!expected.equals(actual)) {
            throw new IllegalArgumentException("a policy of " + actual + " among the policies of " + expected);
        }
    }
}
