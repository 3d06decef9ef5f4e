package dev.veil.sql;

import dev.veil.sql.ast.SqlCreateSchema;

/** Executes {@code CREATE SCHEMA [IF NOT EXISTS] s}. */
final class CreateSchemaStatement {
    private CreateSchemaStatement() {}

    static UpdateCount execute(SqlCreateSchema node, StatementContext context) {
        String name = SqlNames.simpleName(node.name(), "schema");
        context.warehouse().catalog().createSchema(name, node.ifNotExists());
        return new UpdateCount(0, "Schema " + name + " created");
    }
}
