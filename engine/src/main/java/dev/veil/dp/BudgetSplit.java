package dev.veil.dp;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How one query's budget is divided between its aggregations and its partition selection, as
 * {@code EXPLAIN PRIVACY} shows it: exactly what each part receives.
 *
 * <p>{@link #even} splits ε evenly over every part, and δ evenly over the parts that need it
 * (Gaussian aggregations and partition selection); Laplace aggregations get δ = 0. By basic
 * composition the query is then (Σε, Σδ)-DP, which {@link #spent()} reports and which never
 * exceeds the total (shares are rounded down so that even their floating-point sum does not).
 *
 * @param total the budget the query was given
 * @param aggregations the share of each aggregation, in the order given
 * @param partitionSelection the share of partition selection, if the query needs one
 */
public record BudgetSplit(
        EpsilonDelta total, List<EpsilonDelta> aggregations, Optional<EpsilonDelta> partitionSelection) {
    public BudgetSplit {
        requireNonNull(total, "total is null");
        aggregations = List.copyOf(requireNonNull(aggregations, "aggregations is null"));
        requireNonNull(partitionSelection, "partitionSelection is null");
    }

    /**
     * Splits {@code total} evenly over aggregations using the given noise kinds and, if
     * {@code partitionSelection}, a partition selection (which always needs δ).
     */
    public static BudgetSplit even(EpsilonDelta total, List<NoiseKind> aggregationNoise, boolean partitionSelection) {
        requireNonNull(total, "total is null");
        requireNonNull(aggregationNoise, "aggregationNoise is null");
        int parts = aggregationNoise.size() + (partitionSelection ? 1 : 0);
        if (parts == 0) {
            throw new DpException("nothing to split the budget over: no aggregation and no " + "partition selection");
        }
        int deltaParts = (partitionSelection ? 1 : 0);
        for (NoiseKind kind : aggregationNoise) {
            deltaParts += requireNonNull(kind, "noise kind is null").needsDelta() ? 1 : 0;
        }
        if (deltaParts > 0 && total.delta() == 0) {
            throw new DpException(
                    "delta must be > 0 when " + describeDeltaUsers(aggregationNoise, partitionSelection) + ", was 0");
        }
        double epsilon = Shares.share(total.epsilon(), parts);
        double delta = deltaParts == 0 ? 0 : Shares.share(total.delta(), deltaParts);
        List<EpsilonDelta> shares = new ArrayList<>();
        for (NoiseKind kind : aggregationNoise) {
            shares.add(new EpsilonDelta(epsilon, kind.needsDelta() ? delta : 0));
        }
        Optional<EpsilonDelta> selection =
                partitionSelection ? Optional.of(new EpsilonDelta(epsilon, delta)) : Optional.empty();
        return new BudgetSplit(total, shares, selection);
    }

    /** The cost of all parts together under basic composition: the sums of ε and of δ. */
    public EpsilonDelta spent() {
        List<EpsilonDelta> parts = new ArrayList<>(aggregations);
        partitionSelection.ifPresent(parts::add);
        return compose(parts);
    }

    /** Basic composition: running mechanisms with these costs costs the sum of ε and of δ. */
    public static EpsilonDelta compose(List<EpsilonDelta> costs) {
        if (costs.isEmpty()) {
            throw new DpException("cannot compose an empty list of costs");
        }
        double epsilon = 0;
        double delta = 0;
        for (EpsilonDelta cost : costs) {
            epsilon += cost.epsilon();
            delta += cost.delta();
        }
        return new EpsilonDelta(epsilon, delta);
    }

    private static String describeDeltaUsers(List<NoiseKind> noise, boolean selection) {
        long gaussian = noise.stream().filter(NoiseKind::needsDelta).count();
        if (gaussian > 0 && selection) {
            return gaussian + " aggregation(s) use GAUSSIAN noise and partition selection is needed";
        }
        return gaussian > 0 ? gaussian + " aggregation(s) use GAUSSIAN noise" : "partition selection is needed";
    }
}
