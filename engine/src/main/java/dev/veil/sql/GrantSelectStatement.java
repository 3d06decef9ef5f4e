package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.SchemaGrants;
import dev.veil.catalog.TableGrants;
import dev.veil.catalog.TableName;
import dev.veil.catalog.ViewDef;
import dev.veil.catalog.Views;
import dev.veil.policy.ObjectAccess;
import dev.veil.sql.ast.SqlGrantSelect;
import java.util.Optional;

/**
 * Executes {@code GRANT SELECT ON t TO {ROLE r | USER u}} and {@code REVOKE SELECT ...}: lets others
 * see a table that a user owns, or stops them. The table's owner and admins grant; a table they
 * cannot see does not exist for the caller. A table that an admin created is seen by everyone
 * already unless its schema is restricted, so granting it is then refused as pointless rather
 * than stored. Views are granted the same way (their owner and admins); a grant of a view never
 * grants its base tables' rows: the view expands as the grantee.
 */
final class GrantSelectStatement {
    private GrantSelectStatement() {}

    static UpdateCount execute(SqlGrantSelect node, StatementContext context) {
        TableName table = SqlNames.tableName(node.table(), context);
        String grantee =
                SqlNames.simpleName(node.grantee(), node.kind() == SqlGrantSelect.Grantee.ROLE ? "role" : "user");
        ObjectAccess objects = new ObjectAccess(context.warehouse().sqliteCatalog(), context.principal());
        Views views = new Views(context.warehouse().sqliteCatalog());
        Optional<ViewDef> view = views.view(table);
        if (view.isPresent()) {
            return grantView(node, view.get(), grantee, objects, views, context);
        }
        if (context.warehouse().catalog().table(table).isEmpty() || !objects.canSee(table)) {
            throw new VeilException(ErrorCode.UNKNOWN_TABLE, "Table '" + table + "' does not exist");
        }
        if (!objects.canGrant(table)) {
            throw new VeilException(
                    ErrorCode.ACCESS_DENIED,
                    "Only the owner of table " + table + " and admins may grant or revoke SELECT on it");
        }
        if (context.warehouse().catalog().tableOwner(table).isEmpty() && !restricted(table, context)) {
            throw new VeilException(
                    ErrorCode.INVALID_STATEMENT,
                    "Table " + table + " was created by an admin and every user sees it already (as its policies"
                            + " allow); GRANT SELECT applies to tables that users created and to tables of"
                            + " restricted schemas");
        }
        TableGrants grants = new TableGrants(context.warehouse().sqliteCatalog());
        TableGrants.Grantee kind = TableGrants.Grantee.valueOf(node.kind().name());
        String whom = (kind == TableGrants.Grantee.ROLE ? "role " : "user ") + grantee;
        if (node.grant()) {
            grants.grant(table, kind, grantee, context.principal().name());
            return new UpdateCount(0, "SELECT on " + table + " granted to " + whom);
        }
        boolean revoked = grants.revoke(table, kind, grantee);
        return new UpdateCount(
                0, revoked ? "SELECT on " + table + " revoked from " + whom : whom + " had no grant on " + table);
    }

    /**
     * A grant on a view lets the grantee see the view, never more of its base tables than they
     * may read themselves: the view expands as its querying user.
     */
    private static UpdateCount grantView(
            SqlGrantSelect node,
            ViewDef view,
            String grantee,
            ObjectAccess objects,
            Views views,
            StatementContext context) {
        TableName name = view.name();
        if (!objects.canSee(name)) {
            throw new VeilException(ErrorCode.UNKNOWN_TABLE, "Table '" + name + "' does not exist");
        }
        if (!objects.ownsView(view)) {
            throw new VeilException(
                    ErrorCode.ACCESS_DENIED,
                    "Only the owner of view " + name + " and admins may grant or revoke SELECT on it");
        }
        if (view.owner().isEmpty() && !restricted(name, context)) {
            throw new VeilException(
                    ErrorCode.INVALID_STATEMENT,
                    "View " + name + " was created by an admin and every user sees it already; GRANT SELECT applies"
                            + " to views that users created and to views of restricted schemas");
        }
        TableGrants.Grantee kind = TableGrants.Grantee.valueOf(node.kind().name());
        String whom = (kind == TableGrants.Grantee.ROLE ? "role " : "user ") + grantee;
        if (node.grant()) {
            views.grant(name, kind, grantee, context.principal().name());
            return new UpdateCount(0, "SELECT on view " + name + " granted to " + whom);
        }
        boolean revoked = views.revoke(name, kind, grantee);
        return new UpdateCount(
                0, revoked ? "SELECT on view " + name + " revoked from " + whom : whom + " had no grant on " + name);
    }

    private static boolean restricted(TableName table, StatementContext context) {
        return new SchemaGrants(context.warehouse().sqliteCatalog()).restricted(table.schema());
    }
}
