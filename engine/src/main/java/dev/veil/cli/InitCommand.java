package dev.veil.cli;

import dev.veil.catalog.Principals;
import dev.veil.server.PasswordFile;
import dev.veil.sql.PlannerContext;
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

    @Override
    public Integer call() {
        // Read the password before creating anything, so a bad file leaves no half-made warehouse.
        String password = adminPasswordFile == null ? null : PasswordFile.read(adminPasswordFile, "admin password");
        boolean generated = password == null;
        if (generated) {
            password = RandomPassword.next();
        }
        try (Warehouse wh = Warehouse.create(warehouse)) {
            wh.catalog().createSchema(PlannerContext.DEFAULT_SCHEMA, true);
            new Principals(wh.sqliteCatalog()).createUser(Principals.ADMIN, password, Principals.ADMIN, false);
        }
        System.out.println("Created warehouse " + warehouse.toAbsolutePath().normalize());
        if (generated) {
            System.out.println("Created user 'admin' with password: " + password);
            System.out.println("This password is shown only now. Change it with: ALTER USER admin PASSWORD '...'");
        } else {
            System.out.println("Created user 'admin' with the password from " + adminPasswordFile);
        }
        return 0;
    }
}
