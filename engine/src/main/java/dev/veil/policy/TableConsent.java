package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import java.util.Map;
import java.util.Optional;

/**
 * What consent and retention ask of the scans of one table, whoever reads it: the data category
 * of each column ({@value #GENERAL} when it has none), whether a row is visible only with its
 * privacy unit's consent, the retention period, the stored path to the privacy unit and the
 * consent source of that unit.
 *
 * @param consentRequired whether the table, or its schema, is {@code CONSENT REQUIRED}
 * @param unit the table's path to its privacy unit as stored (whoever reads it)
 * @param source the consent source of the unit that path ends in, if one is declared
 */
public record TableConsent(
        TableName table,
        Map<String, String> categories,
        boolean consentRequired,
        Optional<Retention> retention,
        Optional<UnitPath> unit,
        Optional<ConsentSource> source) {
    /** The category of a column without one. */
    public static final String GENERAL = "general";

    public TableConsent {
        requireNonNull(table, "table is null");
        categories = Map.copyOf(requireNonNull(categories, "categories is null"));
        requireNonNull(retention, "retention is null");
        requireNonNull(unit, "unit is null");
        requireNonNull(source, "source is null");
    }

    /** A table that asks nothing. */
    public static TableConsent none(TableName table) {
        return new TableConsent(table, Map.of(), false, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** The category of a column. */
    public String category(String column) {
        return categories.getOrDefault(column, GENERAL);
    }

    /** Whether scans of the table get a filter. */
    public boolean filtersRows() {
        return consentRequired || retention.isPresent();
    }
}
