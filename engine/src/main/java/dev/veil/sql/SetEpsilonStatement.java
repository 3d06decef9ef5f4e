package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.policy.DifferentialPrivacy;
import dev.veil.sql.ast.SqlSetEpsilon;

/**
 * {@code SET EPSILON = x}: the epsilon each later query of the session spends on differentially
 * private tables, at most each table's EPSILON (checked when a query runs, against the tables it
 * reads). A smaller epsilon spends less budget and gives noisier answers.
 */
final class SetEpsilonStatement {
    private SetEpsilonStatement() {
    }

    static UpdateCount execute(SqlSetEpsilon node, StatementContext context) {
        double epsilon = node.epsilon().doubleValue();
        if (!(epsilon > 0) || epsilon > DifferentialPrivacy.MAX_EPSILON) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "EPSILON must be above 0 and at most 1e30, got "
                    + node.epsilon().toPlainString());
        }
        context.settings().setEpsilon(epsilon);
        return new UpdateCount(0, "Epsilon per query set to " + epsilon);
    }
}
