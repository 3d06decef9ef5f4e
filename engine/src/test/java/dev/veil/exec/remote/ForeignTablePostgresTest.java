package dev.veil.exec.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.storage.Warehouse;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Foreign tables over a real PostgreSQL server (started by {@link PostgresServer}; skipped when the
 * machine has no PostgreSQL binaries), through the embedded driver: the same shop in PostgreSQL
 * (schema {@code pg}, foreign tables) and in Veil (schema {@code home}), with the same policies
 * on both. Admin answers equal the remote's; an analyst's answers over the foreign copy equal
 * those over the local copy; EXPLAIN shows the remote SQL with the heavy work pushed; a remote
 * error does not leak a row's value.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ForeignTablePostgresTest {
    private static final int CUSTOMERS = 300;
    private static final String[] REGIONS = {"north", "south", "east", "west", "tiny"};

    @TempDir
    static Path dir;

    private PostgresServer postgres;
    private Path wh;

    @BeforeAll
    void setUp() throws Exception {
        postgres = PostgresServer.startOrSkip();
        List<Object[]> customers = new ArrayList<>();
        List<Object[]> orders = new ArrayList<>();
        for (long id = 1; id <= CUSTOMERS; id++) {
            // Region "tiny" has 3 customers: below every minimum group size.
            String region = id <= 3 ? "tiny" : REGIONS[(int) (id % 4)];
            customers.add(new Object[] {id, "Customer-" + id, region, (int) (10 + id % 60)});
            for (int o = 0; o < 1 + id % 4; o++) {
                long orderId = id * 10 + o;
                orders.add(new Object[] {orderId, id, new BigDecimal((id * 7 + o * 13) % 500 + ".25"), o % 2 == 0});
            }
        }
        postgres.execute(
                "CREATE SCHEMA shop",
                "CREATE TABLE shop.customers (id BIGINT NOT NULL, name TEXT, region VARCHAR(20), age INTEGER)",
                "CREATE TABLE shop.orders (order_id BIGINT NOT NULL, customer_id BIGINT NOT NULL,"
                        + " amount NUMERIC(10,2), paid BOOLEAN)",
                "CREATE TABLE shop.odd (id BIGINT, data JSONB)",
                "CREATE VIEW shop.bad AS SELECT id, CAST(name AS INTEGER) AS n FROM shop.customers",
                "CREATE FUNCTION shop.slow_id(BIGINT) RETURNS BIGINT AS 'SELECT pg_sleep(0.2); SELECT $1'"
                        + " LANGUAGE sql VOLATILE",
                "CREATE VIEW shop.slow AS SELECT shop.slow_id(id) AS id FROM shop.customers");
        try (Connection c = postgres.connect()) {
            insert(c, "INSERT INTO shop.customers VALUES (?, ?, ?, ?)", customers);
            insert(c, "INSERT INTO shop.orders VALUES (?, ?, ?, ?)", orders);
            try (Statement s = c.createStatement()) {
                s.execute("ANALYZE");
            }
        }
        wh = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(wh)) {
            w.catalog().createSchema("home", true);
            w.catalog().createSchema("pg", true);
        }
        Path passwordFile = postgres.passwordFile(dir);
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
            s.execute("CREATE USER ana PASSWORD 'ana-pw-long-secret'");
            s.execute("CREATE CONNECTION lake TYPE POSTGRESQL URL '" + postgres.url() + "' USER '" + PostgresServer.USER
                    + "' PASSWORD FILE '" + passwordFile + "'");
            s.execute("CREATE FOREIGN TABLE pg.customers FROM CONNECTION lake REMOTE 'shop.customers'");
            s.execute("IMPORT FOREIGN SCHEMA shop FROM CONNECTION lake INTO pg");
            s.execute("CREATE TABLE home.customers (id BIGINT NOT NULL, name VARCHAR, region VARCHAR, age INTEGER)");
            s.execute("CREATE TABLE home.orders (order_id BIGINT NOT NULL, customer_id BIGINT NOT NULL,"
                    + " amount DECIMAL(10,2), paid BOOLEAN)");
        }
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            insertLiterals(s, "home.customers", customers);
            insertLiterals(s, "home.orders", orders);
        }
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            for (String schema : List.of("home", "pg")) {
                s.execute("ALTER TABLE " + schema + ".customers SET PRIVACY UNIT (id)");
                s.execute("ALTER TABLE " + schema + ".orders SET PRIVACY UNIT VIA (customer_id) REFERENCES " + schema
                        + ".customers (id)");
                s.execute("ALTER TABLE " + schema + ".customers SET MIN GROUP SIZE 5");
                s.execute("ALTER TABLE " + schema + ".orders SET MIN GROUP SIZE 5");
                s.execute("ALTER TABLE " + schema + ".customers ALTER COLUMN name SET POLICY MASKED USING HASH");
                s.execute("ALTER TABLE " + schema
                        + ".customers ALTER COLUMN age SET POLICY AGGREGATE ONLY BOUNDS (0, 50)");
                s.execute("ALTER TABLE " + schema + ".customers SET ROW FILTER (age >= 18)");
            }
        }
    }

    @AfterAll
    void tearDown() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static void insert(Connection c, String sql, List<Object[]> rows) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) {
                    ps.setObject(i + 1, row[i]);
                }
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** INSERT ... VALUES with the values spelled as literals, 200 rows a statement. */
    private static void insertLiterals(Statement s, String table, List<Object[]> rows) throws SQLException {
        for (int from = 0; from < rows.size(); from += 200) {
            StringBuilder sql = new StringBuilder("INSERT INTO " + table + " VALUES ");
            for (int r = from; r < Math.min(rows.size(), from + 200); r++) {
                sql.append(r > from ? ", (" : "(");
                Object[] row = rows.get(r);
                for (int i = 0; i < row.length; i++) {
                    sql.append(i > 0 ? ", " : "")
                            .append(row[i] instanceof String text ? "'" + text + "'" : String.valueOf(row[i]));
                }
                sql.append(')');
            }
            s.execute(sql.toString());
        }
    }

    private Connection connect(String user) throws SQLException {
        return ForeignTests.connect(wh, user);
    }

    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        return ForeignTests.rows(
                c, sql, v -> v instanceof BigDecimal d ? d.stripTrailingZeros().toPlainString() : v);
    }

    private static String text(Connection c, String sql) throws SQLException {
        StringBuilder out = new StringBuilder();
        for (List<Object> row : rows(c, sql)) {
            out.append(row).append('\n');
        }
        return out.toString();
    }

    /** The same query over the local copy and over the foreign tables. */
    private void assertSame(String user, String query) throws SQLException {
        UnaryOperator<String> in = schema -> query.replace("$.", schema + ".");
        try (Connection c = connect(user)) {
            List<List<Object>> local = rows(c, in.apply("home"));
            List<List<Object>> foreign = rows(c, in.apply("pg"));
            assertFalse(local.isEmpty(), query);
            assertEquals(local, foreign, query);
        }
    }

    @Test
    void catalogHoldsTheRemoteColumnsMappedToVeilTypes() throws SQLException {
        try (Connection c = connect(null)) {
            String columns = text(
                    c,
                    "SELECT column_name, data_type FROM information_schema.columns"
                            + " WHERE table_schema = 'pg' AND table_name = 'orders' ORDER BY ordinal_position");
            assertTrue(columns.contains("order_id") && columns.contains("amount"), columns);
            // IMPORT skipped what existed and what Veil cannot hold (JSONB), and took the view.
            String tables = text(
                    c,
                    "SELECT table_name FROM information_schema.tables WHERE table_schema = 'pg'"
                            + " ORDER BY table_name");
            assertEquals("[bad]\n[customers]\n[orders]\n[slow]\n", tables);
            SQLException e = assertThrows(
                    SQLException.class,
                    () -> c.createStatement()
                            .execute("CREATE FOREIGN TABLE pg.odd FROM CONNECTION lake REMOTE 'shop.odd'"));
            assertEquals(ErrorCode.UNSUPPORTED_REMOTE_TYPE.code(), e.getErrorCode(), e.getMessage());
        }
    }

    @Test
    void adminAnswersEqualTheRemotes() throws Exception {
        String[] queries = {
            "SELECT COUNT(*), SUM(amount) FROM $.orders",
            "SELECT region, COUNT(*), SUM(age), MIN(name) FROM $.customers GROUP BY region ORDER BY region",
            "SELECT c.region, COUNT(*), SUM(o.amount) FROM $.orders o JOIN $.customers c ON o.customer_id = c.id"
                    + " WHERE o.paid GROUP BY c.region ORDER BY c.region",
            "SELECT id, name FROM $.customers WHERE age > 60 ORDER BY id",
            "SELECT customer_id, AVG(amount) FROM $.orders GROUP BY customer_id ORDER BY customer_id LIMIT 7"
        };
        for (String query : queries) {
            assertSame(null, query);
        }
        try (Connection veil = connect(null);
                Connection pg = postgres.connect()) {
            String sql = "SELECT region, COUNT(*) FROM $.customers GROUP BY region ORDER BY region";
            assertEquals(text(pg, sql.replace("$.", "shop.")), text(veil, sql.replace("$.", "pg.")));
        }
    }

    @Test
    void analystPoliciesApplyAsOnTheLocalCopy() throws Exception {
        String[] queries = {
            // Row filter, min group size (tiny is dropped), clamped aggregate-only column.
            "SELECT region, COUNT(*), SUM(age) FROM $.customers GROUP BY region ORDER BY region",
            // The unit path crosses from orders to customers.
            "SELECT paid, COUNT(*), SUM(amount) FROM $.orders GROUP BY paid ORDER BY paid",
            "SELECT c.region, COUNT(DISTINCT c.id), SUM(o.amount) FROM $.orders o JOIN $.customers c"
                    + " ON o.customer_id = c.id GROUP BY c.region ORDER BY c.region",
            // A masked column as a group key: each hash is one customer, every group is too small.
            "SELECT COUNT(*) FROM (SELECT name, COUNT(*) AS n FROM $.customers GROUP BY name) t",
        };
        for (String query : queries) {
            assertSame("ana", query);
        }
        // Rows released without an aggregate are refused, as locally.
        try (Connection c = connect("ana")) {
            SQLException e = assertThrows(SQLException.class, () -> rows(c, "SELECT id, region FROM pg.customers"));
            assertEquals(ErrorCode.POLICY_VIOLATION.code(), e.getErrorCode(), e.getMessage());
        }
    }

    @Test
    void unitPathCrossingLocalAndForeignTables() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE home.mixed_orders (order_id BIGINT NOT NULL, customer_id BIGINT NOT NULL,"
                    + " amount DECIMAL(10,2), paid BOOLEAN)");
            s.execute("INSERT INTO home.mixed_orders SELECT * FROM home.orders");
            s.execute("ALTER TABLE home.mixed_orders SET PRIVACY UNIT VIA (customer_id) REFERENCES pg.customers (id)");
            s.execute("ALTER TABLE home.mixed_orders SET MIN GROUP SIZE 5");
        }
        try (Connection c = connect("ana")) {
            assertEquals(
                    rows(c, "SELECT paid, COUNT(*), SUM(amount) FROM home.orders GROUP BY paid ORDER BY paid"),
                    rows(c, "SELECT paid, COUNT(*), SUM(amount) FROM home.mixed_orders GROUP BY paid ORDER BY paid"));
        }
    }

    @Test
    void differentiallyPrivateAggregatesApplyAsOnTheLocalCopy() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            for (String schema : List.of("home", "pg")) {
                s.execute("CREATE TABLE IF NOT EXISTS " + schema + ".dummy (x INTEGER)");
            }
            s.execute("CREATE USER dana PASSWORD 'dana-pw-long-secret' ROLE analyst");
            s.execute("CREATE ROLE dp_role");
            s.execute("GRANT ROLE dp_role TO USER dana");
            for (String schema : List.of("home", "pg")) {
                s.execute("ALTER TABLE " + schema + ".orders SET DIFFERENTIAL PRIVACY (EPSILON 1e9, DELTA 1e-5,"
                        + " MAX GROUPS PER UNIT 2, MAX ROWS PER UNIT PER GROUP 100) FOR ROLE dp_role");
                s.execute("ALTER TABLE " + schema
                        + ".orders ALTER COLUMN amount SET POLICY AGGREGATE ONLY BOUNDS (0, 100)"
                        + " FOR ROLE dp_role");
            }
            s.execute("CREATE PRIVACY BUDGET big LIMIT (EPSILON 1e12, DELTA 0.5) WINDOW NEVER");
            s.execute("ALTER USER dana SET PRIVACY BUDGET big");
        }
        try (Connection c = connect("dana")) {
            List<List<Object>> local =
                    rows(c, "SELECT paid, COUNT(*) AS n FROM home.orders GROUP BY paid ORDER BY paid");
            List<List<Object>> foreign =
                    rows(c, "SELECT paid, COUNT(*) AS cnt FROM pg.orders GROUP BY paid ORDER BY paid");
            assertEquals(local.size(), foreign.size());
            for (int i = 0; i < local.size(); i++) {
                assertEquals(local.get(i).get(0), foreign.get(i).get(0));
                double a = ((Number) local.get(i).get(1)).doubleValue();
                double b = ((Number) foreign.get(i).get(1)).doubleValue();
                assertEquals(a, b, 1.0, "noisy counts with epsilon 1e9 agree");
            }
            String explain = text(c, "EXPLAIN PRIVACY SELECT paid, COUNT(*) FROM pg.orders GROUP BY paid");
            assertTrue(explain.contains("orders"), explain);
            // The same statements again at another ε of the session: the cached plans' remote
            // statements were made at the policy's ε.
            String counts = "SELECT paid, COUNT(*) AS cnt FROM %s.orders GROUP BY paid ORDER BY paid";
            String sums = "SELECT paid, SUM(amount) AS total FROM %s.orders GROUP BY paid ORDER BY paid";
            for (String epsilon : List.of("5e8", "1e9")) {
                try (Statement s = c.createStatement()) {
                    s.execute("SET EPSILON = " + epsilon);
                }
                for (String query : List.of(counts, sums)) {
                    List<List<Object>> home = rows(c, String.format(query, "home"));
                    List<List<Object>> pg = rows(c, String.format(query, "pg"));
                    assertEquals(home.size(), pg.size(), query + " at " + epsilon);
                    for (int i = 0; i < home.size(); i++) {
                        assertEquals(home.get(i).get(0), pg.get(i).get(0));
                        double a = Double.parseDouble(String.valueOf(home.get(i).get(1)));
                        double b = Double.parseDouble(String.valueOf(pg.get(i).get(1)));
                        assertEquals(a, b, 1.0, query + " at " + epsilon);
                    }
                }
            }
        }
        // PostgreSQL bounded each unit's contribution, by a keyed md5 of the rows.
        String log = postgres.log();
        assertTrue(log.contains("\"veil_row\" <= 100 AND \"veil_group\" <= 2"), log);
        assertTrue(log.contains("md5(CAST($1 AS VARCHAR)"), log);
        // ... and summed per (group, unit) there.
        assertTrue(log.contains("AS \"r\"") && log.contains("GROUP BY \"veil_c0\", \"veil_c1\""), log);
    }

    /**
     * A remote that lies about what it pre-summed: a PostgreSQL role whose search path puts its own
     * {@code count} and {@code sum} aggregates before PostgreSQL's, so every unit claims a million
     * rows and a sum of 10^12 in each group. Veil clamps each unit's rows to Linf and its sum to
     * Linf times the upper bound, so the released values stay within what the policy allows.
     */
    @Test
    void aRemoteThatLiesAboutPreSummedContributionsCannotExceedTheBounds() throws Exception {
        postgres.execute(
                "CREATE ROLE liar LOGIN PASSWORD '" + PostgresServer.PASSWORD + "'",
                "GRANT USAGE ON SCHEMA shop TO liar",
                "GRANT SELECT ON ALL TABLES IN SCHEMA shop TO liar",
                "CREATE SCHEMA evil",
                "GRANT USAGE ON SCHEMA evil TO liar",
                "CREATE FUNCTION evil.many(bigint) RETURNS bigint AS 'SELECT 1000000::bigint' LANGUAGE sql",
                "CREATE AGGREGATE evil.count(*) (SFUNC = evil.many, STYPE = bigint, INITCOND = '0')",
                "CREATE FUNCTION evil.many_of(bigint, integer) RETURNS bigint AS 'SELECT 1000000::bigint'"
                        + " LANGUAGE sql",
                "CREATE AGGREGATE evil.count(integer) (SFUNC = evil.many_of, STYPE = bigint, INITCOND = '0')",
                "CREATE FUNCTION evil.huge(double precision, double precision) RETURNS double precision"
                        + " AS 'SELECT 1e12::double precision' LANGUAGE sql",
                "CREATE AGGREGATE evil.sum(double precision) (SFUNC = evil.huge, STYPE = double precision,"
                        + " INITCOND = '0')",
                "ALTER ROLE liar SET search_path = evil, pg_catalog, public");
        // The liar's aggregates are in effect for it.
        try (Connection c = DriverManager.getConnection(postgres.url(), "liar", PostgresServer.PASSWORD);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT COUNT(*), SUM(CAST(1 AS DOUBLE PRECISION)) FROM shop.orders")) {
            assertTrue(rs.next());
            assertEquals(1_000_000L, rs.getLong(1));
            assertEquals(1e12, rs.getDouble(2));
        }
        Path passwordFile = postgres.passwordFile(dir);
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA lie");
            s.execute("CREATE CONNECTION liar TYPE POSTGRESQL URL '" + postgres.url() + "' USER 'liar' PASSWORD FILE '"
                    + passwordFile + "'");
            s.execute("CREATE FOREIGN TABLE lie.orders FROM CONNECTION liar REMOTE 'shop.orders'");
            s.execute("ALTER TABLE lie.orders SET PRIVACY UNIT (customer_id)");
            s.execute("ALTER TABLE lie.orders ALTER COLUMN amount SET POLICY AGGREGATE ONLY BOUNDS (0, 100)");
            s.execute("CREATE USER eve PASSWORD 'eve-pw-long-secret' ROLE analyst");
            s.execute("CREATE ROLE lie_role");
            s.execute("GRANT ROLE lie_role TO USER eve");
            s.execute("ALTER TABLE lie.orders SET DIFFERENTIAL PRIVACY (EPSILON 1e9, DELTA 1e-5,"
                    + " MAX GROUPS PER UNIT 2, MAX ROWS PER UNIT PER GROUP 3) FOR ROLE lie_role");
            s.execute("CREATE PRIVACY BUDGET lies LIMIT (EPSILON 1e12, DELTA 0.5) WINDOW NEVER");
            s.execute("ALTER USER eve SET PRIVACY BUDGET lies");
        }
        try (Connection c = connect("eve")) {
            List<List<Object>> rows = rows(
                    c, "SELECT paid, COUNT(*) AS n, SUM(amount) AS total FROM lie.orders GROUP BY paid ORDER BY paid");
            assertEquals(2, rows.size(), rows.toString());
            // Every customer has a paid order; those with 2 or more orders an unpaid one too.
            long[] units = {CUSTOMERS * 3 / 4, CUSTOMERS};
            for (int i = 0; i < 2; i++) {
                assertEquals(i == 1, rows.get(i).get(0));
                double count = Double.parseDouble(String.valueOf(rows.get(i).get(1)));
                double total = Double.parseDouble(String.valueOf(rows.get(i).get(2)));
                // At most Linf rows and Linf * 100 per unit, whatever the remote said; the lie reached it.
                assertEquals(units[i] * 3, count, 1.0, rows.toString());
                assertEquals(units[i] * 3 * 100, total, 1.0, rows.toString());
            }
        }
        String log = postgres.log();
        assertTrue(log.contains("COUNT(CASE WHEN") && log.contains("LEAST(GREATEST("), log);
    }

    @Test
    void explainShowsTheRemoteSqlWithTheWorkPushed() throws Exception {
        try (Connection c = connect(null)) {
            String plan = text(
                    c,
                    "EXPLAIN PLAN FOR SELECT c.region, COUNT(*), SUM(o.amount) FROM pg.orders o"
                            + " JOIN pg.customers c ON o.customer_id = c.id WHERE o.paid GROUP BY c.region");
            assertTrue(plan.contains("EnumerableRemoteQuery"), plan);
            assertTrue(plan.contains("JOIN"), plan);
            assertTrue(plan.contains("GROUP BY"), plan);
            assertTrue(plan.contains("WHERE"), plan);
            assertFalse(plan.contains(PostgresServer.PASSWORD), plan);
        }
        // EXPLAIN PLAN is for admins; what the remote was sent for an analyst's query is in its log.
        try (Connection c = connect("ana")) {
            assertEquals(
                    1,
                    rows(c, "SELECT COUNT(*) AS zz_marker FROM pg.customers WHERE region = 'east'")
                            .size());
        }
        String log = postgres.log();
        int at = log.indexOf("zz_marker");
        assertTrue(at >= 0, log);
        int end = log.indexOf(" LOG: ", at);
        String sent = log.substring(at, end < 0 ? log.length() : end);
        // Below the boundary the row filter, the user's filter, the count and the count of distinct
        // units run remotely; the threshold and the release order stay in Veil.
        assertTrue(sent.contains("COUNT(DISTINCT"), sent);
        assertTrue(sent.contains(">= 18"), sent);
        assertTrue(sent.contains("'east'"), sent);
    }

    @Test
    void theStatementTimeLimitCancelsTheRemoteStatement() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE hasty");
            s.execute("ALTER ROLE hasty SET statement_timeout = '1s'");
            s.execute("CREATE USER quick PASSWORD 'quick-pw-long-secret' ROLE hasty");
        }
        long start = System.nanoTime();
        try (Connection c = connect("quick")) {
            // 300 rows at 0.2 s each: a minute of remote work, stopped after one second.
            SQLException e = assertThrows(SQLException.class, () -> rows(c, "SELECT COUNT(*) FROM pg.slow"));
            assertEquals(ErrorCode.STATEMENT_TIMEOUT.code(), e.getErrorCode(), e.getMessage());
        }
        long seconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertTrue(seconds < 20, "stopped after " + seconds + " s");
        // The remote statement was cancelled too, not left running.
        long deadline = System.nanoTime() + 10_000_000_000L;
        int running;
        do {
            Thread.sleep(100);
            running = ((Number) rows(
                                    postgres.connect(),
                                    "SELECT COUNT(*) FROM pg_stat_activity"
                                            + " WHERE query LIKE '%slow%' AND state = 'active' AND pid <> pg_backend_pid()")
                            .get(0)
                            .get(0))
                    .intValue();
        } while (running > 0 && System.nanoTime() < deadline);
        assertEquals(0, running, "remote statements still running");
    }

    @Test
    void foreignRowsAreNotLoadedOrErasedThroughVeil() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            SQLException e = assertThrows(
                    SQLException.class, () -> s.execute("INSERT INTO pg.orders VALUES (1, 1, 1.00, TRUE)"));
            assertEquals(ErrorCode.NOT_SUPPORTED.code(), e.getErrorCode(), e.getMessage());
            e = assertThrows(SQLException.class, () -> s.execute("ERASE PRIVACY UNIT 5 OF pg.customers"));
            assertEquals(ErrorCode.NOT_SUPPORTED.code(), e.getErrorCode(), e.getMessage());
            s.execute("REFRESH FOREIGN TABLE pg.orders");
            e = assertThrows(SQLException.class, () -> s.execute("DROP CONNECTION lake"));
            assertEquals(ErrorCode.NOT_EMPTY.code(), e.getErrorCode(), e.getMessage());
        }
    }

    @Test
    void remoteErrorsDoNotLeakRowValues() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("ALTER TABLE pg.bad SET PRIVACY UNIT (id)");
        }
        try (Connection c = connect("ana")) {
            SQLException e = assertThrows(SQLException.class, () -> rows(c, "SELECT COUNT(n), SUM(n) FROM pg.bad"));
            assertEquals(ErrorCode.REMOTE_QUERY_FAILED.code(), e.getErrorCode(), e.getMessage());
            assertFalse(e.getMessage().contains("Customer"), e.getMessage());
            for (Throwable t = e; t != null; t = t.getCause()) {
                assertFalse(String.valueOf(t.getMessage()).contains("Customer-"), t.toString());
            }
        }
        // The password is nowhere in what the catalog shows, and non-admins cannot manage connections.
        try (Connection c = connect("ana")) {
            SQLException e = assertThrows(
                    SQLException.class,
                    () -> c.createStatement()
                            .execute("CREATE CONNECTION x TYPE POSTGRESQL URL 'jdbc:postgresql://h/db' USER 'u'"
                                    + " PASSWORD FILE '/etc/passwd'"));
            assertEquals(ErrorCode.ACCESS_DENIED.code(), e.getErrorCode(), e.getMessage());
        }
        try (Connection c = connect(null)) {
            String audit = text(c, "SELECT * FROM veil.audit");
            assertFalse(audit.contains(PostgresServer.PASSWORD), "audit holds no password");
            SQLException e = assertThrows(
                    SQLException.class,
                    () -> c.createStatement()
                            .execute("CREATE CONNECTION y TYPE POSTGRESQL URL 'jdbc:sqlite:/tmp/x.db' USER 'u'"
                                    + " PASSWORD FILE '" + postgres.passwordFile(dir) + "'"));
            assertEquals(ErrorCode.INVALID_ARGUMENT.code(), e.getErrorCode(), e.getMessage());
        }
        assertTrue(Files.exists(wh));
    }
}
