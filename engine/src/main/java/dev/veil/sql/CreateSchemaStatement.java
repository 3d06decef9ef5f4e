package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.policy.ObjectAccess;
import dev.veil.schema.InformationSchema;
import dev.veil.schema.SystemSchema;
import dev.veil.sql.ast.SqlCreateSchema;

/**
 * Executes {@code CREATE SCHEMA [IF NOT EXISTS] s}. The names of the system schemas {@code veil}
 * and {@code information_schema} are refused: a schema of that name would be shadowed by them. A
 * schema that a user who is not an admin creates belongs to that user, who may create tables in
 * it (see {@link ObjectAccess}).
 */
final class CreateSchemaStatement {
    private CreateSchemaStatement() {}

    static UpdateCount execute(SqlCreateSchema node, StatementContext context) {
        String name = SqlNames.simpleName(node.name(), "schema");
        if (name.equals(SystemSchema.NAME) || name.equals(InformationSchema.NAME)) {
            throw new VeilException(
                    ErrorCode.ALREADY_EXISTS, "Schema '" + name + "' is a system schema; choose another name");
        }
        ObjectAccess objects = new ObjectAccess(context.warehouse().sqliteCatalog(), context.principal());
        context.warehouse().catalog().createSchema(name, node.ifNotExists(), objects.ownerOfNew());
        return new UpdateCount(0, "Schema " + name + " created");
    }
}
