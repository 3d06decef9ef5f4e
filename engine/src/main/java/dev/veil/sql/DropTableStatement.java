package dev.veil.sql;

import dev.veil.catalog.TableName;
import dev.veil.sql.ast.SqlDropObject;

/** Executes {@code DROP TABLE [IF EXISTS] s.t}; the table's segment files are then collected. */
final class DropTableStatement {
    private DropTableStatement() {}

    static UpdateCount execute(SqlDropObject node, StatementContext context) {
        TableName name = SqlNames.tableName(node.name(), context);
        context.warehouse().catalog().dropTable(name, node.ifExists());
        context.warehouse().collectGarbage();
        return new UpdateCount(0, "Table " + name + " dropped");
    }
}
