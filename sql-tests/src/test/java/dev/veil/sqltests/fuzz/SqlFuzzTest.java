package dev.veil.sqltests.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.Principals;
import dev.veil.cli.DemoDataset;
import dev.veil.server.ServerConfig;
import dev.veil.server.VeilServer;
import dev.veil.sqltests.script.ResultPrinter;
import dev.veil.storage.Warehouse;
import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sends random, valid SQL over a scaled-down demo warehouse (the demo's schema and policies,
 * minimum group size 10) as the analyst, through the thin driver, and checks every answer
 * against an oracle computed as admin:
 *
 * <ul>
 *   <li>the server never dies, never returns an internal error (code 1000 and up) nor a stack
 *       trace or Java exception text in a message;</li>
 *   <li>statements that project a hidden or aggregate-only column, release raw rows, use MIN/MAX
 *       over protected rows, single out a unit or join off the path are rejected;</li>
 *   <li>every released group holds at least 10 distinct customers, and its keys and aggregates
 *       equal the admin's for that group; when nothing cuts the result short, every group with
 *       enough customers is released (for the differentially private tables of the demo, orders,
 *       lines and web events, only the keys and the customer counts: their aggregates are noisy
 *       and their groups pass partition selection);</li>
 *   <li>no value of the hidden e-mail column appears in any answer.</li>
 * </ul>
 *
 * <p>System properties: {@value #STATEMENTS} (default 500; {@code -Pfuzz} runs 10,000) and
 * {@value #SEED} (default {@value #DEFAULT_SEED}, printed so that a failure can be replayed).
 */
class SqlFuzzTest {
    static final String STATEMENTS = "fuzz.statements";
    static final String SEED = "fuzz.seed";
    static final long DEFAULT_SEED = 20261129L;
    private static final int MIN_GROUP_SIZE = 10;
    private static final String ADMIN_PASSWORD = "fuzz-admin-pw";
    private static final String ANALYST_PASSWORD = "fuzz-analyst-pw";

    /** A few valid statements the engine rejected anyway, printed for whoever reads the log. */
    private static final List<String> SAMPLES = new ArrayList<>();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    void randomAnalystQueriesNeverBreakThePolicies() throws Exception {
        int statements = Integer.getInteger(STATEMENTS, 500);
        String seedText = System.getProperty(SEED, "");
        long seed = seedText.isBlank() ? DEFAULT_SEED : Long.parseLong(seedText.strip());
        System.out.println("SqlFuzzTest: " + statements + " statements, seed " + seed + " (-D" + SEED + "=" + seed
                + " replays this run)");
        Path warehouse = createWarehouse(dir.resolve("wh"));
        try (VeilServer server = VeilServer.start(ServerConfig.of(warehouse).withPort(0));
                Connection admin = connect(server, Principals.ADMIN, ADMIN_PASSWORD)) {
            applyDemoPolicies(admin);
            Map<String, Integer> outcomes = new TreeMap<>();
            List<String> failures = new ArrayList<>();
            FuzzGenerator generator = new FuzzGenerator(seed);
            try (Connection analyst = connect(server, Principals.ANALYST, ANALYST_PASSWORD)) {
                for (int i = 0; i < statements && failures.size() < 20; i++) {
                    FuzzQuery query = generator.next();
                    String outcome = check(analyst, admin, query, failures, i);
                    outcomes.merge(outcome, 1, Integer::sum);
                }
                try (Statement s = analyst.createStatement();
                        ResultSet rs = s.executeQuery("SELECT 1")) {
                    assertTrue(rs.next(), "the server no longer answers SELECT 1");
                }
            }
            System.out.println("SqlFuzzTest outcomes: " + outcomes);
            SAMPLES.forEach(sample -> System.out.println("SqlFuzzTest: rejected although valid: " + sample));
            assertTrue(
                    failures.isEmpty(),
                    "seed " + seed + ": " + failures.size() + " failures:\n" + String.join("\n\n", failures));
            assertTrue(
                    outcomes.getOrDefault("answered", 0) > statements / 5,
                    "too few statements were answered to check anything: " + outcomes);
        }
    }

    private static String check(Connection analyst, Connection admin, FuzzQuery query, List<String> failures, int n)
            throws SQLException {
        String label = "#" + n + " " + query.tags() + ": " + query.sql();
        List<List<Object>> rows;
        try {
            rows = read(analyst, query.sql());
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage());
            if (e.getErrorCode() >= 1000 || e.getErrorCode() <= 0) {
                failures.add(label + "\n  not a user error: " + e.getErrorCode() + " " + message);
            } else if (message.contains("Exception")
                    || message.contains("\tat ")
                    || message.contains("java.")
                    || message.contains("dev.veil.")) {
                failures.add(label + "\n  Java internals in the message: " + message);
            } else if (message.contains("@example.com")) {
                failures.add(label + "\n  an e-mail address in the message: " + message);
            }
            if (query.mustReject().isEmpty() && SAMPLES.size() < 5) {
                SAMPLES.add(label + "\n  -> " + message);
            }
            return query.mustReject().isPresent() ? "rejected as expected" : "rejected (" + e.getErrorCode() + ")";
        }
        if (query.mustReject().isPresent()) {
            failures.add(label + "\n  answered (" + rows.size() + " rows) but must be rejected: "
                    + query.mustReject().get());
            return "answered wrongly";
        }
        for (List<Object> row : rows) {
            for (Object value : row) {
                if (value instanceof String text && text.contains("@example.com")) {
                    failures.add(label + "\n  the answer holds an e-mail address");
                    return "leak";
                }
            }
        }
        if (query.publicOnly()) {
            List<List<Object>> expected = read(admin, query.sql());
            if (!render(expected).equals(render(rows))) {
                failures.add(label + "\n  public table: the analyst's answer differs from the admin's\n  admin:   "
                        + render(expected) + "\n  analyst: " + render(rows));
            }
            return "answered";
        }
        query.oracle().ifPresent(oracle -> checkGroups(admin, oracle, query, rows, label, failures));
        return "answered";
    }

    /** Each released group exists for the admin, holds at least k units, and has the same aggregates. */
    private static void checkGroups(
            Connection admin,
            String oracle,
            FuzzQuery query,
            List<List<Object>> rows,
            String label,
            List<String> failures) {
        List<List<Object>> groups;
        try {
            groups = read(admin, oracle);
        } catch (SQLException e) {
            failures.add(label + "\n  the oracle failed (a bug of the fuzzer or the engine): " + e.getMessage()
                    + "\n  oracle: " + oracle);
            return;
        }
        Map<String, List<Object>> byKey = new HashMap<>();
        for (List<Object> group : groups) {
            byKey.put(key(group, query.keys()), group);
        }
        int released = 0;
        for (List<Object> row : rows) {
            List<Object> group = byKey.get(key(row, query.keys()));
            if (group == null) {
                failures.add(label + "\n  released group " + key(row, query.keys()) + " does not exist for the admin"
                        + "\n  oracle: " + oracle);
                return;
            }
            long units = ((Number) group.get(group.size() - 1)).longValue();
            // Every released group holds at least k customers, the global row of a DP aggregate too
            // (DP partition selection with the minimum group size as its pre-threshold).
            if (units < MIN_GROUP_SIZE) {
                failures.add(label + "\n  released group " + key(row, query.keys()) + " holds " + units
                        + " customers, fewer than " + MIN_GROUP_SIZE);
                return;
            }
            for (int column = query.keys(); column < row.size() && !query.noisy(); column++) {
                if (!sameValue(row.get(column), group.get(column))) {
                    failures.add(
                            label + "\n  group " + key(row, query.keys()) + " column " + (column + 1) + ": analyst "
                                    + row.get(column) + ", admin " + group.get(column) + "\n  oracle: " + oracle);
                    return;
                }
            }
            released++;
        }
        if (query.exact() && !query.noisy()) {
            long expected = groups.stream()
                    .filter(g -> ((Number) g.get(g.size() - 1)).longValue() >= MIN_GROUP_SIZE)
                    .count();
            if (expected != released) {
                failures.add(label + "\n  " + released + " groups released, but " + expected + " hold at least "
                        + MIN_GROUP_SIZE + " customers\n  oracle: " + oracle);
            }
        }
    }

    private static boolean sameValue(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (a instanceof Number x && b instanceof Number y) {
            if (x instanceof Double || y instanceof Double || x instanceof Float || y instanceof Float) {
                double p = x.doubleValue();
                double q = y.doubleValue();
                return Math.abs(p - q) <= 1e-9 * Math.max(1, Math.max(Math.abs(p), Math.abs(q)));
            }
            return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString())) == 0;
        }
        return ResultPrinter.format(a).equals(ResultPrinter.format(b));
    }

    private static String key(List<Object> row, int keys) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < keys; i++) {
            parts.add(ResultPrinter.format(row.get(i)));
        }
        return parts.toString();
    }

    private static String render(List<List<Object>> rows) {
        List<String> lines = new ArrayList<>();
        for (List<Object> row : rows) {
            lines.add(String.join(" | ", row.stream().map(ResultPrinter::format).toList()));
        }
        return String.join("; ", lines);
    }

    private static List<List<Object>> read(Connection connection, String sql) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(120);
            try (ResultSet rs = statement.executeQuery(sql)) {
                int columns = rs.getMetaData().getColumnCount();
                List<List<Object>> rows = new ArrayList<>();
                while (rs.next()) {
                    List<Object> row = new ArrayList<>(columns);
                    for (int c = 1; c <= columns; c++) {
                        row.add(rs.getObject(c));
                    }
                    rows.add(row);
                }
                return rows;
            }
        }
    }

    /** A demo warehouse at about a twentieth of the standard size: 1,000 customers, 4,000 orders. */
    private static Path createWarehouse(Path warehouse) {
        try (Warehouse wh = Warehouse.create(warehouse)) {
            wh.catalog().createSchema("public", true);
            Principals principals = new Principals(wh.sqliteCatalog());
            principals.createUser(Principals.ADMIN, ADMIN_PASSWORD, Principals.ADMIN, false);
            principals.createUser(Principals.ANALYST, ANALYST_PASSWORD, Principals.ANALYST, false);
            new DemoDataset(1_000, 60, 4_000, 6_000, 20261129L).create(wh);
        }
        return warehouse;
    }

    /**
     * The demo's own policies, read from {@code DemoCommand.POLICIES} so that the two cannot drift
     * apart; then a budget the run cannot exhaust replaces the demo's weekly one (a budget
     * running out would turn the rest of the run into BUDGET_EXHAUSTED errors).
     */
    @SuppressWarnings("unchecked")
    private static void applyDemoPolicies(Connection admin) throws ReflectiveOperationException, SQLException {
        Field field = Class.forName("dev.veil.cli.DemoCommand").getDeclaredField("POLICIES");
        field.setAccessible(true);
        List<String> policies = (List<String>) field.get(null);
        try (Statement statement = admin.createStatement()) {
            for (String policy : policies) {
                statement.execute(policy);
            }
            statement.execute("CREATE PRIVACY BUDGET fuzz_budget LIMIT (EPSILON 1e12, DELTA 0.5) WINDOW NEVER");
            statement.execute("ALTER ROLE analyst SET PRIVACY BUDGET fuzz_budget");
        }
    }

    private static Connection connect(VeilServer server, String user, String password) throws SQLException {
        Properties info = new Properties();
        info.setProperty("user", user);
        info.setProperty("password", password);
        return DriverManager.getConnection(server.jdbcUrl(), info);
    }
}
