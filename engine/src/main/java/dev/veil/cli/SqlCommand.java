package dev.veil.cli;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.session.EmbeddedDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil sql}: runs SQL against a warehouse, in-process. With {@code -e} or {@code -f} it runs
 * the statements and prints results; with neither it starts the interactive sqlline shell.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
        description = "Run SQL: statements from -e or -f, or an interactive shell (sqlline) without them.")
final class SqlCommand implements Callable<Integer> {
    @Option(names = "--warehouse", required = true, paramLabel = "DIR",
            description = "Open this warehouse in-process. Whoever can read its files is trusted.")
    Path warehouse;

    @Option(names = "--user", paramLabel = "U", defaultValue = "admin",
            description = "Run statements as this user (in-process only; default ${DEFAULT-VALUE}).")
    String user;

    @ArgGroup(exclusive = true)
    Input input;

    static final class Input {
        @Option(names = {"-e", "--execute"}, paramLabel = "SQL", description = "Statements to run, ';'-separated.")
        String sql;

        @Option(names = {"-f", "--file"}, paramLabel = "FILE", description = "A file of ';'-separated statements.")
        Path file;
    }

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "Result format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    ResultPrinter.Format format;

    @Override
    public Integer call() throws SQLException, IOException {
        if (!Files.isDirectory(warehouse)) {
            throw new VeilException(ErrorCode.WAREHOUSE_NOT_FOUND, "No warehouse at " + warehouse.toAbsolutePath());
        }
        String url = EmbeddedDriver.PREFIX + warehouse.toAbsolutePath().normalize();
        if (input == null) {
            return interactive(url);
        }
        String script = input.sql != null ? input.sql : Files.readString(input.file, StandardCharsets.UTF_8);
        List<String> statements = ScriptSplitter.split(script);
        Properties info = new Properties();
        info.setProperty("user", user);
        try (Connection connection = DriverManager.getConnection(url, info);
                Statement statement = connection.createStatement()) {
            ResultPrinter printer = ResultPrinter.of(format, System.out);
            for (String sql : statements) {
                if (statement.execute(sql)) {
                    try (ResultSet rs = statement.getResultSet()) {
                        printer.print(rs);
                    }
                } else if (format == ResultPrinter.Format.table) {
                    System.out.println("OK (" + statement.getLargeUpdateCount() + " rows affected)");
                }
            }
        }
        System.out.flush();
        return 0;
    }

    private int interactive(String url) throws IOException {
        String[] args = {"-u", url, "-n", user, "-p", "", "-d", EmbeddedDriver.class.getName(),
                "--maxWidth=200", "--isolation=TRANSACTION_NONE"};
        sqlline.SqlLine.Status status = sqlline.SqlLine.start(args, null, true);
        return status == sqlline.SqlLine.Status.OK ? 0 : 1;
    }
}
