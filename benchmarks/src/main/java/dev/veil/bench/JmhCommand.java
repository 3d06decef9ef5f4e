package dev.veil.bench;

import java.util.concurrent.Callable;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code veil bench jmh [REGEX]}: runs the JMH micro-benchmarks whose names match. */
@Command(name = "jmh", mixinStandardHelpOptions = true,
        description = "Run the JMH micro-benchmarks (all, or those whose class or method matches REGEX).")
final class JmhCommand implements Callable<Integer> {
    @Parameters(arity = "0..1", paramLabel = "REGEX", defaultValue = "dev\\.veil\\.bench\\..*",
            description = "Benchmarks to run (default: all).")
    String include;

    @Override
    public Integer call() throws RunnerException {
        Options options = new OptionsBuilder().include(include).build();
        new Runner(options).run();
        return 0;
    }
}
