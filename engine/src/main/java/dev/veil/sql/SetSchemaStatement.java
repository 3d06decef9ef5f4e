package dev.veil.sql;

import dev.veil.sql.ast.SqlSetSchema;

/**
 * {@code SET SCHEMA s}: unqualified table names of the session's later statements resolve in
 * {@code s} (queries and DDL alike); UNKNOWN_SCHEMA if it does not exist. JDBC's
 * {@code Connection.setSchema} does the same.
 */
final class SetSchemaStatement {
    private SetSchemaStatement() {}

    static UpdateCount execute(SqlSetSchema node, StatementContext context) {
        String schema = SqlNames.simpleName(node.schema(), "schema");
        context.settings().setSchema(schema, context.warehouse().catalog());
        return new UpdateCount(0, "Schema set to " + schema);
    }
}
