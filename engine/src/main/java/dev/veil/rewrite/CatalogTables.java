package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.TableName;
import dev.veil.plan.RestrictedTable;
import dev.veil.plan.StoredTable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.calcite.linq4j.tree.TableExpressionFactory;
import org.apache.calcite.plan.RelOptSchema;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.prepare.RelOptTableImpl;

/**
 * Finds tables as the statement's principal sees them: from a scan in the plan, or by name when a
 * privacy unit path leads to a table the query does not mention. A table behind an
 * {@link RestrictedTable} is unwrapped to its stored form, carrying the view's access.
 */
final class CatalogTables {
    private final Map<TableName, Optional<TableRef>> byName = new HashMap<>();
    private RelOptSchema schema;

    /** The table a scan reads, or empty when it is not a Veil table (a system table, say). */
    Optional<TableRef> ofScan(RelOptTable table) {
        requireNonNull(table, "table is null");
        if (schema == null) {
            schema = table.getRelOptSchema();
        }
        return unwrap(table);
    }

    /** The table of that name, or empty when the catalog has none. */
    Optional<TableRef> byName(TableName name) {
        return byName.computeIfAbsent(name, n -> {
            if (schema == null) {
                return Optional.empty();
            }
            RelOptTable table = schema.getTableForMember(List.of(n.schema(), n.table()));
            return table == null ? Optional.empty() : unwrap(table);
        });
    }

    private static Optional<TableRef> unwrap(RelOptTable table) {
        RestrictedTable view = table.unwrap(RestrictedTable.class);
        if (view != null) {
            StoredTable base = view.base();
            // Veil's own scan rule executes stored tables, so no expression for generated code is needed.
            RelOptTable baseTable = RelOptTableImpl.create(
                    table.getRelOptSchema(),
                    base.getRowType(table.getRelOptSchema().getTypeFactory()),
                    table.getQualifiedName(),
                    base,
                    (TableExpressionFactory) type -> null);
            return Optional.of(new TableRef(baseTable, view.access()));
        }
        StoredTable arrow = table.unwrap(StoredTable.class);
        if (arrow != null) {
            return Optional.of(new TableRef(
                    table, UnrestrictedPolicies.unrestricted(arrow.definition().name())));
        }
        return Optional.empty();
    }
}
