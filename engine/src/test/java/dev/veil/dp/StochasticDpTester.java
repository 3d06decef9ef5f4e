package dev.veil.dp;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.DoubleToLongFunction;

/**
 * A statistical test of (ε, δ)-DP on one pair of neighbouring datasets, in the style of Google's
 * stochastic tester: run the mechanism many times on each dataset, histogram the outputs, and
 * check for every histogram bucket S that {@code P[M(D1) ∈ S] <= e^ε P[M(D2) ∈ S] + δ} and the
 * same the other way round. A bucket fails only if the observed violation exceeds six standard
 * errors of its estimate, so a correct mechanism fails with probability around 1e-9 per bucket,
 * while a mechanism spending noticeably more than ε fails reliably.
 */
public final class StochasticDpTester {
    private StochasticDpTester() {}

    /** The largest violation found, in standard errors (<= 6 passes). */
    public record Result(double worstZ, String worstBucket) {
        public boolean passes() {
            return worstZ <= Stats.Z;
        }
    }

    public static Result test(
            DoubleSupplier onFirst,
            DoubleSupplier onSecond,
            DoubleToLongFunction bucket,
            int samples,
            double epsilon,
            double delta) {
        Map<Long, Integer> first = histogram(onFirst, bucket, samples);
        Map<Long, Integer> second = histogram(onSecond, bucket, samples);
        Set<Long> buckets = new HashSet<>(first.keySet());
        buckets.addAll(second.keySet());
        double worst = Double.NEGATIVE_INFINITY;
        String where = "";
        for (long b : buckets) {
            double p1 = first.getOrDefault(b, 0) / (double) samples;
            double p2 = second.getOrDefault(b, 0) / (double) samples;
            for (int direction = 0; direction < 2; direction++) {
                double a = direction == 0 ? p1 : p2;
                double c = direction == 0 ? p2 : p1;
                double excess = a - Math.exp(epsilon) * c - delta;
                // Standard error of the estimate; at least that of one observation, so that buckets
                // seen a handful of times cannot fail by chance.
                double variance = (a * (1 - a) + Math.exp(2 * epsilon) * c * (1 - c)) / samples;
                double error = Math.sqrt(Math.max(variance, 1.0 / samples / samples * 25));
                double z = excess / error;
                if (z > worst) {
                    worst = z;
                    where = "bucket " + b + ": " + a + " vs e^ε·" + c;
                }
            }
        }
        return new Result(worst, where);
    }

    private static Map<Long, Integer> histogram(DoubleSupplier mechanism, DoubleToLongFunction bucket, int samples) {
        Map<Long, Integer> counts = new HashMap<>();
        for (int i = 0; i < samples; i++) {
            counts.merge(bucket.applyAsLong(mechanism.getAsDouble()), 1, Integer::sum);
        }
        return counts;
    }
}
