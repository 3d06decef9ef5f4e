package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.policy.DifferentialPrivacy;
import dev.veil.sql.ast.SqlSetEpsilon;

/**
 * {@code SET EPSILON = x}: the epsilon each later query of the session spends on differentially
 * private tables, at most each table's EPSILON (checked when a query runs, against the tables it
 * reads), and within [1e-6, 1e30] (checked here). A smaller epsilon spends less budget and gives noisier answers.
 */
final class SetEpsilonStatement {
    private SetEpsilonStatement() {}

    static UpdateCount execute(SqlSetEpsilon node, StatementContext context) {
        double epsilon = node.epsilon().doubleValue();
        try {
            DifferentialPrivacy.checkEpsilon("EPSILON", epsilon);
        } catch (IllegalArgumentException e) {
            // The message shows the value as a double: the literal's plain form may be enormous (1e-999999999).
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, e.getMessage());
        }
        context.settings().setEpsilon(epsilon);
        return new UpdateCount(0, "Epsilon per query set to " + epsilon);
    }
}
