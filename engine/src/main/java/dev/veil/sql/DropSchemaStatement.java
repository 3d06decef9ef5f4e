package dev.veil.sql;

import dev.veil.sql.ast.SqlDropObject;

/** Executes {@code DROP SCHEMA [IF EXISTS] s}; the schema must be empty. */
final class DropSchemaStatement {
    private DropSchemaStatement() {}

    static UpdateCount execute(SqlDropObject node, StatementContext context) {
        String name = SqlNames.simpleName(node.name(), "schema");
        context.warehouse().catalog().dropSchema(name, node.ifExists());
        return new UpdateCount(0, "Schema " + name + " dropped");
    }
}
