package dev.veil.cli;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.server.PasswordFile;
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
 * {@code veil sql}: runs SQL against a warehouse, either in-process ({@code --warehouse}) or on a
 * server through the thin JDBC driver ({@code --url}). With {@code -e} or {@code -f} it runs the
 * statements and prints results; with neither it starts the interactive sqlline shell.
 */
@Command(
        name = "sql",
        mixinStandardHelpOptions = true,
        description = "Run SQL: statements from -e or -f, or an interactive shell (sqlline) without them.")
final class SqlCommand implements Callable<Integer> {
    @ArgGroup(exclusive = true, multiplicity = "1")
    Target target;

    static final class Target {
        @Option(
                names = "--warehouse",
                paramLabel = "DIR",
                description = "Open this warehouse in-process. Whoever can read its files is trusted.")
        Path warehouse;

        @Option(
                names = "--url",
                paramLabel = "URL",
                description = "Connect to a Veil server through the thin driver, e.g. jdbc:veil://127.0.0.1:8765.")
        String url;
    }

    @Option(
            names = "--user",
            paramLabel = "U",
            defaultValue = "admin",
            description = "The user to run as (default ${DEFAULT-VALUE}). In-process no password is needed; "
                    + "with --url the server checks the password.")
    String user;

    @Option(
            names = "--password-file",
            paramLabel = "FILE",
            description = "With --url: a file whose first line is the user's password.")
    Path passwordFile;

    @ArgGroup(exclusive = true)
    Input input;

    static final class Input {
        @Option(
                names = {"-e", "--execute"},
                paramLabel = "SQL",
                description = "Statements to run, ';'-separated.")
        String sql;

        @Option(
                names = {"-f", "--file"},
                paramLabel = "FILE",
                description = "A file of ';'-separated statements.")
        Path file;
    }

    @Option(
            names = "--format",
            paramLabel = "FORMAT",
            defaultValue = "table",
            description = "Result format: ${COMPLETION-CANDIDATES} (default ${DEFAULT-VALUE}).")
    ResultPrinter.Format format;

    @picocli.CommandLine.Mixin
    KeyOptions keys = new KeyOptions();

    @Override
    public Integer call() throws SQLException, IOException {
        keys.register(target.warehouse);
        String url;
        String driver;
        Properties info = new Properties();
        info.setProperty("user", user);
        if (target.warehouse != null) {
            if (!Files.isDirectory(target.warehouse)) {
                throw new VeilException(
                        ErrorCode.WAREHOUSE_NOT_FOUND, "No warehouse at " + target.warehouse.toAbsolutePath());
            }
            if (passwordFile != null) {
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT,
                        "--password-file goes with --url; in-process (--warehouse) no password is needed");
            }
            url = EmbeddedDriver.PREFIX + target.warehouse.toAbsolutePath().normalize();
            driver = EmbeddedDriver.class.getName();
        } else {
            url = target.url;
            driver = THIN_DRIVER;
            if (passwordFile == null) {
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT,
                        "--url needs --password-file with the password of " + "user '" + user + "'");
            }
            info.setProperty("password", PasswordFile.read(passwordFile, "password of user '" + user + "'"));
            requireThinDriver();
        }
        if (input == null) {
            return interactive(url, driver, info.getProperty("password", ""));
        }
        String script = input.sql != null ? input.sql : Files.readString(input.file, StandardCharsets.UTF_8);
        List<String> statements = ScriptSplitter.split(script);
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

    private static final String THIN_DRIVER = "dev.veil.jdbc.Driver";

    /** The package of the thin driver's public classes. */
    static final String THIN_DRIVER_PACKAGE = "dev.veil.jdbc";

    static void requireThinDriver() {
        try {
            Class.forName(THIN_DRIVER);
        } catch (ClassNotFoundException e) {
            throw new VeilException(
                    ErrorCode.INVALID_ARGUMENT,
                    "The thin JDBC driver is not on the class path; "
                            + "build it with: mvn -B -DskipTests -pl jdbc-driver -am package");
        }
    }

    private int interactive(String url, String driver, String password) throws IOException {
        String[] args = {
            "-u", url, "-n", user, "-p", password, "-d", driver, "--maxWidth=200", "--isolation=TRANSACTION_NONE"
        };
        sqlline.SqlLine.Status status = sqlline.SqlLine.start(args, null, true);
        return status == sqlline.SqlLine.Status.OK ? 0 : 1;
    }
}
