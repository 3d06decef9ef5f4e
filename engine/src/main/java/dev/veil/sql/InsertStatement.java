package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableDef;
import dev.veil.schema.ArrowTable;
import dev.veil.schema.VeilTypes;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelRoot;
import org.apache.calcite.rel.core.TableModify;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.sql.SqlInsert;
import org.apache.calcite.sql.SqlNode;
import org.apache.calcite.tools.RelBuilder;

/**
 * Executes {@code INSERT INTO s.t [(columns)] VALUES ... | query}: the validator checks the
 * target and coerces types, the rows are cast to the table's exact column types, then appended
 * as one new table version.
 */
final class InsertStatement {
    private InsertStatement() {}

    static UpdateCount execute(SqlInsert node, StatementContext context) {
        PlannerContext planner = new PlannerContext(
                context.warehouse(),
                context.principal(),
                context.policies(),
                context.settings().schema(),
                context.cancelFlag());
        SqlNode validated = planner.validate(node);
        RelRoot root = planner.toRel(validated);
        if (!(root.rel instanceof TableModify modify)) {
            throw VeilException.internal("INSERT did not plan to a table modification", null);
        }
        ArrowTable target = modify.getTable().unwrap(ArrowTable.class);
        if (target == null) {
            throw new VeilException(
                    ErrorCode.NOT_SUPPORTED,
                    "Cannot insert into " + modify.getTable().getQualifiedName());
        }
        TableDef table = target.definition();
        RelDataType tableType = VeilTypes.toRowType(planner.typeFactory(), table.columns());
        RelBuilder builder =
                RelBuilder.proto(org.apache.calcite.plan.Contexts.empty()).create(modify.getCluster(), null);
        RelNode source =
                builder.push(modify.getInput()).convert(tableType, true).build();
        PlannedQuery query = PlannedQuery.fromLogical(planner, source, tableType, context);
        long rows = TableInserts.append(table, query, context);
        return new UpdateCount(rows, rows + " rows inserted into " + table.name());
    }
}
