package dev.veil.cli;

import dev.veil.sql.PlannerContext;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code veil init}: creates a new, empty warehouse. */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Create a new warehouse directory with an empty catalog and the schema 'public'.")
final class InitCommand implements Callable<Integer> {
    @Option(names = "--warehouse", required = true, paramLabel = "DIR", description = "Directory to create the warehouse in.")
    Path warehouse;

    @Override
    public Integer call() {
        try (Warehouse wh = Warehouse.create(warehouse)) {
            wh.catalog().createSchema(PlannerContext.DEFAULT_SCHEMA, true);
        }
        System.out.println("Created warehouse " + warehouse.toAbsolutePath().normalize());
        return 0;
    }
}
