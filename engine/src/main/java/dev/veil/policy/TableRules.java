package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What a policy file holds for one table besides its {@link TablePolicies}: rules that apply to
 * every principal alike. How an erasure of its unit treats its rows ({@code ON ERASE SET NULL}), its
 * columns' data categories, whether it requires consent (the table's own flag; a schema's flag is in
 * {@link SchemaRules}), the consent source it is, its retention period, and whom SELECT on it is
 * granted to (also for a view).
 *
 * @param table the table or view
 * @param setNullOnErase {@code ON ERASE SET NULL} on its {@code VIA} unit
 * @param categories data category by column, for the columns that are not {@value TableConsent#GENERAL}
 * @param consentRequired {@code SET CONSENT REQUIRED} on the table itself
 * @param consentSource the consent source it is declared as, if any
 * @param retention its retention period, if any
 * @param select whom {@code GRANT SELECT ON TABLE} names
 */
public record TableRules(
        TableName table,
        boolean setNullOnErase,
        Map<String, String> categories,
        boolean consentRequired,
        Optional<ConsentSource> consentSource,
        Optional<Retention> retention,
        Grantees select) {
    public TableRules {
        requireNonNull(table, "table is null");
        categories = Map.copyOf(requireNonNull(categories, "categories is null"));
        requireNonNull(consentSource, "consentSource is null");
        requireNonNull(retention, "retention is null");
        requireNonNull(select, "select is null");
        consentSource.ifPresent(s -> {
            if (!s.table().equals(table)) {
                throw new IllegalArgumentException("the consent source " + s.table() + " among the rules of " + table);
            }
        });
    }

    /** A table without such rules. */
    public static TableRules none(TableName table) {
        return new TableRules(table, false, Map.of(), false, Optional.empty(), Optional.empty(), Grantees.none());
    }

    /** The categories in column name order. */
    public Map<String, String> sortedCategories() {
        return new TreeMap<>(categories);
    }

    public boolean isEmpty() {
        return !setNullOnErase
                && categories.isEmpty()
                && !consentRequired
                && consentSource.isEmpty()
                && retention.isEmpty()
                && select.isEmpty();
    }
}
