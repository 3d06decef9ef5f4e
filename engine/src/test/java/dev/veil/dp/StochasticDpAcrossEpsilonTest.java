package dev.veil.dp;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.DoubleSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The stochastic DP check of {@link StochasticDpTest} at the three privacy levels analysts use
 * most, ε ∈ {0.1, 1, 2}: for each, Count, BoundedSum, BoundedMean and optimal partition selection
 * on neighbouring datasets satisfy P[S] ≤ e^ε·P'[S] + δ bucket by bucket within the tester's
 * statistical tolerance.
 */
class StochasticDpAcrossEpsilonTest {
    private static final int SAMPLES = 60_000;

    @ParameterizedTest(name = "epsilon = {0}")
    @ValueSource(doubles = {0.1, 1, 2})
    void countIsEpsilonDp(double epsilon) {
        RandomBits random = new SeededRandomBits(Double.hashCode(epsilon) + 1);
        AggregationParams params = AggregationParams.laplace(epsilon, 1, 1);
        DoubleSupplier first = () -> {
            Count count = Count.create(params, random);
            count.add(10);
            return count.result().count();
        };
        DoubleSupplier second = () -> {
            Count count = Count.create(params, random);
            count.add(11);
            return count.result().count();
        };
        double bucket = Math.max(1, Math.floor(1 / epsilon / 2));
        StochasticDpTester.Result result =
                StochasticDpTester.test(first, second, x -> (long) Math.floor(x / bucket), SAMPLES, epsilon, 0);
        assertTrue(result.passes(), result.toString());
    }

    @ParameterizedTest(name = "epsilon = {0}")
    @ValueSource(doubles = {0.1, 1, 2})
    void boundedSumIsEpsilonDp(double epsilon) {
        RandomBits random = new SeededRandomBits(Double.hashCode(epsilon) + 2);
        AggregationParams params = AggregationParams.laplace(epsilon, 1, 1);
        ValueBounds bounds = new ValueBounds(0, 4);
        DoubleSupplier first = () -> {
            BoundedSum sum = BoundedSum.create(params, bounds, random);
            sum.add(1);
            sum.add(3);
            return sum.result().value();
        };
        DoubleSupplier second = () -> {
            BoundedSum sum = BoundedSum.create(params, bounds, random);
            sum.add(1);
            sum.add(3);
            sum.add(100); // clamped to 4, the largest contribution allowed
            return sum.result().value();
        };
        double b = 4 / epsilon;
        StochasticDpTester.Result result =
                StochasticDpTester.test(first, second, x -> (long) Math.floor(x / (b / 4)), SAMPLES, epsilon, 0);
        assertTrue(result.passes(), result.toString());
    }

    @ParameterizedTest(name = "epsilon = {0}")
    @ValueSource(doubles = {0.1, 1, 2})
    void boundedMeanIsEpsilonDp(double epsilon) {
        RandomBits random = new SeededRandomBits(Double.hashCode(epsilon) + 3);
        AggregationParams params = AggregationParams.laplace(epsilon, 1, 1);
        ValueBounds bounds = new ValueBounds(0, 10);
        DoubleSupplier first = () -> mean(params, bounds, random, 2, 4, 6, 8);
        DoubleSupplier second = () -> mean(params, bounds, random, 2, 4, 6, 8, 10);
        StochasticDpTester.Result result =
                StochasticDpTester.test(first, second, x -> (long) Math.floor(x), SAMPLES / 2, epsilon, 0);
        assertTrue(result.passes(), result.toString());
    }

    @ParameterizedTest(name = "epsilon = {0}")
    @ValueSource(doubles = {0.1, 1, 2})
    void optimalPartitionSelectionIsEpsilonDeltaDp(double epsilon) {
        double delta = 0.02;
        for (int n = 1; n <= 4; n++) {
            OptimalPartitionSelection selection = OptimalPartitionSelection.create(
                    epsilon, delta, 1, 1, new SeededRandomBits(Double.hashCode(epsilon) + 10 + n));
            int units = n;
            StochasticDpTester.Result result = StochasticDpTester.test(
                    () -> selection.keep(units - 1) ? 1 : 0,
                    () -> selection.keep(units) ? 1 : 0,
                    x -> (long) x,
                    SAMPLES / 2,
                    epsilon,
                    delta);
            assertTrue(result.passes(), "n = " + n + ": " + result);
        }
    }

    private static double mean(AggregationParams params, ValueBounds bounds, RandomBits random, double... values) {
        BoundedMean mean = BoundedMean.create(params, bounds, random);
        for (double v : values) {
            mean.add(v);
        }
        return mean.result().value();
    }
}
