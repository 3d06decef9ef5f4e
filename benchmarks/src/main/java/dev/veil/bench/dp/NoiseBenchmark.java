package dev.veil.bench.dp;

import dev.veil.dp.AggregationParams;
import dev.veil.dp.Count;
import dev.veil.dp.GaussianMechanism;
import dev.veil.dp.LaplaceMechanism;
import dev.veil.dp.OptimalPartitionSelection;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Throughput of Veil's secure DP primitives, all drawing from {@code SecureRandom}: one noisy
 * value per call, and the per-group cost of releasing a noisy count and of partition selection.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 1)
@Measurement(iterations = 3, time = 2)
@Fork(value = 1, jvmArgsAppend = "--add-opens=java.base/java.nio=ALL-UNNAMED")
public class NoiseBenchmark {
    private LaplaceMechanism laplaceReals;
    private LaplaceMechanism laplaceIntegers;
    private GaussianMechanism gaussianReals;
    private GaussianMechanism gaussianIntegers;
    private OptimalPartitionSelection selection;
    private AggregationParams countParams;
    private double value;
    private long count;

    @Setup
    public void setUp() {
        laplaceReals = LaplaceMechanism.forReals(1.0, 1, 100.0);
        laplaceIntegers = LaplaceMechanism.forIntegers(1.0, 1, 1);
        gaussianReals = GaussianMechanism.forReals(1.0, 1e-5, 1, 100.0);
        gaussianIntegers = GaussianMechanism.forIntegers(1.0, 1e-5, 1, 1);
        selection = OptimalPartitionSelection.create(1.0, 1e-5, 1, 1);
        countParams = AggregationParams.laplace(1.0, 1, 1);
        value = 1234.5678;
        count = 1000;
    }

    @Benchmark
    public double laplaceReal() {
        return laplaceReals.addNoise(value);
    }

    @Benchmark
    public long laplaceInteger() {
        return laplaceIntegers.addNoise(count);
    }

    @Benchmark
    public double gaussianReal() {
        return gaussianReals.addNoise(value);
    }

    @Benchmark
    public long gaussianInteger() {
        return gaussianIntegers.addNoise(count);
    }

    /** The partition-selection decision for one group of 20 units. */
    @Benchmark
    public boolean partitionSelection() {
        return selection.keep(20);
    }

    /** A whole noisy count for one group: create, add, release. */
    @Benchmark
    public long noisyCountPerGroup() {
        Count c = Count.create(countParams);
        c.add(count);
        return c.result().count();
    }
}
