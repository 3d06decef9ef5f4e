package dev.veil.sql;

import dev.veil.sql.ast.SqlDropSchema;

/** Executes {@code DROP SCHEMA [IF EXISTS] s}; the schema must be empty. */
final class DropSchemaStatement {
    private DropSchemaStatement() {
    }

    static UpdateCount execute(SqlDropSchema node, StatementContext context) {
        String name = SqlNames.simpleName(node.name(), "schema");
        context.warehouse().catalog().dropSchema(name, node.ifExists());
        return new UpdateCount(0, "Schema " + name + " dropped");
    }
}
