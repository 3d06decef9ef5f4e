package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.budget.PrivacyBudget;
import dev.veil.budget.PrivacyBudgets;
import dev.veil.budget.RefillWindow;
import dev.veil.sql.ast.SqlCreatePrivacyBudget;
import java.math.BigDecimal;

/**
 * Executes {@code CREATE PRIVACY BUDGET [IF NOT EXISTS] b LIMIT (EPSILON x, DELTA y) WINDOW w}
 * (admin only). EPSILON must be above 0, DELTA (default 0) at least 0 and below 1.
 */
final class CreatePrivacyBudgetStatement {
    private CreatePrivacyBudgetStatement() {}

    static UpdateCount execute(SqlCreatePrivacyBudget node, StatementContext context) {
        String name = SqlNames.simpleName(node.name(), "privacy budget");
        double epsilon = amount(name, "EPSILON", node.epsilon());
        double delta = amount(name, "DELTA", node.delta().orElse(BigDecimal.ZERO));
        PrivacyBudget budget = new PrivacyBudget(
                name, epsilon, delta, RefillWindow.valueOf(node.window().name()));
        boolean created = new PrivacyBudgets(context.warehouse().sqliteCatalog()).create(budget, node.ifNotExists());
        return new UpdateCount(
                0,
                created
                        ? "Privacy budget " + name + " created: " + budget.definition()
                        : "Privacy budget " + name + " already exists; left unchanged");
    }

    /** The value as a double; one too large for a double is refused rather than turned into infinity. */
    private static double amount(String budget, String what, BigDecimal value) {
        double x = value.doubleValue();
        if (Double.isInfinite(x)) {
            throw new VeilException(
                    ErrorCode.INVALID_POLICY,
                    "Privacy budget '" + budget + "' is invalid: " + what + " " + value + " is too large");
        }
        return x;
    }
}
