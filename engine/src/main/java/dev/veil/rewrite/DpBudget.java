package dev.veil.rewrite;

import static java.util.Objects.requireNonNull;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.dp.EpsilonDelta;
import dev.veil.exec.DpAggregate;
import dev.veil.exec.DpSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import java.util.function.UnaryOperator;
import org.apache.calcite.rel.RelNode;

/**
 * Divides one query's privacy budget between its differentially private boundaries, and says what
 * the query costs.
 *
 * <p>The query's ε is the session's {@code SET EPSILON} or, without one, the smallest EPSILON of
 * the DP policies involved, which is also the cap: asking for more is an error. Its δ is the
 * smallest DELTA. Both are split evenly over the boundaries that spend them (δ only over those
 * that select partitions); by basic composition the query costs the sum of what the boundaries
 * spend, never more than (ε, δ).
 *
 * @param plan the plan with each boundary's final budget
 * @param cost what running the plan spends
 */
record DpBudget(RelNode plan, PrivacyCost cost) {
    DpBudget {
        requireNonNull(plan, "plan is null");
        requireNonNull(cost, "cost is null");
    }

    static DpBudget allocate(RelNode plan, OptionalDouble sessionEpsilon) {
        List<DpAggregate> boundaries = DpAggregate.findAll(plan);
        if (boundaries.isEmpty()) {
            return new DpBudget(plan, PrivacyCost.ZERO);
        }
        double cap = Double.POSITIVE_INFINITY;
        String capTables = "";
        double delta = Double.POSITIVE_INFINITY;
        int spending = 0;
        int selecting = 0;
        for (DpAggregate b : boundaries) {
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
        if (sessionEpsilon.isPresent() && sessionEpsilon.getAsDouble() > cap) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "SET EPSILON = " + sessionEpsilon.getAsDouble()
                    + " is above the EPSILON of " + cap + " per query that the differential-privacy policy of "
                    + capTables + " allows; SET EPSILON to at most " + cap);
        }
        double epsilon = sessionEpsilon.orElse(cap);
        double perBoundary = epsilon / Math.max(1, spending);
        double deltaPerSelection = selecting == 0 ? 0 : delta / selecting;
        RelNode allocated = replace(plan, b -> b.withSpec(b.spec().withBudget(perBoundary,
                b.spec().partitionSelection() ? deltaPerSelection : 0)));
        List<DpAggregate> done = DpAggregate.findAll(allocated);
        double spentEpsilon = 0;
        double spentDelta = 0;
        for (DpAggregate b : done) {
            if (b.spec().spent().isPresent()) {
                EpsilonDelta c = b.spec().spent().get();
                spentEpsilon += c.epsilon();
                spentDelta += c.delta();
            }
        }
        return new DpBudget(allocated, new PrivacyCost(spentEpsilon, spentDelta));
    }

    /** {@code node} with each DP boundary replaced; nodes not above a boundary stay the same objects. */
    private static RelNode replace(RelNode node, UnaryOperator<DpAggregate> f) {
        List<RelNode> inputs = node.getInputs();
        List<RelNode> replaced = new ArrayList<>(inputs.size());
        boolean changed = false;
        for (RelNode input : inputs) {
            RelNode r = replace(input, f);
            changed |= r != input;
            replaced.add(r);
        }
        RelNode result = changed ? node.copy(node.getTraitSet(), replaced) : node;
        return result instanceof DpAggregate dp ? f.apply(dp) : result;
    }
}
