package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import dev.veil.policy.ObjectAccess;
import dev.veil.schema.SystemSchema;
import dev.veil.sql.ast.SqlDropObject;
import java.time.Duration;
import java.util.Optional;

/**
 * Executes {@code DROP TABLE [IF EXISTS] s.t}; the table's segment files are then collected, but
 * kept while a statement that started before the drop still runs (it reads the table whole).
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
        context.warehouse().dropTable(name, node.ifExists());
        // Its files go now, unless a statement that started before the drop may still read them:
        // then the next VACUUM (or start of Veil) deletes them once it has ended.
        VacuumStatement.vacuum(context, Duration.ZERO);
        return new UpdateCount(0, "Table " + name + " dropped");
    }
}
