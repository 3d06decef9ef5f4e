package dev.veil.sql;

import dev.veil.catalog.NameSuggestions;
import dev.veil.catalog.TableName;
import dev.veil.policy.RowFilterPredicate;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.sql.SqlNode;

/**
 * Checks a row filter predicate before it is stored, with the compiler the privacy rewrite uses
 * ({@link RowFilterPredicate}): it parses, it is a condition over the table's own columns
 * (unqualified, no sub-queries), and it validates as the WHERE clause of a query on the table.
 * Its canonical text (identifiers in double quotes) is what gets stored and what the privacy
 * rewrite parses back.
 */
public final class RowFilterCheck {
    private RowFilterCheck() {}

    /** Parses {@code predicate} and checks it; returns its canonical text. */
    public static String canonical(StatementContext context, TableName table, String predicate) {
        return canonical(context, table, RowFilterPredicate.parse(table, predicate));
    }

    /** Checks a parsed predicate; returns its canonical text. */
    public static String canonical(StatementContext context, TableName table, SqlNode predicate) {
        if (context.warehouse().catalog().table(table).isEmpty()) {
            List<String> all = new ArrayList<>();
            for (String schema : context.warehouse().catalog().schemas()) {
                context.warehouse()
                        .catalog()
                        .tables(schema)
                        .forEach(t -> all.add(t.name().toString()));
            }
            throw RowFilterPredicate.invalid(
                    table, "table '" + table + "' not found" + NameSuggestions.hint(table.toString(), all));
        }
        PlannerContext planner = new PlannerContext(
                context.warehouse(),
                context.principal(),
                context.policies(),
                context.settings().schema(),
                context.cancelFlag());
        RelOptTable stored = planner.table(List.of(table.schema(), table.table()));
        return RowFilterPredicate.canonical(table, predicate, stored.getRowType(), planner.cluster());
    }
}
