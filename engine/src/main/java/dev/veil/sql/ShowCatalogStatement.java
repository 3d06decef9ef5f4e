package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import dev.veil.catalog.Views;
import dev.veil.policy.ObjectAccess;
import dev.veil.schema.InformationSchema;
import dev.veil.schema.SystemSchema;
import dev.veil.sql.ast.SqlShowCatalog;
import dev.veil.sql.parser.VeilParser;
import java.util.Optional;
import org.apache.calcite.schema.SchemaPlus;
import org.apache.calcite.sql.SqlDescribeTable;
import org.apache.calcite.sql.SqlIdentifier;

/**
 * Executes {@code SHOW SCHEMAS}, {@code SHOW TABLES [IN s]}, {@code SHOW COLUMNS FROM s.t} and
 * {@code DESCRIBE s.t [c]} (every user) as queries of {@code information_schema}, so that they show
 * exactly what the views show the caller and go through the same planning and checks as any query.
 * SHOW TABLES without a schema lists the stored tables of every schema; with one, every table of
 * it (system tables too). SHOW COLUMNS and DESCRIBE list the columns as the caller sees them, with
 * the column's class for the caller.
 */
final class ShowCatalogStatement {
    private ShowCatalogStatement() {}

    static RowsResult execute(SqlShowCatalog node, StatementContext context) {
        return switch (node.target()) {
            case SCHEMAS -> run("SELECT schema_name FROM information_schema.schemata ORDER BY schema_name", context);
            case TABLES ->
                node.name().isEmpty()
                        ? run(
                                "SELECT table_schema AS schema_name, table_name, table_type FROM information_schema.tables"
                                        + " WHERE table_type <> 'SYSTEM TABLE' ORDER BY table_schema, table_name",
                                context)
                        : run(
                                "SELECT table_schema AS schema_name, table_name, table_type FROM information_schema.tables"
                                        + " WHERE table_schema = "
                                        + literal(schema(node.name().get(), context))
                                        + " ORDER BY table_name",
                                context);
            case COLUMNS -> columns(node.name().orElseThrow(), Optional.empty(), context);
        };
    }

    static RowsResult describe(SqlDescribeTable node, StatementContext context) {
        Optional<String> column = Optional.ofNullable(node.getColumn()).map(c -> SqlNames.simpleName(c, "column"));
        return columns(node.getTable(), column, context);
    }

    private static RowsResult columns(SqlIdentifier name, Optional<String> column, StatementContext context) {
        TableName table = table(name, context);
        String sql = "SELECT column_name, data_type, is_nullable, column_class, class_detail"
                + " FROM information_schema.columns WHERE table_schema = " + literal(table.schema())
                + " AND table_name = " + literal(table.table())
                + column.map(c -> " AND column_name = " + literal(c)).orElse("")
                + " ORDER BY ordinal_position";
        return run(sql, context);
    }

    /** The schema, which must exist (a catalog schema or a system one). */
    private static String schema(SqlIdentifier id, StatementContext context) {
        String schema = SqlNames.simpleName(id, "schema");
        if (!isSystem(schema) && !context.warehouse().catalog().schemaExists(schema)) {
            // The catalog's own error, with its suggestions.
            context.warehouse().catalog().tables(schema);
            throw new VeilException(ErrorCode.UNKNOWN_SCHEMA, "Schema '" + schema + "' does not exist");
        }
        return schema;
    }

    /** The table, which must exist: a stored table, or a table of a system schema. */
    private static TableName table(SqlIdentifier id, StatementContext context) {
        if (id.names.size() > 2) {
            throw new VeilException(
                    ErrorCode.INVALID_STATEMENT, "Table name '" + id + "' has too many parts; write schema.table");
        }
        TableName table = SqlNames.tableName(id);
        if (isSystem(table.schema())) {
            SchemaPlus schema = new PlannerContext(context.warehouse(), context.principal(), context.policies())
                    .rootSchema()
                    .getSubSchema(table.schema());
            if (schema == null || schema.getTable(table.table()) == null) {
                throw new VeilException(
                        ErrorCode.UNKNOWN_TABLE,
                        "Table '" + table + "' does not exist; the tables of " + table.schema() + " are "
                                + String.join(", ", schema == null ? java.util.Set.of() : schema.getTableNames()));
            }
            return table;
        }
        if (new Views(context.warehouse().sqliteCatalog()).view(table).isEmpty()) {
            context.warehouse().catalog().requireTable(table);
        }
        if (!new ObjectAccess(context.warehouse().sqliteCatalog(), context.principal()).canSee(table)) {
            throw new VeilException(ErrorCode.UNKNOWN_TABLE, "Table '" + table + "' does not exist");
        }
        return table;
    }

    private static boolean isSystem(String schema) {
        return schema.equals(SystemSchema.NAME) || schema.equals(InformationSchema.NAME);
    }

    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    private static RowsResult run(String sql, StatementContext context) {
        return PlannedQuery.plan(VeilParser.parse(sql), context).run(context);
    }
}
