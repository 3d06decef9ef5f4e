package dev.veil.cli;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals;
import dev.veil.server.PasswordFile;
import dev.veil.sql.PlannerContext;
import dev.veil.storage.MasterKey;
import dev.veil.storage.NewWarehouse;
import java.nio.file.Files;
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
        // Check everything before creating anything: the password, the key options, the folders.
        String password = adminPasswordFile == null ? null : PasswordFile.read(adminPasswordFile, "admin password");
        boolean generated = password == null;
        if (generated) {
            password = RandomPassword.next();
        }
        Principals.checkPassword(Principals.ADMIN, password);
        Path target = warehouse.toAbsolutePath().normalize();
        NewWarehouse.check(target);
        MasterKey key = masterKey();
        String adminPassword = password;
        boolean[] keyWritten = {false};
        try {
            NewWarehouse.create(
                    target,
                    key,
                    wh -> {
                        wh.catalog().createSchema(PlannerContext.DEFAULT_SCHEMA, true);
                        new Principals(wh.sqliteCatalog())
                                .createUser(Principals.ADMIN, adminPassword, Principals.ADMIN, false);
                    },
                    () -> {
                        if (newKeyFile != null) {
                            key.writeTo(newKeyFile);
                            keyWritten[0] = true;
                        }
                    });
        } catch (RuntimeException e) {
            if (keyWritten[0]) {
                try {
                    Files.deleteIfExists(newKeyFile); // the key of a warehouse that was not made
                } catch (java.io.IOException d) {
                    e.addSuppressed(d);
                }
            }
            throw e;
        }
        System.out.println((key == null ? "Created warehouse " : "Created encrypted warehouse ") + target);
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
            if (Files.exists(newKeyFile, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                throw new VeilException(
                        ErrorCode.ALREADY_EXISTS,
                        "The key file " + newKeyFile + " exists already; a new key is not written over it");
            }
            Path parent = newKeyFile.toAbsolutePath().getParent();
            if (parent != null && !Files.isDirectory(parent)) {
                throw new VeilException(
                        ErrorCode.INVALID_ARGUMENT,
                        "The folder of the key file " + newKeyFile + " does not exist; create it first");
            }
            return MasterKey.random(); // written to --new-key-file once the warehouse is made
        }
        return keys.source()
                .key()
                .orElseThrow(() -> new VeilException(
                        ErrorCode.ENCRYPTION_KEY_REQUIRED,
                        "--encrypt needs a master key: --new-key-file FILE (a fresh one), --key-file FILE, "
                                + MasterKey.KEY_FILE_VARIABLE + " or " + MasterKey.KEY_COMMAND_VARIABLE));
    }
}
