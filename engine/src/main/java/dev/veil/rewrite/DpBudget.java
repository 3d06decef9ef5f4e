package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.dp.EpsilonDelta;
import dev.veil.plan.DpAggregate;
import dev.veil.plan.DpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.schema.TransientTable;

/**
 * Divides one query's privacy budget between its differentially private boundaries, and says what
 * the query costs.
 *
 * <p>The query's ε is the session's {@code SET EPSILON} or, without one, the smallest EPSILON of
 * the DP policies involved, which is also the cap: asking for more is an error. Its δ is the
 * smallest DELTA. Both are split evenly over the boundaries that spend them (δ only over those
 * that select partitions); by basic composition the query costs the sum of what the boundaries
 * spend, never more than (ε, δ). Each boundary occurrence gets its own number
 * ({@link DpSpec#withRelease}): the statement is charged for it once and it releases once per
 * execution.
 *
 * @param plan the plan with each boundary's final budget
 * @param cost what running the plan spends
 * @param allocation how ε was divided, to run the plan at another ε ({@link DpAllocation})
 */
record DpBudget(RelNode plan, PrivacyCost cost, DpAllocation allocation) {
    DpBudget {
        requireNonNull(plan, "plan is null");
        requireNonNull(cost, "cost is null");
        requireNonNull(allocation, "allocation is null");
    }

    static DpBudget allocate(RelNode plan, OptionalDouble sessionEpsilon) {
        return allocate(plan, sessionEpsilon, DpQueryOptions.NONE);
    }

    /**
     * As above, for a statement with {@code SELECT WITH DIFFERENTIAL_PRIVACY} options: its epsilon
     * replaces the session's, its delta the policies'; neither may be above the policies' (nor may
     * the clause be used on a statement without a DP aggregate).
     */
    static DpBudget allocate(RelNode plan, OptionalDouble sessionEpsilon, DpQueryOptions options) {
        List<DpAggregate> boundaries = DpAggregate.findAll(plan);
        if (boundaries.isEmpty() && options.present()) {
            throw noDpTable();
        }
        if (boundaries.isEmpty()) {
            return new DpBudget(plan, PrivacyCost.ZERO, DpAllocation.NONE);
        }
        double cap = Double.POSITIVE_INFINITY;
        String capTables = "";
        double delta = Double.POSITIVE_INFINITY;
        int spending = 0;
        int selecting = 0;
        for (DpAggregate b : boundaries) {
            checkReleasedOnce(b);
            DpSpec spec = b.spec();
            if (spec.epsilon() < cap) {
                cap = spec.epsilon();
                capTables = spec.tables();
            }
            if (spec.spends()) {
                spending++;
            }
            if (spec.partitionSelection()) {
                selecting++;
                delta = Math.min(delta, spec.delta());
            }
        }
        DpAllocation allocation = new DpAllocation(true, cap, capTables, spending, options.epsilon(), 0);
        // Checks the session's epsilon against the cap first, as a cached plan run at another one does.
        double epsilon = allocation.epsilonAt(sessionEpsilon);
        if (options.epsilon().isPresent() && options.epsilon().getAsDouble() > cap) {
            throw new VeilException(
                    ErrorCode.DP_OPTION_ABOVE_POLICY,
                    "epsilon = " + options.epsilon().getAsDouble() + " is above the EPSILON of " + cap
                            + " per query that the differential-privacy policy of " + capTables
                            + " allows; ask for at most " + cap);
        }
        if (options.delta().isPresent() && selecting > 0) {
            double asked = options.delta().getAsDouble();
            if (asked > delta) {
                throw new VeilException(
                        ErrorCode.DP_OPTION_ABOVE_POLICY,
                        "delta = " + asked + " is above the DELTA of " + delta
                                + " that the differential-privacy policies allow; ask for at most " + delta);
            }
            if (asked == 0) {
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT,
                        "delta = 0: the query groups differentially private rows, and choosing which groups to"
                                + " release needs a delta above 0 (at most " + delta + ")");
            }
            delta = asked;
        }
        double perBoundary = allocation.share(epsilon);
        double deltaPerSelection = selecting == 0 ? 0 : delta / selecting;
        // Each occurrence is numbered: it is charged, and releases, on its own (see DpReleases).
        int[] next = {0};
        RelNode allocated = DpAggregate.replaceSpecs(
                plan,
                spec -> spec.withBudget(perBoundary, spec.partitionSelection() ? deltaPerSelection : 0)
                        .withRelease(next[0]++));
        return new DpBudget(allocated, costOf(allocated), allocation.at(epsilon));
    }

    /** What running {@code plan} spends: the sum of what its DP boundaries spend. */
    static PrivacyCost costOf(RelNode plan) {
        double spentEpsilon = 0;
        double spentDelta = 0;
        for (DpAggregate b : DpAggregate.findAll(plan)) {
            if (b.spec().spent().isPresent()) {
                EpsilonDelta c = b.spec().spent().get();
                spentEpsilon += c.epsilon();
                spentDelta += c.delta();
            }
        }
        return new PrivacyCost(spentEpsilon, spentDelta);
    }

    /** The error of a SELECT WITH DIFFERENTIAL_PRIVACY without a differentially private aggregate. */
    static VeilException noDpTable() {
        return new VeilException(
                ErrorCode.INVALID_ARGUMENT,
                "SELECT WITH DIFFERENTIAL_PRIVACY needs an aggregate over a table that is differentially private"
                        + " for you (one with a DIFFERENTIAL PRIVACY policy, read by a user who is not an admin);"
                        + " this query has none, so its answer would be exact: drop the clause");
    }

    /**
     * Rejects a boundary whose rows could differ between enumerations of one execution: one that
     * reads a row of an outer query (a correlated sub-query that could not be decorrelated) or the
     * rows of a recursive query's previous step. Such a boundary would have to release once per
     * outer row or step; each boundary releases once per execution.
     */
    private static void checkReleasedOnce(DpAggregate boundary) {
        if (!RelOptUtil.getVariablesUsed(boundary.getInput()).isEmpty()) {
            throw new VeilException(
                    ErrorCode.NOT_SUPPORTED,
                    "A differentially private aggregate over "
                            + boundary.spec().tables()
                            + " cannot depend on the row of an outer query (a correlated sub-query "
                            + "that could not be decorrelated); join with the aggregate's result instead");
        }
        List<RelNode> pending = new ArrayList<>(List.of(boundary.getInput()));
        while (!pending.isEmpty()) {
            RelNode node = pending.remove(pending.size() - 1);
            pending.addAll(node.getInputs());
            if (node instanceof TableScan scan && scan.getTable().unwrap(TransientTable.class) != null) {
                throw new VeilException(
                        ErrorCode.NOT_SUPPORTED,
                        "A differentially private aggregate over "
                                + boundary.spec().tables()
                                + " cannot read the rows of a recursive query's previous step");
            }
        }
    }
}
