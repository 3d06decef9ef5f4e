package dev.veil.exec.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.ErrorCode;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consent and retention on foreign tables in a real PostgreSQL: the same people, visits and items
 * in PostgreSQL (schema {@code pg}, foreign tables) and in Veil (schema {@code home}), both
 * {@code CONSENT REQUIRED} with consent sources Veil stores holding the same rows; every statement
 * must answer over the foreign copy exactly as over the local one, under each purpose, through
 * views, joins, sub-queries, CTEs, set operations and windows, along a unit path of two foreign
 * steps, after a withdrawal, and a foreign table cannot be a consent source. Skips without
 * PostgreSQL binaries unless {@code VEIL_REQUIRE_POSTGRES} is set.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ForeignConsentTest {
    private static final int PEOPLE = 60;

    @TempDir
    static Path dir;

    private PostgresServer postgres;
    private Path wh;

    @BeforeAll
    void setUp() throws Exception {
        postgres = PostgresServer.startOrSkip();
        List<String> people = new ArrayList<>();
        List<String> visits = new ArrayList<>();
        List<String> items = new ArrayList<>();
        for (int pid = 1; pid <= PEOPLE; pid++) {
            people.add(
                    "(" + pid + ", 'P" + pid + "', 'p" + pid + "@x.org', '" + (pid % 3 == 0 ? "Oslo" : "Rome") + "')");
            for (int v = 0; v < 1 + pid % 3; v++) {
                int vid = pid * 10 + v;
                // Some visits are older than the retention period (400 days before 2026-01-01 and earlier).
                String seen = v == 2 ? "TIMESTAMP '2001-01-01 00:00:00'" : "TIMESTAMP '2099-01-01 00:00:00'";
                visits.add("(" + vid + ", " + pid + ", '" + (v == 0 ? "home" : "shop") + "', " + (40 + pid % 20)
                        + ".5, " + seen + ")");
                items.add("(" + (vid * 10) + ", " + vid + ", " + (1 + pid % 5) + ")");
            }
        }
        // Rows without a unit, or whose unit does not exist, never exist under consent.
        visits.add("(9001, NULL, 'home', 50.5, TIMESTAMP '2099-01-01 00:00:00')");
        visits.add("(9002, 999, 'home', 50.5, TIMESTAMP '2099-01-01 00:00:00')");
        items.add("(90010, 9001, 1)");
        items.add("(90020, 9002, 1)");
        items.add("(90030, NULL, 1)");
        String peopleTable = "(pid BIGINT NOT NULL, name VARCHAR, email VARCHAR, city VARCHAR)";
        String visitsTable = "(vid BIGINT NOT NULL, pid BIGINT, page VARCHAR, lat DOUBLE PRECISION, seen TIMESTAMP)";
        String itemsTable = "(iid BIGINT NOT NULL, vid BIGINT, qty INTEGER)";
        postgres.execute(
                "CREATE SCHEMA crm",
                "CREATE TABLE crm.people " + peopleTable,
                "CREATE TABLE crm.visits " + visitsTable,
                "CREATE TABLE crm.items " + itemsTable,
                "CREATE TABLE crm.consents (unit_id BIGINT, purpose VARCHAR, category VARCHAR,"
                        + " granted_at TIMESTAMP, expires_at TIMESTAMP, withdrawn_at TIMESTAMP)",
                "INSERT INTO crm.people VALUES " + String.join(", ", people),
                "INSERT INTO crm.visits VALUES " + String.join(", ", visits),
                "INSERT INTO crm.items VALUES " + String.join(", ", items),
                "ANALYZE");
        wh = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(wh)) {
            w.catalog().createSchema("home", true);
            w.catalog().createSchema("pg", true);
            w.catalog().createSchema("src", true);
        }
        Path passwordFile = postgres.passwordFile(dir);
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
            s.execute("CREATE USER ana PASSWORD 'ana-pw-long-secret'");
            s.execute("CREATE CONNECTION lake TYPE POSTGRESQL URL '" + postgres.url() + "' USER '" + PostgresServer.USER
                    + "' PASSWORD FILE '" + passwordFile + "'");
            s.execute("IMPORT FOREIGN SCHEMA crm FROM CONNECTION lake INTO pg");
            s.execute("CREATE TABLE home.people " + peopleTable.replace("DOUBLE PRECISION", "DOUBLE"));
            s.execute("CREATE TABLE home.visits " + visitsTable.replace("DOUBLE PRECISION", "DOUBLE"));
            s.execute("CREATE TABLE home.items " + itemsTable);
            s.execute("INSERT INTO home.people VALUES " + String.join(", ", people));
            s.execute("INSERT INTO home.visits VALUES " + String.join(", ", visits));
            s.execute("INSERT INTO home.items VALUES " + String.join(", ", items));
            for (String source : List.of("src.home_consents", "src.pg_consents")) {
                s.execute("CREATE TABLE " + source + " (unit_id BIGINT, purpose VARCHAR, category VARCHAR,"
                        + " granted_at TIMESTAMP, expires_at TIMESTAMP, withdrawn_at TIMESTAMP)");
                s.execute("INSERT INTO " + source + " VALUES " + String.join(", ", consents()));
            }
            s.execute("CREATE PURPOSE analytics");
            s.execute("CREATE PURPOSE marketing");
            s.execute("GRANT PURPOSE analytics TO USER ana");
            for (String schema : List.of("home", "pg")) {
                s.execute("ALTER TABLE " + schema + ".people SET PRIVACY UNIT (pid)");
                s.execute("ALTER TABLE " + schema + ".visits SET PRIVACY UNIT VIA (pid) REFERENCES " + schema
                        + ".people (pid)");
                s.execute("ALTER TABLE " + schema + ".items SET PRIVACY UNIT VIA (vid) REFERENCES " + schema
                        + ".visits (vid)");
                s.execute("ALTER TABLE " + schema + ".people ALTER COLUMN email SET CATEGORY contact");
                s.execute("ALTER TABLE " + schema + ".visits ALTER COLUMN lat SET CATEGORY location");
                s.execute("ALTER TABLE " + schema + ".items ALTER COLUMN qty SET CATEGORY purchases");
                s.execute("ALTER TABLE src." + schema + "_consents SET CONSENT SOURCE (UNIT unit_id REFERENCES "
                        + schema + ".people (pid), PURPOSE purpose, CATEGORY category, GRANTED granted_at,"
                        + " EXPIRES expires_at, WITHDRAWN withdrawn_at)");
                for (String table : List.of("people", "visits", "items")) {
                    s.execute("ALTER TABLE " + schema + "." + table + " SET CONSENT REQUIRED");
                    s.execute("ALTER TABLE " + schema + "." + table + " SET MIN GROUP SIZE 2");
                }
                s.execute("ALTER TABLE " + schema + ".visits SET RETENTION 400 DAYS ON seen");
                s.execute("CREATE VIEW " + schema + ".contacts AS SELECT pid, name, email FROM " + schema + ".people");
            }
        }
    }

    /**
     * The consent rows, by {@code pid % 8}: 0 none; 1 analytics for contact, location and
     * purchases; 2 analytics for location; 3 analytics for contact, expired; 4 analytics for
     * contact and location, contact withdrawn; 5 marketing for contact; 6 analytics for contact
     * granted only in the future; 7 analytics for purchases and contact, expiring in the future.
     */
    private static List<String> consents() {
        String past = "TIMESTAMP '2000-01-01 00:00:00'";
        String future = "TIMESTAMP '2099-01-01 00:00:00'";
        List<String> rows = new ArrayList<>();
        for (int pid = 1; pid <= PEOPLE; pid++) {
            String p = "(" + pid + ", ";
            switch (pid % 8) {
                case 1 -> {
                    rows.add(p + "'analytics', 'contact', " + past + ", NULL, NULL)");
                    rows.add(p + "'analytics', 'location', " + past + ", NULL, NULL)");
                    rows.add(p + "'analytics', 'purchases', " + past + ", NULL, NULL)");
                }
                case 2 -> rows.add(p + "'analytics', 'location', " + past + ", NULL, NULL)");
                case 3 -> rows.add(p + "'analytics', 'contact', " + past + ", " + past + ", NULL)");
                case 4 -> {
                    rows.add(p + "'analytics', 'contact', " + past + ", NULL, NULL)");
                    rows.add(p + "'analytics', 'location', " + past + ", NULL, NULL)");
                    rows.add(p + "'analytics', 'contact', " + past + ", NULL, " + past + ")");
                }
                case 5 -> rows.add(p + "'marketing', 'contact', " + past + ", NULL, NULL)");
                case 6 -> rows.add(p + "'analytics', 'contact', " + future + ", NULL, NULL)");
                case 7 -> {
                    rows.add(p + "'analytics', 'purchases', " + past + ", " + future + ", NULL)");
                    rows.add(p + "'analytics', 'contact', " + past + ", " + future + ", NULL)");
                }
                default -> {}
            }
        }
        return rows;
    }

    @AfterAll
    void tearDown() {
        if (postgres != null) {
            postgres.close();
        }
    }

    private Connection connect(String user) throws SQLException {
        return ForeignTests.connect(wh, user);
    }

    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        return ForeignTests.rows(c, sql);
    }

    /** The same query over the local copy and over the foreign tables, under {@code purpose}; the rows. */
    private List<List<Object>> assertSame(String user, String purpose, String query) throws SQLException {
        try (Connection c = connect(user);
                Statement s = c.createStatement()) {
            s.execute("SET PURPOSE " + purpose);
            List<List<Object>> local = rows(c, query.replace("$.", "home."));
            List<List<Object>> foreign = rows(c, query.replace("$.", "pg."));
            assertEquals(local, foreign, purpose + ": " + query);
            return foreign;
        }
    }

    private static TreeSet<Long> pids(List<List<Object>> rows) {
        TreeSet<Long> pids = new TreeSet<>();
        for (List<Object> row : rows) {
            pids.add(((Number) row.get(0)).longValue());
        }
        return pids;
    }

    /** The pids with {@code pid % 8} in {@code classes}. */
    private static TreeSet<Long> expected(int... classes) {
        TreeSet<Long> pids = new TreeSet<>();
        for (long pid = 1; pid <= PEOPLE; pid++) {
            for (int k : classes) {
                if (pid % 8 == k) {
                    pids.add(pid);
                }
            }
        }
        return pids;
    }

    @Test
    void consentFilterOnForeignTablesEqualsTheLocalTablesAnswerAndTheRule() throws Exception {
        // Only general columns: a valid consent for the purpose in any category (1, 2, 4, 7).
        assertEquals(
                expected(1, 2, 4, 7), pids(assertSame("admin", "analytics", "SELECT pid FROM $.people ORDER BY pid")));
        // Reading email (contact): 1 and 7 (3 expired, 4 withdrawn, 6 not yet granted).
        assertEquals(
                expected(1, 7), pids(assertSame("admin", "analytics", "SELECT pid, email FROM $.people ORDER BY pid")));
        // Another purpose: only 5.
        assertEquals(
                expected(5), pids(assertSame("admin", "marketing", "SELECT pid, email FROM $.people ORDER BY pid")));
        // Visits reading lat (location): 1, 2, 4; retention hides the old visits, as locally.
        assertEquals(
                expected(1, 2, 4),
                pids(assertSame("admin", "analytics", "SELECT pid, vid, lat FROM $.visits ORDER BY vid")));
    }

    @Test
    void categoriesReadThroughViewsJoinsSubqueriesCtesSetOperationsAndWindowsCount() throws Exception {
        List<String> queries = List.of(
                "SELECT pid FROM $.contacts WHERE email LIKE 'p1%' ORDER BY pid",
                "SELECT pid FROM $.contacts ORDER BY pid",
                "SELECT v.vid FROM $.visits v JOIN $.people p ON v.pid = p.pid WHERE p.email IS NOT NULL ORDER BY 1",
                "SELECT name FROM $.people WHERE pid IN (SELECT pid FROM $.visits WHERE lat > 45) ORDER BY 1",
                "SELECT name FROM $.people p WHERE EXISTS (SELECT 1 FROM $.people q WHERE q.pid = p.pid"
                        + " AND q.email LIKE 'p%') ORDER BY 1",
                "WITH e AS (SELECT pid, email FROM $.people) SELECT pid FROM e WHERE email LIKE '%x.org' ORDER BY 1",
                "SELECT pid FROM $.people EXCEPT SELECT pid FROM $.people WHERE email <> 'p1@x.org' ORDER BY 1",
                "SELECT pid FROM $.people WHERE email = 'p9@x.org' UNION SELECT 0 FROM $.people ORDER BY 1",
                "SELECT pid, ROW_NUMBER() OVER (ORDER BY email) FROM $.people ORDER BY 1",
                "SELECT COUNT(*), SUM(lat) FROM $.visits",
                "SELECT page, COUNT(*) FROM $.visits GROUP BY page, lat > 50 ORDER BY 1, 2",
                // Items reach their unit along two foreign steps (items -> visits -> people).
                "SELECT iid, qty FROM $.items ORDER BY iid",
                "SELECT iid FROM $.items ORDER BY iid",
                "SELECT i.iid FROM $.items i JOIN $.visits v ON i.vid = v.vid WHERE v.lat > 0 ORDER BY 1",
                "SELECT p.city, SUM(i.qty) FROM $.items i JOIN $.visits v ON i.vid = v.vid JOIN $.people p"
                        + " ON v.pid = p.pid GROUP BY p.city ORDER BY 1");
        for (String purpose : List.of("analytics", "marketing")) {
            for (String query : queries) {
                assertSame("admin", purpose, query);
            }
        }
        // Items reading qty (purchases): only the items of units 1 and 7, each visit of them having one.
        long sum = expected(1, 7).stream()
                .mapToLong(p -> (1 + p % 3) * (1 + p % 5))
                .sum();
        assertEquals(
                List.of(List.of(sum)),
                assertSame("admin", "analytics", "SELECT CAST(SUM(qty) AS BIGINT) FROM $.items"));
    }

    @Test
    void aLocalTableWhoseUnitPathCrossesIntoForeignTablesIsFilteredAsTheLocalOne() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("CREATE TABLE src.mixed_items AS SELECT * FROM home.items");
            // Its unit is found in pg.visits, then pg.people: steps into foreign tables.
            s.execute("ALTER TABLE src.mixed_items SET PRIVACY UNIT VIA (vid) REFERENCES pg.visits (vid)");
            s.execute("ALTER TABLE src.mixed_items ALTER COLUMN qty SET CATEGORY purchases");
            s.execute("ALTER TABLE src.mixed_items SET CONSENT REQUIRED");
        }
        for (String query :
                List.of("SELECT iid, qty FROM $.items ORDER BY iid", "SELECT iid FROM $.items ORDER BY iid")) {
            try (Connection c = connect(null);
                    Statement s = c.createStatement()) {
                s.execute("SET PURPOSE analytics");
                List<List<Object>> local = rows(c, query.replace("$.", "home."));
                assertFalse(local.isEmpty(), query);
                assertEquals(local, rows(c, query.replace("$.items", "src.mixed_items")), query);
            }
        }
    }

    @Test
    void analystAggregatesOverForeignConsentRequiredTablesEqualTheLocalOnes() throws Exception {
        assertFalse(assertSame("ana", "analytics", "SELECT city, COUNT(*) FROM $.people GROUP BY city ORDER BY city")
                .isEmpty());
        assertSame(
                "ana",
                "analytics",
                "SELECT page, COUNT(*), COUNT(DISTINCT pid) FROM $.visits GROUP BY page ORDER BY 1");
        assertSame("ana", "analytics", "SELECT COUNT(*) FROM $.items");
    }

    @Test
    @Order(Integer.MAX_VALUE) // it withdraws a consent the other tests count on
    void aWithdrawalTakesEffectAtTheNextStatementOnForeignTables() throws Exception {
        String query = "SELECT pid, email FROM $.people WHERE pid = 17 ORDER BY pid";
        assertEquals(1, assertSame("admin", "analytics", query).size());
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            for (String source : List.of("src.home_consents", "src.pg_consents")) {
                s.execute("INSERT INTO " + source + " VALUES (17, 'analytics', 'contact',"
                        + " TIMESTAMP '2000-01-01 00:00:00', NULL, TIMESTAMP '2020-01-01 00:00:00')");
            }
        }
        assertEquals(0, assertSame("admin", "analytics", query).size());
        assertEquals(
                1,
                assertSame("admin", "analytics", "SELECT pid FROM $.people WHERE pid = 17")
                        .size());
    }

    @Test
    void explainPrivacyNamesTheConsentConditionAndNoUnit() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("SET PURPOSE analytics");
            StringBuilder plan = new StringBuilder();
            for (List<Object> row : rows(c, "EXPLAIN PRIVACY SELECT i.iid, i.qty FROM pg.items i WHERE i.qty > 1")) {
                plan.append(row.get(0)).append('\n');
            }
            String text = plan.toString();
            assertTrue(text.contains("Purpose of the statement: 'analytics'"), text);
            assertTrue(text.contains("Consent of 'pg.items'"), text);
            assertTrue(text.contains("CONSENT[src.pg_consents for 'analytics' [purchases]"), text);
            // The condition names the source, purpose and categories, never a unit.
            assertFalse(text.matches("(?s).*CONSENT\\[[^\\]]*\\d+,.*"), text);
        }
    }

    /** EXPLAIN PLAN of {@code query} over the foreign tables, as {@code user} under {@code purpose}. */
    private String explain(String user, String purpose, String query) throws SQLException {
        try (Connection c = connect(user);
                Statement s = c.createStatement()) {
            s.execute("SET PURPOSE " + purpose);
            StringBuilder plan = new StringBuilder();
            for (List<Object> row : rows(c, query.replace("$.", "pg."))) {
                plan.append(row.get(0)).append('\n');
            }
            return plan.toString();
        }
    }

    /** The statements PostgreSQL was sent since {@code from} (an offset in its log) that contain {@code marker}. */
    private String sent(int from, String marker) throws Exception {
        String log = postgres.log().substring(from);
        StringBuilder out = new StringBuilder();
        for (String entry : log.split("(?= LOG: )")) {
            if (entry.contains(marker)) {
                out.append(entry).append('\n');
            }
        }
        return out.toString();
    }

    @Test
    void consentAndRetentionArePushedAsParametersAndTheWorkAboveThemToo() throws Exception {
        int from = postgres.log().length();
        String query = "SELECT page, COUNT(*) AS zz_push1, MAX(pid) FROM $.visits WHERE pid < 50 GROUP BY page"
                + " ORDER BY page";
        assertFalse(assertSame("admin", "analytics", query).isEmpty());
        String sent = sent(from, "zz_push1");
        // The consent and retention conditions are in the remote statement, with the aggregation above them.
        assertTrue(sent.matches("(?s).*\"pid\"\\s*= ANY\\(\\$\\d+\\).*"), sent);
        assertTrue(sent.matches("(?s).*\"seen\"\\s*>= CAST\\(\\$\\d+ AS TIMESTAMP\\).*"), sent);
        assertTrue(sent.contains("GROUP BY \"page\""), sent);
        // A unit path followed by a remote join (items -> visits -> people) is pushed too.
        assertSame("admin", "analytics", "SELECT COUNT(*) AS zz_push2 FROM $.items");
        String items = sent(from, "zz_push2");
        assertTrue(items.contains("= ANY($") && items.contains("COUNT(*)"), items);
        // An analyst's grouped counts with their minimum group size too, and the analyst's EXPLAIN
        // PRIVACY tells the policy story, never the remote statement.
        String grouped = "SELECT city, COUNT(*) AS zz_push3 FROM $.people GROUP BY city ORDER BY city";
        assertFalse(assertSame("ana", "analytics", grouped).isEmpty());
        String people = sent(from, "zz_push3");
        assertTrue(people.contains("= ANY($") && people.contains("HAVING COUNT(DISTINCT \"pid\") >= 2"), people);
        String privacy = explain("ana", "analytics", "EXPLAIN PRIVACY " + grouped);
        assertTrue(privacy.contains("Consent of 'pg.people'"), privacy);
        assertFalse(privacy.contains("ANY("), privacy);
        assertFalse(privacy.contains("SELECT \""), privacy);
        // EXPLAIN PLAN of these tables is refused even to an admin (their policies restrict every
        // principal), so the statement is read in the remote's log, where the values are bound.
    }

    @Test
    void aPurposeNobodyConsentsToReturnsNoRowsFromTheRemote() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("CREATE PURPOSE nobody");
        }
        assertEquals(List.of(), assertSame("admin", "nobody", "SELECT pid FROM $.people ORDER BY pid"));
        assertEquals(List.of(List.of(0L)), assertSame("admin", "nobody", "SELECT COUNT(*) FROM $.items"));
        int from = postgres.log().length();
        assertEquals(List.of(List.of(0L)), assertSame("admin", "nobody", "SELECT COUNT(*) AS zz_nobody FROM $.people"));
        String sent = sent(from, "zz_nobody");
        assertTrue(sent.contains("= ANY($"), sent);
    }

    @Test
    void aLargeConsentSetIsSentWholeAndAnAnalystsDpCountIsBoundedRemotelyOverIt() throws Exception {
        int units = 30_000;
        postgres.execute(
                "CREATE TABLE crm.big (uid BIGINT NOT NULL, v INTEGER)",
                "INSERT INTO crm.big SELECT g, g % 10 FROM generate_series(1, " + units + ") AS g",
                "INSERT INTO crm.big SELECT g, g % 10 FROM generate_series(1, " + units + ") AS g",
                "CREATE TABLE crm.big_consents AS SELECT g AS uid, 'analytics' AS purpose, 'general' AS category,"
                        + " TIMESTAMP '2000-01-01 00:00:00' AS granted_at FROM generate_series(1, " + units
                        + ") AS g WHERE g % 7 <> 0",
                "ANALYZE");
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("CREATE FOREIGN TABLE pg.big FROM CONNECTION lake REMOTE 'crm.big'");
            s.execute("CREATE FOREIGN TABLE pg.big_consents FROM CONNECTION lake REMOTE 'crm.big_consents'");
            s.execute("CREATE TABLE src.big_consents AS SELECT uid, purpose, category, granted_at,"
                    + " CAST(NULL AS TIMESTAMP) AS expires_at FROM pg.big_consents");
            s.execute("ALTER TABLE pg.big SET PRIVACY UNIT (uid)");
            s.execute("ALTER TABLE src.big_consents SET CONSENT SOURCE (UNIT uid REFERENCES pg.big (uid),"
                    + " PURPOSE purpose, CATEGORY category, GRANTED granted_at, EXPIRES expires_at)");
            s.execute("ALTER TABLE pg.big SET CONSENT REQUIRED");
            s.execute("CREATE USER dana PASSWORD 'dana-pw-long-secret' ROLE analyst");
            s.execute("CREATE ROLE dp_role");
            s.execute("GRANT ROLE dp_role TO USER dana");
            s.execute("GRANT PURPOSE analytics TO USER dana");
            s.execute("ALTER TABLE pg.big SET DIFFERENTIAL PRIVACY (EPSILON 1e9, DELTA 1e-5,"
                    + " MAX GROUPS PER UNIT 1, MAX ROWS PER UNIT PER GROUP 1) FOR ROLE dp_role");
            s.execute("CREATE PRIVACY BUDGET big LIMIT (EPSILON 1e12, DELTA 0.5) WINDOW NEVER");
            s.execute("ALTER USER dana SET PRIVACY BUDGET big");
            s.execute("SET PURPOSE analytics");
            long consenting = units - units / 7;
            assertEquals(List.of(List.of(2 * consenting)), rows(c, "SELECT COUNT(*) FROM pg.big"));
            assertEquals(List.of(List.of(0L)), rows(c, "SELECT COUNT(*) FROM pg.big WHERE uid % 7 = 0"));
        }
        int from = postgres.log().length();
        try (Connection c = connect("dana");
                Statement s = c.createStatement()) {
            s.execute("SET PURPOSE analytics");
            List<List<Object>> counts = rows(c, "SELECT v, COUNT(*) FROM pg.big GROUP BY v ORDER BY v");
            assertEquals(10, counts.size(), counts.toString());
            for (List<Object> row : counts) {
                long v = ((Number) row.get(0)).longValue();
                long expected = 0;
                for (int uid = 1; uid <= units; uid++) {
                    expected += uid % 10 == v && uid % 7 != 0 ? 1 : 0;
                }
                // One row per unit (its second row is bounded away), epsilon 1e9.
                assertEquals(expected, ((Number) row.get(1)).doubleValue(), 1.0, row.toString());
            }
        }
        // One remote statement: the consent filter, the bounding and the sums per (group, unit).
        String sent = sent(from, "\"veil_row\" <= 1");
        assertTrue(sent.contains("= ANY($"), sent);
        assertTrue(sent.contains("GROUP BY \"veil_c0\", \"veil_c1\""), sent);
        System.out.println("Remote statement of a DP count under consent:\n" + sent.replaceAll("parameters: .*", ""));
    }

    @Test
    void aForeignTableCannotBeAConsentSource() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            SQLException e = assertThrows(
                    SQLException.class,
                    () -> s.execute("ALTER TABLE pg.consents SET CONSENT SOURCE (UNIT unit_id REFERENCES pg.people"
                            + " (pid), PURPOSE purpose, CATEGORY category, GRANTED granted_at, EXPIRES expires_at)"));
            assertEquals(ErrorCode.NOT_SUPPORTED.code(), e.getErrorCode(), e.getMessage());
            assertTrue(
                    e.getMessage().contains("pg.consents' is a foreign table and cannot be a CONSENT SOURCE"),
                    e.getMessage());
        }
    }
}
