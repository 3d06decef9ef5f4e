package dev.veil.cli;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals;
import dev.veil.server.PasswordFile;
import dev.veil.sql.PlannerContext;
import dev.veil.storage.MasterKey;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code veil init}: creates a new, empty warehouse and its first admin user. */
@Command(
        name = "init",
        mixinStandardHelpOptions = true,
        description =
                "Create a new warehouse directory with an empty catalog, the schema 'public' and the user 'admin'.")
final class InitCommand implements Callable<Integer> {
    @Option(
            names = "--warehouse",
            required = true,
            paramLabel = "DIR",
            description = "Directory to create the warehouse in.")
    Path warehouse;

    @Option(
            names = "--admin-password-file",
            paramLabel = "FILE",
            description = "File whose first line is the password of user 'admin'. Without it, a random password "
                    + "is made and printed once.")
    Path adminPasswordFile;

    @Option(
            names = "--encrypt",
            description = "Encrypt the warehouse at rest (segments and catalog, AES-256-GCM) under a master key "
                    + "from --key-file, --new-key-file, VEIL_KEY_FILE or VEIL_KEY_COMMAND.")
    boolean encrypt;

    @Option(
            names = "--new-key-file",
            paramLabel = "FILE",
            description = "With --encrypt: write a fresh random master key to FILE (which must not exist), "
                    + "readable by its owner only.")
    Path newKeyFile;

    @picocli.CommandLine.Mixin
    KeyOptions keys = new KeyOptions();

    @Override
    public Integer call() {
        // Read the password and the key before creating anything, so a bad file leaves no half-made warehouse.
        String password = adminPasswordFile == null ? null : PasswordFile.read(adminPasswordFile, "admin password");
        MasterKey key = masterKey();
        boolean generated = password == null;
        if (generated) {
            password = RandomPassword.next();
        }
        try (Warehouse wh = Warehouse.create(warehouse, key)) {
            wh.catalog().createSchema(PlannerContext.DEFAULT_SCHEMA, true);
            new Principals(wh.sqliteCatalog()).createUser(Principals.ADMIN, password, Principals.ADMIN, false);
        }
        System.out.println((key == null ? "Created warehouse " : "Created encrypted warehouse ")
                + warehouse.toAbsolutePath().normalize());
        if (newKeyFile != null) {
            System.out.println("Wrote its master key to " + newKeyFile
                    + ": keep a copy apart from the warehouse; without it the data cannot be read");
        }
        if (generated) {
            System.out.println("Created user 'admin' with password: " + password);
            System.out.println("This password is shown only now. Change it with: ALTER USER admin PASSWORD '...'");
        } else {
            System.out.println("Created user 'admin' with the password from " + adminPasswordFile);
        }
        return 0;
    }

    /** The master key for {@code --encrypt}, null without it. */
    private MasterKey masterKey() {
        if (!encrypt) {
            if (newKeyFile != null || keys.keyFile != null) {
                throw new VeilException(ErrorCode.INVALID_ARGUMENT, "--key-file and --new-key-file go with --encrypt");
            }
            return null;
        }
        if (newKeyFile != null && keys.keyFile != null) {
            throw new VeilException(ErrorCode.INVALID_ARGUMENT, "Give --key-file or --new-key-file, not both");
        }
        if (newKeyFile != null) {
            if (java.nio.file.Files.exists(warehouse.resolve(Warehouse.CATALOG_FILE))) {
                throw new VeilException(
                        ErrorCode.ALREADY_EXISTS, "A warehouse already exists in '" + warehouse.toAbsolutePath() + "'");
            }
            return MasterKey.generateTo(newKeyFile);
        }
        return keys.source()
                .key()
                .orElseThrow(() -> new VeilException(
                        ErrorCode.ENCRYPTION_KEY_REQUIRED,
                        "--encrypt needs a master key: --new-key-file FILE (a fresh one), --key-file FILE, "
                                + MasterKey.KEY_FILE_VARIABLE + " or " + MasterKey.KEY_COMMAND_VARIABLE));
    }
}
