package dev.veil.sql;

import dev.veil.budget.PrivacyBudgets;
import dev.veil.sql.ast.PrincipalKind;
import dev.veil.sql.ast.SqlSetPrivacyBudget;

/**
 * Executes {@code ALTER USER u SET PRIVACY BUDGET b} and {@code ALTER ROLE r SET PRIVACY BUDGET b}
 * (admin only); a new assignment replaces the previous one of that user or role.
 */
final class SetPrivacyBudgetStatement {
    private SetPrivacyBudgetStatement() {}

    static UpdateCount execute(SqlSetPrivacyBudget node, StatementContext context) {
        boolean role = node.principalKind() == PrincipalKind.ROLE;
        String principal = SqlNames.simpleName(node.principal(), role ? "role" : "user");
        String budget = SqlNames.simpleName(node.budget(), "privacy budget");
        PrivacyBudgets budgets = new PrivacyBudgets(context.warehouse().sqliteCatalog());
        if (role) {
            budgets.assignToRole(principal, budget);
        } else {
            budgets.assignToUser(principal, budget);
        }
        return new UpdateCount(
                0, "Privacy budget " + budget + " assigned to " + (role ? "role " : "user ") + principal);
    }
}
