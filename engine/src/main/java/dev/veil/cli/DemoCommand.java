package dev.veil.cli;

import dev.veil.catalog.Principals;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import dev.veil.session.Engine;
import dev.veil.session.Session;
import dev.veil.sql.PlannerContext;
import dev.veil.storage.Warehouse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code veil demo}: creates the demo warehouse (a synthetic personalizing shop) on first use, with
 * users {@code admin} and {@code analyst} whose random passwords are written to
 * {@code CREDENTIALS} and per-user password files, then serves it over JDBC.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description =
                "Create the demo warehouse if absent (a synthetic shop: customers, products, orders, order lines, "
                        + "web events) and serve it over JDBC.")
final class DemoCommand implements Callable<Integer> {
    static final String ANALYST = "analyst";

    @Option(
            names = "--warehouse",
            paramLabel = "DIR",
            defaultValue = "demo-warehouse",
            description = "The demo warehouse directory (default ${DEFAULT-VALUE}).")
    Path warehouse;

    @Option(
            names = "--host",
            paramLabel = "HOST",
            defaultValue = ServerConfig.DEFAULT_HOST,
            description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(
            names = "--port",
            paramLabel = "PORT",
            defaultValue = "" + ServerConfig.DEFAULT_PORT,
            description = "Port to listen on (default ${DEFAULT-VALUE}; 0 picks a free one).")
    int port;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (!Files.exists(warehouse.resolve(Warehouse.CATALOG_FILE))) {
            create();
        } else {
            System.out.println("Using the existing demo warehouse "
                    + warehouse.toAbsolutePath().normalize());
        }
        System.out.print(Files.readString(warehouse.resolve("CREDENTIALS"), StandardCharsets.UTF_8));
        VeilServer server =
                ServeCommand.start(ServerConfig.of(warehouse).withHost(host).withPort(port), System.out);
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
        System.out.println(
                "Creating the demo warehouse in " + warehouse.toAbsolutePath().normalize() + " ...");
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
        counts.forEach(
                (table, rows) -> System.out.printf("  %-24s %,9d rows%n", DemoDataset.SCHEMA + "." + table, rows));
        applyPolicies();
        writeSecret(warehouse.resolve(Principals.ADMIN + ".password"), adminPassword + "\n");
        writeSecret(warehouse.resolve(ANALYST + ".password"), analystPassword + "\n");
        writeSecret(
                warehouse.resolve("CREDENTIALS"),
                "Demo users (also in " + warehouse + "/<user>.password):\n"
                        + "  admin    " + adminPassword + "\n"
                        + "  analyst  " + analystPassword + "\n");
    }

    /**
     * The demo's policies for analysts: the customer is the privacy unit (reached from orders,
     * order lines and web events through their foreign keys), contact data is hidden or masked,
     * amounts may only be aggregated, and every released group holds at least 10 customers.
     */
    static final List<String> POLICIES = List.of(
            "ALTER TABLE shop.customers SET PRIVACY UNIT (customer_id)",
            "ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (customer_id)",
            "ALTER TABLE shop.order_lines SET PRIVACY UNIT VIA (order_id) REFERENCES shop.orders (order_id)",
            "ALTER TABLE shop.web_events SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (customer_id)",
            "ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN",
            "ALTER TABLE shop.customers ALTER COLUMN name SET POLICY MASKED USING REDACT",
            "ALTER TABLE shop.customers ALTER COLUMN phone SET POLICY MASKED USING SHOW_LAST(4)",
            "ALTER TABLE shop.customers ALTER COLUMN birth_date SET POLICY MASKED USING YEAR",
            "ALTER TABLE shop.customers ALTER COLUMN zip SET POLICY MASKED USING TRUNCATE(3)",
            "ALTER TABLE shop.order_lines ALTER COLUMN unit_price SET POLICY AGGREGATE ONLY BOUNDS (0, 1000)",
            "ALTER TABLE shop.customers SET MIN GROUP SIZE 10",
            "ALTER TABLE shop.orders SET MIN GROUP SIZE 10",
            "ALTER TABLE shop.order_lines SET MIN GROUP SIZE 10",
            "ALTER TABLE shop.web_events SET MIN GROUP SIZE 10",
            // Orders, their lines and web events are differentially private for analysts: noisy
            // aggregates, each customer bounded in what it contributes, charged to a weekly budget.
            "ALTER TABLE shop.order_lines ALTER COLUMN quantity SET POLICY AGGREGATE ONLY BOUNDS (0, 10)",
            "ALTER TABLE shop.orders SET DIFFERENTIAL PRIVACY (EPSILON 1.0, DELTA 1e-6, MAX GROUPS PER UNIT 3, "
                    + "MAX ROWS PER UNIT PER GROUP 4)",
            "ALTER TABLE shop.order_lines SET DIFFERENTIAL PRIVACY (EPSILON 1.0, DELTA 1e-6, MAX GROUPS PER UNIT 3, "
                    + "MAX ROWS PER UNIT PER GROUP 10)",
            "ALTER TABLE shop.web_events SET DIFFERENTIAL PRIVACY (EPSILON 1.0, DELTA 1e-6, MAX GROUPS PER UNIT 5, "
                    + "MAX ROWS PER UNIT PER GROUP 10)",
            "CREATE PRIVACY BUDGET analyst_weekly LIMIT (EPSILON 50, DELTA 1e-4) WINDOW WEEKLY",
            "ALTER ROLE analyst SET PRIVACY BUDGET analyst_weekly");

    private void applyPolicies() {
        Engine engine = Engine.acquire(warehouse);
        try {
            Session admin = engine.newSession(Principals.ADMIN);
            for (String statement : POLICIES) {
                admin.execute(statement, new AtomicBoolean());
            }
        } finally {
            engine.release();
        }
        System.out.println("Applied " + POLICIES.size() + " policies for analysts (SHOW POLICIES lists them).");
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
