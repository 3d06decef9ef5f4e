package dev.veil.sql;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Catalog;
import dev.veil.catalog.TableDef;
import dev.veil.policy.DifferentialPrivacy;
import dev.veil.policy.ObjectAccess;
import dev.veil.sql.ast.SqlSetEpsilon;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code SET EPSILON = x}: the epsilon each later query of the session spends on differentially
 * private tables, at most each table's EPSILON (checked when a query runs, against the tables it
 * reads), and within [1e-6, 1e30] and at most the largest EPSILON of the differentially private
 * tables the user can see (both checked here, with INVALID_ARGUMENT). A smaller epsilon spends
 * less budget and gives noisier answers.
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
        OptionalDouble largest = largestEpsilon(context);
        if (largest.isPresent() && epsilon > largest.getAsDouble()) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "SET EPSILON = " + epsilon
                            + " is above the EPSILON of " + largest.getAsDouble()
                            + " per query that the differential-privacy policies of the tables you can read"
                            + " allow at most; SET EPSILON to at most " + largest.getAsDouble());
        }
        context.settings().setEpsilon(epsilon);
        return new UpdateCount(0, "Epsilon per query set to " + epsilon);
    }

    /**
     * The largest EPSILON per query among the differential-privacy policies that apply to the
     * principal on the tables it can see; empty when none does (then no query can spend it, and a
     * query checks it again against the tables it reads).
     */
    private static OptionalDouble largestEpsilon(StatementContext context) {
        Catalog catalog = context.warehouse().catalog();
        ObjectAccess access = new ObjectAccess(context.warehouse().sqliteCatalog(), context.principal());
        double largest = Double.NEGATIVE_INFINITY;
        for (String schema : catalog.schemas()) {
            for (TableDef table : catalog.tables(schema)) {
                if (!access.canSee(table.name())) {
                    continue;
                }
                Optional<DifferentialPrivacy> dp = context.policies()
                        .access(table.name(), context.principal())
                        .differentialPrivacy();
                if (dp.isPresent()) {
                    largest = Math.max(largest, dp.get().epsilon());
                }
            }
        }
        return largest == Double.NEGATIVE_INFINITY ? OptionalDouble.empty() : OptionalDouble.of(largest);
    }
}
