package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.SchemaGrants;
import dev.veil.catalog.TableGrants;
import dev.veil.policy.ObjectAccess;
import dev.veil.sql.ast.SqlAlterSchemaAccess;
import dev.veil.sql.ast.SqlGrantSchema;

/**
 * Executes {@code GRANT {SELECT | CREATE} ON SCHEMA s TO {ROLE r | USER u}}, {@code REVOKE ...}
 * and {@code ALTER SCHEMA s SET ACCESS {RESTRICTED | OPEN}}: schema-level access (see {@link
 * ObjectAccess}). The schema's owner and admins run them. SELECT on a schema lets the grantee see
 * its objects when it is restricted (and a user's own schema's objects at all); CREATE lets them
 * create tables and views in it. Neither changes what the policies of a table release to anyone.
 */
final class GrantSchemaStatement {
    private GrantSchemaStatement() {}

    static UpdateCount execute(SqlGrantSchema node, StatementContext context) {
        String schema = requireOwnedSchema(SqlNames.simpleName(node.schema(), "schema"), context);
        String grantee = SqlNames.simpleName(
                node.grantee(), node.kind() == dev.veil.sql.ast.SqlGrantSelect.Grantee.ROLE ? "role" : "user");
        TableGrants.Grantee kind = TableGrants.Grantee.valueOf(node.kind().name());
        SchemaGrants.Privilege privilege =
                SchemaGrants.Privilege.valueOf(node.privilege().name());
        SchemaGrants grants = new SchemaGrants(context.warehouse().sqliteCatalog());
        String whom = (kind == TableGrants.Grantee.ROLE ? "role " : "user ") + grantee;
        String what = privilege + " on schema " + schema;
        if (node.grant()) {
            grants.grant(schema, privilege, kind, grantee, context.principal().name());
            return new UpdateCount(0, what + " granted to " + whom);
        }
        boolean revoked = grants.revoke(schema, privilege, kind, grantee);
        return new UpdateCount(0, revoked ? what + " revoked from " + whom : whom + " had no grant of " + what);
    }

    static UpdateCount alter(SqlAlterSchemaAccess node, StatementContext context) {
        String schema = requireOwnedSchema(SqlNames.simpleName(node.schema(), "schema"), context);
        new SchemaGrants(context.warehouse().sqliteCatalog())
                .setRestricted(schema, node.restricted(), context.principal().name());
        return new UpdateCount(
                0, "Schema " + schema + (node.restricted() ? " is restricted" : " is open") + " to users");
    }

    private static String requireOwnedSchema(String schema, StatementContext context) {
        if (!context.warehouse().catalog().schemaExists(schema)) {
            context.warehouse().catalog().tables(schema); // UNKNOWN_SCHEMA, with suggestions
        }
        if (!new ObjectAccess(context.warehouse().sqliteCatalog(), context.principal()).ownsSchema(schema)) {
            throw new VeilException(
                    ErrorCode.ACCESS_DENIED,
                    "Only the owner of schema " + schema + " and admins may grant on it or change its access");
        }
        return schema;
    }
}
