package dev.veil.policy;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A stored {@code ALTER COLUMN c SET DOMAIN} policy: the public set of values the column's groups
 * can take, either listed or the values of another column. Domains are public by declaration.
 *
 * @param table the table
 * @param column the column
 * @param values the listed values in their canonical text form (numbers as plain decimals, dates
 *     as {@code yyyy-mm-dd}); empty for the REFERENCES form
 * @param references the column whose values are the domain; empty for the listed form
 */
public record DomainPolicy(TableName table, String column, List<String> values, Optional<ColumnRef> references) {
    public DomainPolicy {
        requireNonNull(table, "table is null");
        requireNonNull(column, "column is null");
        values = List.copyOf(requireNonNull(values, "values is null"));
        requireNonNull(references, "references is null");
        if (values.isEmpty() == references.isEmpty()) {
            throw new IllegalArgumentException("a domain is either a list of values or a referenced column");
        }
    }

    public static DomainPolicy values(TableName table, String column, List<String> values) {
        return new DomainPolicy(table, column, values, Optional.empty());
    }

    public static DomainPolicy references(TableName table, String column, ColumnRef references) {
        return new DomainPolicy(table, column, List.of(), Optional.of(references));
    }

    /** {@code DOMAIN IN ('a', 'b')} or {@code DOMAIN REFERENCES s.t (c)}. */
    public String definition() {
        return references
                .map(r -> "DOMAIN REFERENCES " + r)
                .orElseGet(() -> values.stream()
                        .map(v -> "'" + v.replace("'", "''") + "'")
                        .collect(Collectors.joining(", ", "DOMAIN IN (", ")")));
    }

    @Override
    public String toString() {
        return definition() + " on " + table + "." + column;
    }
}
