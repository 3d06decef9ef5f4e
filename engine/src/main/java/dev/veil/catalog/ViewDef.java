package dev.veil.catalog;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Optional;

/**
 * A stored view: its name, its owner (empty for an admin's view), its query as SQL text, the
 * schema its unqualified names resolve in (the creator's session schema), and its columns' names
 * and types as its creator saw them when it was created (the querying user may see other types:
 * a column masked for them has the mask's type). With {@code explicitColumns} the view was created
 * with a column list ({@code CREATE VIEW v (a, b) AS ...}), whose names rename its query's
 * columns; otherwise its columns are named by its query, as the querying user sees it.
 */
public record ViewDef(
        long id,
        TableName name,
        Optional<String> owner,
        String sql,
        String schemaPath,
        List<String> columnNames,
        List<String> columnTypes,
        boolean explicitColumns) {
    public ViewDef {
        requireNonNull(name, "name is null");
        requireNonNull(owner, "owner is null");
        requireNonNull(sql, "sql is null");
        requireNonNull(schemaPath, "schemaPath is null");
        columnNames = List.copyOf(columnNames);
        columnTypes = List.copyOf(columnTypes);
        if (columnNames.size() != columnTypes.size() || columnNames.isEmpty()) {
            throw new IllegalArgumentException("a view needs one type per column and at least one column");
        }
    }
}
