package dev.veil.sql;

import dev.veil.catalog.TableName;
import dev.veil.policy.DifferentialPrivacy;
import dev.veil.policy.DifferentialPrivacyPolicy;
import dev.veil.sql.ast.SqlSetDifferentialPrivacy;
import java.util.Optional;

/**
 * Executes {@code ALTER TABLE s.t SET DIFFERENTIAL PRIVACY (EPSILON e, DELTA d, MAX GROUPS PER UNIT n,
 * MAX ROWS PER UNIT PER GROUP m, CONTRIBUTION BOUNDS {AUTO | FIXED}) [FOR ROLE r]} (admin only). Settings left out take the defaults of
 * {@link DifferentialPrivacy}; the table must have a privacy unit: the bounds are per unit.
 */
final class SetDifferentialPrivacyStatement {
    private SetDifferentialPrivacyStatement() {}

    static UpdateCount execute(SqlSetDifferentialPrivacy node, StatementContext context) {
        var store = PolicyStatements.store(context);
        TableName table = SqlNames.tableName(node.table(), context);
        Optional<String> role = PolicyStatements.role(node.role());
        DifferentialPrivacy params;
        try {
            params = new DifferentialPrivacy(
                    node.epsilon().doubleValue(),
                    node.delta().map(d -> d.doubleValue()).orElse(DifferentialPrivacy.DEFAULT_DELTA),
                    node.maxGroupsPerUnit().orElse(DifferentialPrivacy.DEFAULT_MAX_GROUPS_PER_UNIT),
                    node.maxRowsPerUnitPerGroup().orElse(DifferentialPrivacy.DEFAULT_MAX_ROWS_PER_UNIT_PER_GROUP),
                    node.autoBounds());
        } catch (IllegalArgumentException e) {
            throw PolicyStatements.invalid("DIFFERENTIAL PRIVACY", table.toString(), e);
        }
        DifferentialPrivacyPolicy policy = new DifferentialPrivacyPolicy(table, role, params);
        store.setDifferentialPrivacy(policy);
        return new UpdateCount(0, "Policy " + policy.definition() + " set on " + table + PolicyStatements.scope(role));
    }
}
