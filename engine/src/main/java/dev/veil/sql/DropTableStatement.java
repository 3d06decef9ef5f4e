package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import dev.veil.policy.ObjectAccess;
import dev.veil.schema.SystemSchema;
import dev.veil.sql.ast.SqlDropObject;
import java.util.Optional;

/**
 * Executes {@code DROP TABLE [IF EXISTS] s.t}; the table's segment files are then collected.
 * Admins drop any table; other users only the tables they own ({@link ObjectAccess}), and a
 * table they cannot see does not exist for them.
 */
final class DropTableStatement {
    private DropTableStatement() {}

    static UpdateCount execute(SqlDropObject node, StatementContext context) {
        TableName name = SqlNames.tableName(node.name(), context);
        if (!context.principal().isAdmin()) {
            if (name.schema().equals(SystemSchema.NAME)) {
                throw new VeilException(ErrorCode.ACCESS_DENIED, "System tables cannot be dropped");
            }
            ObjectAccess objects = new ObjectAccess(context.warehouse().sqliteCatalog(), context.principal());
            boolean exists = context.warehouse().catalog().table(name).isPresent();
            if (!exists || !objects.canSee(name)) {
                if (node.ifExists()) {
                    return new UpdateCount(0, "Table " + name + " does not exist");
                }
                throw new VeilException(ErrorCode.UNKNOWN_TABLE, "Table '" + name + "' does not exist");
            }
            Optional<String> owner = context.warehouse().catalog().tableOwner(name);
            if (!owner.equals(Optional.of(context.principal().name()))) {
                throw new VeilException(
                        ErrorCode.ACCESS_DENIED,
                        "User '" + context.principal().name() + "' may drop only the tables they created"
                                + (owner.isEmpty() ? "; " + name + " was created by an admin" : ""));
            }
        }
        context.warehouse().catalog().dropTable(name, node.ifExists());
        context.warehouse().collectGarbage();
        return new UpdateCount(0, "Table " + name + " dropped");
    }
}
