package dev.veil.cli;

import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code veil} command. */
@Command(
        name = "veil",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = "Veil: a privacy-aware analytics warehouse.",
        subcommands = {
            InitCommand.class,
            LoadCommand.class,
            SqlCommand.class,
            ServeCommand.class,
            DemoCommand.class,
            PolicyCommand.class,
            ExportUnitCommand.class,
            RekeyCommand.class,
            ReportCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The logs of slow statements and slow catalog transactions, which are for a server's operators. */
    private static final List<String> OPERATOR_LOGS = List.of(
            "org.slf4j.simpleLogger.log.dev.veil.session.StatementAudit",
            "org.slf4j.simpleLogger.log.dev.veil.catalog.SqliteCatalog",
            "org.slf4j.simpleLogger.log.dev.veil.control.CpuScheduler");

    public static void main(String[] args) {
        boolean serves = args.length > 0 && (args[0].equals("serve") || args[0].equals("demo"));
        for (String log : OPERATOR_LOGS) {
            if (!serves && System.getProperty(log) == null) {
                // For the operators of a server; a shell user sees their own times.
                System.setProperty(log, "warn");
            }
        }
        int status = run(args);
        System.exit(status);
    }

    /** Runs the CLI and returns its exit status (for tests). */
    public static int run(String... args) {
        CommandLine cli = new CommandLine(new Main());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        try {
            return cli.execute(args);
        } catch (RuntimeException | StackOverflowError | LinkageError | AssertionError e) {
            // picocli hands only Exceptions to the handler; anything else still ends in one line.
            System.err.println("veil: internal error: " + ErrorHandler.message(e));
            return 2;
        }
    }
}
