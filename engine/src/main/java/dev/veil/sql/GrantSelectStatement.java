package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableGrants;
import dev.veil.catalog.TableName;
import dev.veil.policy.ObjectAccess;
import dev.veil.sql.ast.SqlGrantSelect;

/**
 * Executes {@code GRANT SELECT ON t TO {ROLE r | USER u}} and {@code REVOKE SELECT ...}: lets others
 * see a table that a user owns, or stops them. The table's owner and admins grant; a table they
 * cannot see does not exist for the caller. A table that an admin created is seen by everyone
 * already, so granting it is refused as pointless rather than stored.
 */
final class GrantSelectStatement {
    private GrantSelectStatement() {}

    static UpdateCount execute(SqlGrantSelect node, StatementContext context) {
        TableName table = SqlNames.tableName(node.table(), context);
        String grantee =
                SqlNames.simpleName(node.grantee(), node.kind() == SqlGrantSelect.Grantee.ROLE ? "role" : "user");
        ObjectAccess objects = new ObjectAccess(context.warehouse().sqliteCatalog(), context.principal());
        if (context.warehouse().catalog().table(table).isEmpty() || !objects.canSee(table)) {
            throw new VeilException(ErrorCode.UNKNOWN_TABLE, "Table '" + table + "' does not exist");
        }
        if (!objects.canGrant(table)) {
            throw new VeilException(
                    ErrorCode.ACCESS_DENIED,
                    "Only the owner of table " + table + " and admins may grant or revoke SELECT on it");
        }
        if (context.warehouse().catalog().tableOwner(table).isEmpty()) {
            throw new VeilException(
                    ErrorCode.INVALID_STATEMENT,
                    "Table " + table + " was created by an admin and every user sees it already (as its policies"
                            + " allow); GRANT SELECT applies to tables that users created");
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
}
