package dev.veil.cli;

import dev.veil.catalog.Principals;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import dev.veil.sql.PlannerContext;
import dev.veil.storage.Warehouse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil demo}: creates the demo warehouse (a synthetic personalizing shop) on first use, with
 * users {@code admin} and {@code analyst} whose random passwords are written to
 * {@code CREDENTIALS} and per-user password files, then serves it over JDBC.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Create the demo warehouse if absent (a synthetic shop: customers, products, orders, order lines, "
                + "web events) and serve it over JDBC.")
final class DemoCommand implements Callable<Integer> {
    static final String ANALYST = "analyst";

    @Option(names = "--warehouse", paramLabel = "DIR", defaultValue = "demo-warehouse",
            description = "The demo warehouse directory (default ${DEFAULT-VALUE}).")
    Path warehouse;

    @Option(names = "--host", paramLabel = "HOST", defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", paramLabel = "PORT", defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "Port to listen on (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!Files.exists(warehouse.resolve(Warehouse.CATALOG_FILE))) {
            create();
        } else {
            System.out.println("Using the existing demo warehouse " + warehouse.toAbsolutePath().normalize());
        }
        System.out.print(Files.readString(warehouse.resolve("CREDENTIALS"), StandardCharsets.UTF_8));
        VeilServer server = ServeCommand.start(ServerConfig.of(warehouse).withHost(host).withPort(port), System.out);
        String passwordFile = warehouse.resolve(ANALYST + ".password").toString();
        System.out.println();
        System.out.println("Try it as the analyst:");
        System.out.println("  ./veil sql --url " + server.jdbcUrl() + " --user " + ANALYST + " --password-file "
                + passwordFile + " -e \"SELECT city, COUNT(*) AS customers FROM shop.customers GROUP BY city"
                + " ORDER BY customers DESC\"");
        System.out.flush();
        return ServeCommand.serveUntilStopped(server);
    }

    private void create() throws IOException {
        System.out.println("Creating the demo warehouse in " + warehouse.toAbsolutePath().normalize() + " ...");
        String adminPassword = RandomPassword.next();
        String analystPassword = RandomPassword.next();
        Map<String, Long> counts;
        try (Warehouse wh = Warehouse.create(warehouse)) {
            wh.catalog().createSchema(PlannerContext.DEFAULT_SCHEMA, true);
            Principals principals = new Principals(wh.sqliteCatalog());
            principals.createUser(Principals.ADMIN, adminPassword, Principals.ADMIN, false);
            principals.createUser(ANALYST, analystPassword, Principals.ANALYST, false);
            counts = DemoDataset.standard().create(wh);
        }
        counts.forEach((table, rows) -> System.out.printf("  %-24s %,9d rows%n", DemoDataset.SCHEMA + "." + table, rows));
        writeSecret(warehouse.resolve(Principals.ADMIN + ".password"), adminPassword + "\n");
        writeSecret(warehouse.resolve(ANALYST + ".password"), analystPassword + "\n");
        writeSecret(warehouse.resolve("CREDENTIALS"), "Demo users (also in " + warehouse + "/<user>.password):\n"
                + "  admin    " + adminPassword + "\n"
                + "  analyst  " + analystPassword + "\n");
    }

    /** Writes a file only its owner can read. */
    private static void writeSecret(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        try {
            Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        } catch (UnsupportedOperationException e) {
            // Not a POSIX file system: the warehouse directory's own permissions protect it.
        }
    }
}
