package dev.veil.cli;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals;
import dev.veil.policy.PolicyYaml;
import dev.veil.policy.StoredPolicyResolver;
import dev.veil.rewrite.MaskKey;
import dev.veil.rewrite.PrivacyRewriter;
import dev.veil.server.PasswordFile;
import dev.veil.sql.PolicyFiles;
import dev.veil.sql.StatementContext;
import dev.veil.sql.UpdateCount;
import dev.veil.storage.Warehouse;
import java.io.IOException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code veil policy export|apply}: the warehouse's policies as a YAML file (docs/policy-yaml.md),
 * so that they can be reviewed, versioned and applied to another warehouse.
 */
@Command(
        name = "policy",
        mixinStandardHelpOptions = true,
        description = "Export the warehouse's policies to a YAML file, or apply one.",
        subcommands = {PolicyCommand.Export.class, PolicyCommand.Apply.class})
final class PolicyCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }

    /** The options both subcommands share: a warehouse opened in-process, or a running server. */
    static class Target {
        @CommandLine.ArgGroup(exclusive = true, multiplicity = "1")
        Where where;

        static final class Where {
            @Option(
                    names = "--warehouse",
                    paramLabel = "DIR",
                    description = "The warehouse directory, opened in-process (not while a server serves it).")
            Path warehouse;

            @Option(
                    names = "--url",
                    paramLabel = "URL",
                    description = "A running server, through the thin driver (jdbc:veil://host:port): the "
                            + "server goes on serving meanwhile.")
            String url;
        }

        @Option(
                names = "--user",
                paramLabel = "U",
                defaultValue = "admin",
                description = "Act as this user, who must be an admin (default ${DEFAULT-VALUE}).")
        String user;

        @Option(
                names = "--password-file",
                paramLabel = "FILE",
                description = "With --url: a file whose first line is the user's password.")
        Path passwordFile;

        @CommandLine.Mixin
        KeyOptions keys = new KeyOptions();

        StatementContext context(Warehouse wh) {
            return new StatementContext(
                    wh,
                    new Principals(wh.sqliteCatalog()).principalOf(user),
                    new StoredPolicyResolver(wh.sqliteCatalog()),
                    new AtomicBoolean(),
                    new PrivacyRewriter(MaskKey.of(wh.root(), wh.sqliteCatalog())));
        }

        /** Checks the options that go together; true when the target is a server. */
        boolean remote() {
            keys.register(where.warehouse);
            if (where.url == null) {
                if (passwordFile != null) {
                    throw new VeilException(
                            ErrorCode.INVALID_ARGUMENT,
                            "--password-file goes with --url; in-process (--warehouse) no password is needed");
                }
                return false;
            }
            if (passwordFile == null) {
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT,
                        "--url needs --password-file with the password of user '" + user + "'");
            }
            return true;
        }

        Connection connect() throws SQLException {
            Properties info = new Properties();
            info.setProperty("user", user);
            info.setProperty("password", PasswordFile.read(passwordFile, "password of user '" + user + "'"));
            SqlCommand.requireThinDriver();
            return DriverManager.getConnection(where.url, info);
        }
    }

    @Command(
            name = "export",
            mixinStandardHelpOptions = true,
            description = "Write every policy of the warehouse to FILE (replacing it).")
    static final class Export extends Target implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The YAML file to write.")
        Path file;

        @Override
        public Integer call() throws SQLException {
            String yaml;
            if (remote()) {
                try (Connection c = connect();
                        Statement s = c.createStatement();
                        ResultSet rs = s.executeQuery("EXPORT POLICIES")) {
                    rs.next();
                    yaml = rs.getString(1);
                }
            } else {
                try (Warehouse wh = Warehouse.open(where.warehouse)) {
                    yaml = PolicyFiles.export(context(wh));
                }
            }
            Path target = file.toAbsolutePath();
            try {
                Path temp = Files.createTempFile(target.getParent(), ".policies", ".yaml.tmp");
                try {
                    Files.writeString(temp, yaml, StandardCharsets.UTF_8);
                    Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                } finally {
                    Files.deleteIfExists(temp);
                }
            } catch (IOException e) {
                throw new VeilException(ErrorCode.STORAGE_IO_ERROR, "Cannot write " + file + ": " + e.getMessage(), e);
            }
            System.out.println("Exported the policies to " + file);
            return 0;
        }
    }

    @Command(
            name = "apply",
            mixinStandardHelpOptions = true,
            description = "Apply the policies in FILE, all or nothing: each table in it gets exactly the "
                    + "policies listed for it; tables not in it keep theirs.")
    static final class Apply extends Target implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The YAML file to apply.")
        Path file;

        @Override
        public Integer call() throws SQLException {
            boolean remote = remote();
            String yaml;
            try {
                yaml = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new VeilException(ErrorCode.FILE_NOT_FOUND, "Policy file " + file + " not found");
            } catch (MalformedInputException e) {
                throw new VeilException(ErrorCode.BAD_INPUT_FILE, "Policy file " + file + " is not UTF-8 text");
            } catch (IOException e) {
                throw new VeilException(ErrorCode.STORAGE_IO_ERROR, "Cannot read " + file + ": " + e.getMessage(), e);
            }
            // Read and check the whole file before opening the warehouse.
            PolicyYaml.Document document = PolicyYaml.read(yaml, file.toString());
            if (remote) {
                // The server reads and checks the same text again, in one transaction.
                try (Connection c = connect();
                        Statement s = c.createStatement()) {
                    s.execute("APPLY POLICIES '" + yaml.replace("'", "''") + "'");
                }
                System.out.println("Applied the policies of "
                        + document.tables().size() + " tables from " + file + " to " + where.url);
                return 0;
            }
            UpdateCount result;
            try (Warehouse wh = Warehouse.open(where.warehouse)) {
                result = PolicyFiles.apply(document, file.toString(), context(wh));
            }
            System.out.println(result.message());
            return 0;
        }
    }
}
