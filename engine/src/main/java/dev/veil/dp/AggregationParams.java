package dev.veil.dp;

import static java.util.Objects.requireNonNull;

/**
 * What an aggregation needs to calibrate its noise: the noise kind, the budget share it may
 * spend, and the contribution bounds the caller enforces. Laplace noise takes δ = 0; Gaussian
 * noise needs δ > 0.
 */
public record AggregationParams(NoiseKind noise, EpsilonDelta budget, ContributionBounds bounds) {
    public AggregationParams {
        requireNonNull(noise, "noise is null");
        requireNonNull(budget, "budget is null");
        requireNonNull(bounds, "bounds is null");
        if (noise == NoiseKind.LAPLACE && budget.delta() != 0) {
            throw new DpException("delta must be 0 for LAPLACE noise, was " + budget.delta());
        }
        if (noise == NoiseKind.GAUSSIAN && budget.delta() == 0) {
            throw new DpException("GAUSSIAN noise needs delta > 0, was 0");
        }
    }

    public static AggregationParams laplace(double epsilon, long l0, long linf) {
        return new AggregationParams(NoiseKind.LAPLACE, EpsilonDelta.pure(epsilon), new ContributionBounds(l0, linf));
    }

    public static AggregationParams gaussian(double epsilon, double delta, long l0, long linf) {
        return new AggregationParams(
                NoiseKind.GAUSSIAN, new EpsilonDelta(epsilon, delta), new ContributionBounds(l0, linf));
    }

    public double epsilon() {
        return budget.epsilon();
    }

    public double delta() {
        return budget.delta();
    }

    public long l0() {
        return bounds.maxPartitionsPerUnit();
    }

    public long linf() {
        return bounds.maxContributionsPerPartition();
    }

    /** The same parameters with the budget divided evenly into {@code parts}. */
    AggregationParams split(int parts) {
        return new AggregationParams(
                noise, new EpsilonDelta(Shares.share(epsilon(), parts), Shares.share(delta(), parts)), bounds);
    }

    /** The same parameters for a statistic touched {@code factor} times per contribution. */
    AggregationParams withL0Times(long factor) {
        return new AggregationParams(
                noise, budget, new ContributionBounds(NoiseMechanism.checkedProduct("L0", l0(), factor), linf()));
    }
}
