package dev.veil.dp;

import java.math.BigInteger;

/** Builds the mechanism an aggregation needs from its parameters. */
final class Mechanisms {
    private Mechanisms() {}

    /** Noise for an integer statistic to which a unit adds at most Linf in each of L0 partitions. */
    static NoiseMechanism forCounts(AggregationParams params, RandomBits random) {
        if (params.noise() == NoiseKind.LAPLACE) {
            return LaplaceMechanism.forIntegers(params.epsilon(), params.l0(), params.linf(), random);
        }
        return GaussianMechanism.create(gaussianBudget(params), params.l0(), params.linf(), true, random);
    }

    /**
     * The grid for a sum of values of magnitude at most {@code maxAbsValue}: the noise grid of the
     * nominal sensitivity {@code L0 · Linf · maxAbsValue} (L2: {@code √L0 · Linf · maxAbsValue}).
     */
    static double gridForSum(AggregationParams params, double maxAbsValue) {
        double scale;
        if (params.noise() == NoiseKind.LAPLACE) {
            scale = params.l0() * (double) params.linf() * maxAbsValue / params.epsilon();
        } else {
            double l2 = NoiseMechanism.sqrtUp(params.l0()) * params.linf() * maxAbsValue;
            scale = GaussianCalibration.sigma(params.epsilon(), params.delta(), l2);
        }
        if (!Double.isFinite(scale)) {
            throw new DpException("noise scale overflows for values of magnitude " + maxAbsValue + " with epsilon "
                    + params.epsilon() + ": narrow the bounds");
        }
        return Granularity.forAccumulator(scale, maxAbsValue);
    }

    /** Noise for the exact total of a {@link GridSum}, calibrated to its per-value bound in steps. */
    static NoiseMechanism forGridSum(AggregationParams params, GridSum sum, RandomBits random) {
        long perValue = sum.maxAbsContribution();
        if (params.noise() == NoiseKind.LAPLACE) {
            BigInteger l1 = BigInteger.valueOf(params.l0())
                    .multiply(BigInteger.valueOf(params.linf()))
                    .multiply(BigInteger.valueOf(perValue));
            return LaplaceMechanism.onGrid(params.epsilon(), sum.stepSize(), l1, random);
        }
        double l2 = Math.nextUp(Math.nextUp(NoiseMechanism.sqrtUp(params.l0()) * params.linf()) * perValue);
        return GaussianMechanism.onGrid(gaussianBudget(params), sum.stepSize(), l2, random);
    }

    private static GaussianMechanism.Budget gaussianBudget(AggregationParams params) {
        return new GaussianMechanism.Budget(params.epsilon(), params.delta(), 0);
    }
}
