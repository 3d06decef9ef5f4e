package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import dev.veil.catalog.ViewDef;
import dev.veil.catalog.Views;
import dev.veil.policy.ObjectAccess;
import dev.veil.sql.ast.SqlDropObject;
import java.util.Optional;

/**
 * Executes {@code DROP VIEW [IF EXISTS] s.v}: the view and its grants go. Admins drop any view,
 * other users only the views they own; a view they cannot see does not exist for them.
 */
final class DropViewStatement {
    private DropViewStatement() {}

    static UpdateCount execute(SqlDropObject node, StatementContext context) {
        TableName name = SqlNames.tableName(node.name(), context);
        ObjectAccess objects = new ObjectAccess(context.warehouse().sqliteCatalog(), context.principal());
        Views views = new Views(context.warehouse().sqliteCatalog());
        Optional<ViewDef> view = views.view(name);
        if (view.isEmpty() || !objects.canSee(name)) {
            if (context.warehouse().catalog().table(name).isPresent() && objects.canSee(name)) {
                throw new VeilException(ErrorCode.INVALID_STATEMENT, name + " is a table, not a view; use DROP TABLE");
            }
            if (node.ifExists()) {
                return new UpdateCount(0, "View " + name + " does not exist");
            }
            throw new VeilException(ErrorCode.UNKNOWN_TABLE, "View '" + name + "' does not exist");
        }
        if (!objects.ownsView(view.get())) {
            throw new VeilException(
                    ErrorCode.ACCESS_DENIED,
                    "User '" + context.principal().name() + "' may drop only the views they created"
                            + (view.get().owner().isEmpty() ? "; " + name + " was created by an admin" : ""));
        }
        views.drop(name);
        return new UpdateCount(0, "View " + name + " dropped");
    }
}
