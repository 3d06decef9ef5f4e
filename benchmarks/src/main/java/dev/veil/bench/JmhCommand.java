package dev.veil.bench;

import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code veil bench jmh [REGEX]}: runs the JMH micro-benchmarks whose names match. */
@Command(
        name = "jmh",
        mixinStandardHelpOptions = true,
        description = "Run the JMH micro-benchmarks (all, or those whose class or method matches REGEX).")
final class JmhCommand implements Callable<Integer> {
    @Parameters(
            arity = "0..1",
            paramLabel = "REGEX",
            defaultValue = "dev\\.veil\\.bench\\..*",
            description = "Benchmarks to run (default: all).")
    String include;

    @Option(
            names = "--quick",
            description = "One 1-second warm-up and two 1-second measurement iterations per "
                    + "benchmark instead of each benchmark's own settings: a smoke run, not a measurement.")
    boolean quick;

    @Override
    public Integer call() throws RunnerException {
        ChainedOptionsBuilder builder = new OptionsBuilder().include(include);
        if (quick) {
            builder = builder.warmupIterations(1)
                    .warmupTime(TimeValue.seconds(1))
                    .measurementIterations(2)
                    .measurementTime(TimeValue.seconds(1));
        }
        Options options = builder.build();
        new Runner(options).run();
        return 0;
    }
}
