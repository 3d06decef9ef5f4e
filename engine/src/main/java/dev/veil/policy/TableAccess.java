package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the privacy rewrite needs to know about one table for one principal: the resolved
 * result of all policies that apply to them. A table with no privacy unit and only PUBLIC columns
 * is unrestricted.
 *
 * @param table the table
 * @param unit the path to the privacy unit, if the table is protected
 * @param minGroupSize the minimum group size, if any
 * @param rowFilter the row filter predicate as SQL over the table's columns, if any
 * @param columns the access of every column, by name
 * @param applied readable descriptions of the policies that apply, for EXPLAIN PRIVACY
 * @param differentialPrivacy the differential-privacy policy, if aggregates over the table are noisy
 * @param domains the public domains declared on columns, by column name
 */
public record TableAccess(
        TableName table,
        Optional<UnitPath> unit,
        Optional<MinGroupSize> minGroupSize,
        Optional<String> rowFilter,
        Map<String, ColumnAccess> columns,
        List<String> applied,
        Optional<DifferentialPrivacy> differentialPrivacy,
        Map<String, DomainPolicy> domains) {
    public TableAccess {
        domains = Map.copyOf(requireNonNull(domains, "domains is null"));
        requireNonNull(differentialPrivacy, "differentialPrivacy is null");
        requireNonNull(table, "table is null");
        requireNonNull(unit, "unit is null");
        requireNonNull(minGroupSize, "minGroupSize is null");
        requireNonNull(rowFilter, "rowFilter is null");
        columns = Map.copyOf(requireNonNull(columns, "columns is null"));
        applied = List.copyOf(requireNonNull(applied, "applied is null"));
    }

    /** Access without declared domains. */
    public TableAccess(
            TableName table,
            Optional<UnitPath> unit,
            Optional<MinGroupSize> minGroupSize,
            Optional<String> rowFilter,
            Map<String, ColumnAccess> columns,
            List<String> applied,
            Optional<DifferentialPrivacy> differentialPrivacy) {
        this(table, unit, minGroupSize, rowFilter, columns, applied, differentialPrivacy, Map.of());
    }

    /** Access without a differential-privacy policy. */
    public TableAccess(
            TableName table,
            Optional<UnitPath> unit,
            Optional<MinGroupSize> minGroupSize,
            Optional<String> rowFilter,
            Map<String, ColumnAccess> columns,
            List<String> applied) {
        this(table, unit, minGroupSize, rowFilter, columns, applied, Optional.empty());
    }

    /** Access without any restriction: no unit, no filter, every column PUBLIC (what admins get). */
    public static TableAccess unrestricted(TableName table) {
        return new TableAccess(table, Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), List.of());
    }

    /** The access of a column; a column without a policy is PUBLIC. */
    public ColumnAccess column(String name) {
        ColumnAccess access = columns.get(name);
        return access != null ? access : ColumnAccess.unrestricted(name);
    }

    public boolean isProtected() {
        return unit.isPresent();
    }
}
