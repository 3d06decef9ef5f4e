package dev.veil.sql;

import dev.veil.catalog.TableName;
import dev.veil.policy.MinGroupSize;
import dev.veil.policy.MinGroupSizePolicy;
import dev.veil.sql.ast.MinGroupSizeMode;
import dev.veil.sql.ast.SqlSetMinGroupSize;
import java.util.Optional;

/**
 * Executes {@code ALTER TABLE s.t SET MIN GROUP SIZE k [SUPPRESS | REMAINDER] [FOR ROLE r]}
 * (admin only). k is at least 2, and the table must have a privacy unit: the size counts units.
 */
final class SetMinGroupSizeStatement {
    private SetMinGroupSizeStatement() {}

    static UpdateCount execute(SqlSetMinGroupSize node, StatementContext context) {
        var store = PolicyStatements.store(context);
        TableName table = SqlNames.tableName(node.table(), context);
        Optional<String> role = PolicyStatements.role(node.role());
        boolean remainder = node.mode() == MinGroupSizeMode.REMAINDER;
        MinGroupSize size;
        try {
            size = new MinGroupSize(node.minGroupSize(), remainder);
        } catch (IllegalArgumentException e) {
            throw PolicyStatements.invalid("MIN GROUP SIZE " + node.minGroupSize(), table.toString(), e);
        }
        MinGroupSizePolicy policy = new MinGroupSizePolicy(table, role, size);
        store.setMinGroupSize(policy);
        return new UpdateCount(0, "Policy " + policy.definition() + " set on " + table + PolicyStatements.scope(role));
    }
}
