package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Column;
import dev.veil.catalog.ColumnType;
import dev.veil.catalog.TableDef;
import dev.veil.catalog.TableName;
import dev.veil.policy.ObjectAccess;
import dev.veil.schema.VeilTypes;
import dev.veil.sql.ast.SqlColumnDefinition;
import dev.veil.sql.ast.SqlCreateTable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Executes {@code CREATE TABLE s.t (columns)} and {@code CREATE TABLE s.t AS query}. A user who is
 * not an admin creates tables only where {@link ObjectAccess} allows, and owns them: nobody else
 * but admins sees them.
 */
final class CreateTableStatement {
    private CreateTableStatement() {}

    static UpdateCount execute(SqlCreateTable node, StatementContext context) {
        TableName name = SqlNames.tableName(node.name(), context);
        ObjectAccess objects = new ObjectAccess(context.warehouse().sqliteCatalog(), context.principal());
        objects.checkCreateTableIn(name.schema());
        if (node.query().isPresent()) {
            return createAs(node, name, context, objects);
        }
        List<Column> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (SqlColumnDefinition definition : node.columns()) {
            String columnName = SqlNames.simpleName(definition.name(), "column");
            if (!seen.add(columnName)) {
                throw new VeilException(
                        ErrorCode.INVALID_STATEMENT, "Column '" + columnName + "' is defined twice in table " + name);
            }
            ColumnType type = ColumnType.parse(definition.type().toString());
            columns.add(new Column(columnName, type, definition.nullable()));
        }
        if (columns.isEmpty()) {
            throw new VeilException(ErrorCode.INVALID_STATEMENT, "Table " + name + " needs at least one column");
        }
        context.warehouse().catalog().createTable(name, columns, node.ifNotExists(), objects.ownerOfNew());
        return new UpdateCount(0, "Table " + name + " created");
    }

    private static UpdateCount createAs(
            SqlCreateTable node, TableName name, StatementContext context, ObjectAccess objects) {
        if (node.ifNotExists() && context.warehouse().catalog().table(name).isPresent()) {
            return new UpdateCount(0, "Table " + name + " already exists");
        }
        PlannedQuery query = PlannedQuery.plan(node.query().orElseThrow(), context);
        List<Column> columns = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (ResultColumn c : query.columns()) {
            if (!seen.add(c.name())) {
                throw new VeilException(
                        ErrorCode.INVALID_STATEMENT,
                        "Column '" + c.name() + "' appears twice in the query of CREATE TABLE " + name
                                + "; give it an alias");
            }
            columns.add(new Column(
                    c.name(),
                    VeilTypes.toColumnType(c.type(), c.name()),
                    c.type().isNullable()));
        }
        TableDef table = context.warehouse().catalog().createTable(name, columns, false, objects.ownerOfNew());
        try {
            long rows = TableInserts.append(table, query, context);
            return new UpdateCount(rows, "Table " + name + " created with " + rows + " rows");
        } catch (RuntimeException e) {
            context.warehouse().catalog().dropTable(name, true);
            throw e;
        }
    }
}
