package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.TableName;
import dev.veil.policy.ColumnRef;
import dev.veil.policy.SqlitePolicyStore;
import java.util.Optional;
import org.apache.calcite.sql.SqlIdentifier;

/**
 * What the policy statements share: the store, and reading names out of nodes. Their admin check
 * is their entry in {@link StatementRegistry}.
 */
final class PolicyStatements {
    private PolicyStatements() {}

    /** The policy store of the statement's warehouse. */
    static SqlitePolicyStore store(StatementContext context) {
        return new SqlitePolicyStore(context.warehouse().sqliteCatalog());
    }

    static Optional<String> role(Optional<SqlIdentifier> role) {
        return role.map(r -> SqlNames.simpleName(r, "role"));
    }

    static String column(SqlIdentifier column) {
        return SqlNames.simpleName(column, "column");
    }

    static ColumnRef columnRef(SqlIdentifier table, SqlIdentifier column, StatementContext context) {
        return new ColumnRef(SqlNames.tableName(table, context), column(column));
    }

    /** An INVALID_POLICY error for a policy the model itself refuses (bounds out of order, k below 2, ...). */
    static VeilException invalid(String definition, String target, IllegalArgumentException e) {
        return new VeilException(
                ErrorCode.INVALID_POLICY,
                "Policy " + definition + " on '" + target + "' is invalid: " + e.getMessage(),
                e);
    }

    static String scope(Optional<String> role) {
        return role.map(r -> " for role " + r).orElse(" for every non-admin role");
    }

    static String target(TableName table, String column) {
        return table + "." + column;
    }
}
