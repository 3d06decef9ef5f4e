package dev.veil.schema;

import static java.util.Objects.requireNonNull;

import dev.veil.catalog.ViewDef;
import org.apache.calcite.plan.RelOptTable;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Schema;
import org.apache.calcite.schema.TranslatableTable;
import org.apache.calcite.schema.impl.AbstractTable;

/**
 * A stored view as one principal sees it during one statement. It is never scanned: converting a
 * query that names it (Calcite calls {@link #toRel}) expands it into its own query, validated as
 * the querying principal ({@link ViewExpansion}), so the plan the privacy rewrite receives reads
 * only the base tables, each as that principal sees it, and every policy of every base table
 * applies exactly as if the principal had written the view's query themselves. A view never
 * widens access.
 */
public final class StoredView extends AbstractTable implements TranslatableTable {
    private final ViewDef definition;
    private final ViewExpansion expansion;
    private RelDataType rowType;
    private RuntimeException failure;

    public StoredView(ViewDef definition, ViewExpansion expansion) {
        this.definition = requireNonNull(definition, "definition is null");
        this.expansion = requireNonNull(expansion, "expansion is null");
    }

    public ViewDef definition() {
        return definition;
    }

    @Override
    public synchronized RelDataType getRowType(RelDataTypeFactory typeFactory) {
        if (failure != null) {
            throw failure;
        }
        if (rowType == null) {
            try {
                rowType = expansion.rowType(definition);
            } catch (RuntimeException e) {
                failure = e;
                throw e;
            }
        }
        return rowType;
    }

    @Override
    public RelNode toRel(RelOptTable.ToRelContext context, RelOptTable relOptTable) {
        return expansion.expand(definition, context, relOptTable.getRowType());
    }

    @Override
    public Schema.TableType getJdbcTableType() {
        return Schema.TableType.VIEW;
    }
}
