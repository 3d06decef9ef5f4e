package dev.veil.sql;

import dev.veil.policy.ObjectAccess;
import dev.veil.sql.ast.SqlCreateSchema;

/**
 * Executes {@code CREATE SCHEMA [IF NOT EXISTS] s}; a schema that a user who is not an admin
 * creates belongs to that user, who may create tables in it (see {@link ObjectAccess}).
 */
final class CreateSchemaStatement {
    private CreateSchemaStatement() {}

    static UpdateCount execute(SqlCreateSchema node, StatementContext context) {
        String name = SqlNames.simpleName(node.name(), "schema");
        ObjectAccess objects = new ObjectAccess(context.warehouse().sqliteCatalog(), context.principal());
        context.warehouse().catalog().createSchema(name, node.ifNotExists(), objects.ownerOfNew());
        return new UpdateCount(0, "Schema " + name + " created");
    }
}
