package dev.veil.cli;

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
            PolicyCommand.class
        })
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    public static void main(String[] args) {
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
