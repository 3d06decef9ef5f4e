package dev.veil.sql;

import dev.veil.budget.PrivacyBudgets;
import dev.veil.sql.ast.SqlDropPrivacyBudget;

/**
 * Executes {@code DROP PRIVACY BUDGET [IF EXISTS] b [CASCADE | RESTRICT]} (admin only). A budget
 * that users or roles are assigned is refused (NOT_EMPTY) unless CASCADE removes the assignments
 * with it; the ledger's charges under it stay, for the audit and for the windows they fall in.
 */
final class DropPrivacyBudgetStatement {
    private DropPrivacyBudgetStatement() {}

    static UpdateCount execute(SqlDropPrivacyBudget node, StatementContext context) {
        String name = SqlNames.simpleName(node.name(), "privacy budget");
        boolean dropped =
                new PrivacyBudgets(context.warehouse().sqliteCatalog()).drop(name, node.ifExists(), node.cascade());
        return new UpdateCount(
                0, dropped ? "Privacy budget " + name + " dropped" : "Privacy budget " + name + " does not exist");
    }
}
