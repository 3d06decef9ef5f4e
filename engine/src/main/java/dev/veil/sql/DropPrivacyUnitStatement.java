package dev.veil.sql;

import dev.veil.catalog.TableName;
import dev.veil.sql.ast.SqlDropTablePolicy;

/**
 * Executes {@code ALTER TABLE s.t DROP PRIVACY UNIT} (admin only). Refused (NOT_EMPTY) while the
 * table's MIN GROUP SIZE or DIFFERENTIAL PRIVACY, or another table's unit path through it, depends on
 * the unit; INVALID_POLICY when the table has none.
 */
final class DropPrivacyUnitStatement {
    private DropPrivacyUnitStatement() {}

    static UpdateCount execute(SqlDropTablePolicy node, StatementContext context) {
        TableName table = SqlNames.tableName(node.table());
        PolicyStatements.store(context).dropUnit(table);
        return new UpdateCount(0, "Privacy unit dropped from " + table);
    }
}
