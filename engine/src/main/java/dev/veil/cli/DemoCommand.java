package dev.veil.cli;

import dev.veil.ErrorCode;
import dev.veil.VeilException;
import dev.veil.catalog.Principals;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import dev.veil.session.Engine;
import dev.veil.session.Session;
import dev.veil.sql.PlannerContext;
import dev.veil.storage.MasterKey;
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

    @Option(
            names = "--encrypt",
            description = "Create the demo warehouse encrypted at rest, under the master key of --key-file, "
                    + "VEIL_KEY_FILE or VEIL_KEY_COMMAND (an existing demo warehouse stays as it was made).")
    boolean encrypt;

    @picocli.CommandLine.Mixin
    KeyOptions keys = new KeyOptions();

    @Override
    public Integer call() throws IOException, InterruptedException {
        keys.register(warehouse);
        if (!Files.exists(warehouse.resolve(Warehouse.CATALOG_FILE))) {
            MasterKey key = null;
            if (encrypt) {
                key = keys.source()
                        .key()
                        .orElseThrow(() -> new VeilException(
                                ErrorCode.ENCRYPTION_KEY_REQUIRED,
                                "veil demo --encrypt needs a master key: --key-file FILE, "
                                        + MasterKey.KEY_FILE_VARIABLE + " or " + MasterKey.KEY_COMMAND_VARIABLE
                                        + " (make a key file with: veil init --warehouse W --encrypt --new-key-file"
                                        + " FILE)"));
            }
            create(key);
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
        System.out.println("  ./veil sql --url " + server.jdbcUrl() + " --user " + ANALYST + " --password-file "
                + passwordFile + " -e \"SET PURPOSE marketing; " + PURPOSE_QUERY + "\"");
        System.out.println();
        System.out.flush();
        // After the server is up (its URL is printed): the first queries of a fresh JVM are slow.
        showPurposes();
        System.out.flush();
        return ServeCommand.serveUntilStopped(server);
    }

    /** Creates the plain demo warehouse in {@link #warehouse}: data, users, policies, purposes, consents, retention. */
    void create() throws IOException {
        create(null);
    }

    /** As {@link #create()}, encrypted under {@code key} unless it is null. */
    private void create(MasterKey key) throws IOException {
        System.out.println(
                "Creating the demo warehouse in " + warehouse.toAbsolutePath().normalize() + " ...");
        String adminPassword = RandomPassword.next();
        String analystPassword = RandomPassword.next();
        Map<String, Long> counts;
        try (Warehouse wh = Warehouse.create(warehouse, key)) {
            wh.catalog().createSchema(PlannerContext.DEFAULT_SCHEMA, true);
            Principals principals = new Principals(wh.sqliteCatalog());
            principals.createUser(Principals.ADMIN, adminPassword, Principals.ADMIN, false);
            principals.createUser(ANALYST, analystPassword, Principals.ANALYST, false);
            DemoDataset dataset = DemoDataset.standard();
            counts = dataset.create(wh);
            counts.put("consents", dataset.createConsents(wh, System.currentTimeMillis()));
        }
        counts.forEach(
                (table, rows) -> System.out.printf("  %-24s %,9d rows%n", DemoDataset.SCHEMA + "." + table, rows));
        applyPolicies();
        applyConsent();
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

    /** The first day of web events the demo keeps: its retention period ends there on the day it is created. */
    static final java.time.LocalDate WEB_EVENTS_KEPT_FROM = java.time.LocalDate.of(2025, 3, 1);

    /**
     * Purposes, data categories, the consent table and its use, and retention (docs/consent-and-retention.md),
     * applied by the demo only (the fuzz test's admin oracle reads {@link #POLICIES} and sees every row).
     * The analyst works under analytics by default and may switch to marketing or personalisation.
     */
    static List<String> consentPolicies(java.time.LocalDate today) {
        long days = Math.max(1, java.time.temporal.ChronoUnit.DAYS.between(WEB_EVENTS_KEPT_FROM, today));
        return List.of(
                "CREATE PURPOSE analytics COMMENT 'Product and sales analytics'",
                "CREATE PURPOSE marketing COMMENT 'Campaigns and newsletters' RENEWAL EVERY 365 DAYS",
                "CREATE PURPOSE personalisation COMMENT 'Recommendations on the web shop'",
                "GRANT PURPOSE analytics TO ROLE analyst",
                "GRANT PURPOSE marketing TO ROLE analyst",
                "GRANT PURPOSE personalisation TO ROLE analyst",
                "ALTER ROLE analyst SET PURPOSE analytics",
                "ALTER TABLE shop.customers ALTER COLUMN name SET CATEGORY contact",
                "ALTER TABLE shop.customers ALTER COLUMN email SET CATEGORY contact",
                "ALTER TABLE shop.customers ALTER COLUMN phone SET CATEGORY contact",
                "ALTER TABLE shop.customers ALTER COLUMN birth_date SET CATEGORY demographics",
                "ALTER TABLE shop.customers ALTER COLUMN zip SET CATEGORY demographics",
                "ALTER TABLE shop.orders ALTER COLUMN order_date SET CATEGORY purchases",
                "ALTER TABLE shop.orders ALTER COLUMN status SET CATEGORY purchases",
                "ALTER TABLE shop.orders ALTER COLUMN channel SET CATEGORY purchases",
                "ALTER TABLE shop.order_lines ALTER COLUMN product_id SET CATEGORY purchases",
                "ALTER TABLE shop.order_lines ALTER COLUMN quantity SET CATEGORY purchases",
                "ALTER TABLE shop.order_lines ALTER COLUMN unit_price SET CATEGORY purchases",
                "ALTER TABLE shop.web_events ALTER COLUMN event_time SET CATEGORY behaviour",
                "ALTER TABLE shop.web_events ALTER COLUMN page SET CATEGORY behaviour",
                "ALTER TABLE shop.web_events ALTER COLUMN device SET CATEGORY behaviour",
                "ALTER TABLE shop.consents SET CONSENT SOURCE (UNIT customer_id REFERENCES shop.customers"
                        + " (customer_id), PURPOSE purpose, CATEGORY category, GRANTED granted_at,"
                        + " EXPIRES expires_at, WITHDRAWN withdrawn_at)",
                "ALTER SCHEMA shop SET CONSENT REQUIRED",
                "ALTER TABLE shop.web_events SET RETENTION " + days + " DAYS ON event_time");
    }

    private void applyConsent() {
        Engine engine = Engine.acquire(warehouse);
        try {
            Session admin = engine.newSession(Principals.ADMIN);
            for (String statement : consentPolicies(java.time.LocalDate.now(java.time.ZoneOffset.UTC))) {
                admin.execute(statement, new AtomicBoolean());
            }
        } finally {
            engine.release();
        }
        System.out.println("Purposes analytics (the analyst's default), marketing and personalisation; consent"
                + " required on every table of shop (consents in shop.consents); web events before "
                + WEB_EVENTS_KEPT_FROM + " are past their retention period.");
    }

    /** The query the demo shows: the same count under each purpose, as the analyst. */
    static final String PURPOSE_QUERY = "SELECT COUNT(*) AS customers FROM shop.customers";

    /** Runs {@link #PURPOSE_QUERY} as the analyst under each purpose and prints the counts. */
    private void showPurposes() {
        try {
            Map<String, Long> counts = purposeCounts();
            System.out.println(
                    "The same query as the analyst under each purpose (only customers who consented exist):");
            System.out.println("  " + PURPOSE_QUERY);
            counts.forEach((purpose, count) -> System.out.printf("    %-16s %,9d%n", purpose, count));
        } catch (RuntimeException e) {
            System.out.println("  (not shown: " + e.getMessage() + ")");
        }
    }

    /** The answer of {@link #PURPOSE_QUERY} as the analyst under each purpose, in the order shown. */
    Map<String, Long> purposeCounts() {
        Engine engine = Engine.acquire(warehouse);
        try {
            Map<String, Long> counts = new java.util.LinkedHashMap<>();
            for (String purpose : PURPOSES) {
                Session analyst = engine.newSession(ANALYST);
                analyst.execute("SET PURPOSE " + purpose, new AtomicBoolean());
                try (dev.veil.sql.RowsResult rows =
                        (dev.veil.sql.RowsResult) analyst.execute(PURPOSE_QUERY, new AtomicBoolean())) {
                    Object count = rows.rows().moveNext() ? rows.rows().current()[0] : null;
                    counts.put(purpose, ((Number) count).longValue());
                }
            }
            return counts;
        } finally {
            engine.release();
        }
    }

    /** The demo's purposes. */
    static final List<String> PURPOSES = List.of("analytics", "marketing", "personalisation");

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
