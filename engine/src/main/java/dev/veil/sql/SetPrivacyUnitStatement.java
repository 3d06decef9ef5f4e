package dev.veil.sql;

import dev.veil.catalog.TableName;
import dev.veil.policy.UnitPolicy;
import dev.veil.sql.ast.SqlSetPrivacyUnit;

/**
 * Executes {@code ALTER TABLE s.t SET PRIVACY UNIT (c)} and {@code ... SET PRIVACY UNIT VIA (fk)
 * REFERENCES s.parent (pk) [ON ERASE DELETE | ON ERASE SET NULL]} (admin only). The parent must already have a privacy unit, and the
 * path of VIA policies must not come back to a table it passed.
 */
final class SetPrivacyUnitStatement {
    private SetPrivacyUnitStatement() {}

    static UpdateCount execute(SqlSetPrivacyUnit node, StatementContext context) {
        var store = PolicyStatements.store(context);
        TableName table = SqlNames.tableName(node.table(), context);
        String column = PolicyStatements.column(node.column());
        UnitPolicy policy = node.isVia()
                ? UnitPolicy.via(
                        table,
                        column,
                        PolicyStatements.columnRef(
                                node.referencedTable().orElseThrow(),
                                node.referencedColumn().orElseThrow(),
                                context))
                : UnitPolicy.direct(table, column);
        store.setUnit(policy, node.setNullOnErase());
        return new UpdateCount(
                0,
                "Policy " + policy.definition() + (node.setNullOnErase() ? " ON ERASE SET NULL" : "") + " set on "
                        + table);
    }
}
