package dev.veil.schema;

import dev.veil.catalog.ViewDef;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;

/**
 * How a stored view becomes a plan, supplied by whoever validates queries (the {@code sql}
 * package): the view's SQL validated and converted as the statement's principal, so that every
 * table it reads is that principal's own view of the table, with their policies (invoker
 * semantics). Implementations refuse a view that refers to itself.
 */
public interface ViewExpansion {
    /** The view's columns as the principal sees them; fails with a Veil error if the view cannot be read by them. */
    RelDataType rowType(ViewDef view);

    /** The view's query as a logical plan of scans of its base tables, with {@code rowType}'s columns. */
    RelNode expand(ViewDef view, RelOptTable.ToRelContext context, RelDataType rowType);
}
