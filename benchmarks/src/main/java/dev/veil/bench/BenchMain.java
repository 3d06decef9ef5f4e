package dev.veil.bench;

import dev.veil.bench.jdbc.JdbcServiceBenchmark;
import dev.veil.bench.parquet.ParquetBenchmark;
import dev.veil.bench.tpch.ConsentBenchmark;
import dev.veil.bench.tpch.FederationBenchmark;
import dev.veil.bench.tpch.TpchBenchmark;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code veil bench} command, which the {@code ./veil} launcher runs on the benchmarks module's class path. */
@Command(
        name = "veil bench",
        mixinStandardHelpOptions = true,
        description = "Veil's benchmarks.",
        subcommands = {
            TpchBenchmark.class,
            JmhCommand.class,
            JdbcServiceBenchmark.class,
            ParquetBenchmark.class,
            ConsentBenchmark.class,
            FederationBenchmark.class
        })
public final class BenchMain implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new BenchMain()).execute(args));
    }
}
