package dev.veil.dpsql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.session.EmbeddedDriver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plan cache through the embedded driver: a repeated statement reuses its plan (the hit
 * counter admins see in EXPLAIN moves) with the same answers; every kind of change (data, policy,
 * grant, view, session setting) is seen by the next run; a cached DP plan still draws fresh noise
 * and is charged on every execution that is not a replay; users never share a plan.
 */
class PlanCacheSqlTest {
    private static final Pattern COUNTERS = Pattern.compile("hits (\\d+), misses (\\d+)");

    @TempDir
    Path dir;

    private Path warehouse;
    private Connection admin;
    private Connection eve;
    private Connection flo;

    @BeforeEach
    void create() throws SQLException {
        warehouse = dir.resolve("wh");
        admin = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";create=true");
        exec(admin, "CREATE USER admin PASSWORD 'admin-pw-long-enough' ROLE admin");
        exec(admin, "CREATE ROLE red_team");
        exec(admin, "CREATE ROLE blue_team");
        exec(admin, "CREATE USER eve PASSWORD 'eve-pw-long-enough' ROLE red_team");
        exec(admin, "CREATE USER flo PASSWORD 'flo-pw-long-enough' ROLE blue_team");
        exec(admin, "CREATE TABLE notes (id BIGINT NOT NULL, team VARCHAR NOT NULL, score INTEGER NOT NULL)");
        exec(admin, "CREATE TABLE people (id BIGINT NOT NULL, city VARCHAR NOT NULL, pay INTEGER NOT NULL)");
        StringBuilder notes = new StringBuilder();
        StringBuilder people = new StringBuilder();
        for (int i = 1; i <= 300; i++) {
            notes.append(i == 1 ? "" : ", ")
                    .append("(")
                    .append(i)
                    .append(", '")
                    .append(i % 3 == 0 ? "red" : "blue")
                    .append("', ")
                    .append(i % 10)
                    .append(")");
            people.append(i == 1 ? "" : ", ")
                    .append("(")
                    .append(i)
                    .append(", '")
                    .append(i % 2 == 0 ? "Lyon" : "Porto")
                    .append("', ")
                    .append(i % 100)
                    .append(")");
        }
        exec(admin, "INSERT INTO notes VALUES " + notes);
        exec(admin, "INSERT INTO people VALUES " + people);
        exec(admin, "ALTER TABLE notes SET ROW FILTER (team = 'red') FOR ROLE red_team");
        exec(admin, "ALTER TABLE notes SET ROW FILTER (team = 'blue') FOR ROLE blue_team");
        exec(admin, "ALTER TABLE people SET PRIVACY UNIT (id)");
        exec(admin, "ALTER TABLE people ALTER COLUMN pay SET POLICY AGGREGATE ONLY BOUNDS (0, 100)");
        exec(
                admin,
                "ALTER TABLE people SET DIFFERENTIAL PRIVACY (EPSILON 1, DELTA 1e-6, "
                        + "MAX GROUPS PER UNIT 1, MAX ROWS PER UNIT PER GROUP 1)");
        exec(admin, "CREATE PRIVACY BUDGET roomy LIMIT (EPSILON 1000, DELTA 0.9) WINDOW NEVER");
        exec(admin, "ALTER USER eve SET PRIVACY BUDGET roomy");
        exec(admin, "ALTER USER flo SET PRIVACY BUDGET roomy");
        eve = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";user=eve");
        flo = DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";user=flo");
    }

    @AfterEach
    void close() throws SQLException {
        for (Connection c : new Connection[] {flo, eve, admin}) {
            if (c != null) {
                c.close();
            }
        }
    }

    private static void exec(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    private static List<List<Object>> rows(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        }
    }

    private static long count(Connection c, String sql) throws SQLException {
        return ((Number) rows(c, sql).get(0).get(0)).longValue();
    }

    /** The plan cache's hits and misses, from the last row of an admin's EXPLAIN. */
    private long[] counters() throws SQLException {
        List<List<Object>> plan = rows(admin, "EXPLAIN PLAN FOR SELECT 1 FROM notes WHERE id = -42");
        String last = (String) plan.get(plan.size() - 1).get(0);
        Matcher m = COUNTERS.matcher(last);
        assertTrue(m.find(), last);
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))};
    }

    private double spent(Connection c) throws SQLException {
        return ((Number) rows(c, "SELECT epsilon_spent FROM veil.my_budget")
                        .get(0)
                        .get(0))
                .doubleValue();
    }

    /** A TIMESTAMP literal for {@code millis} (UTC). */
    private static String timestamp(long millis) {
        return "TIMESTAMP '"
                + java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
                        .withZone(java.time.ZoneOffset.UTC)
                        .format(java.time.Instant.ofEpochMilli(millis))
                + "'";
    }

    /** Waits until the clock is past {@code millis}. */
    private static void waitUntilAfter(long millis) throws InterruptedException {
        while (System.currentTimeMillis() <= millis + 50) {
            Thread.sleep(Math.max(1, millis + 60 - System.currentTimeMillis()));
        }
    }

    @Test
    void aCachedPlanWithRetentionUsesEachExecutionsStatementTime() throws Exception {
        // The retention filter reads the statement time from the execution, not from the plan: the
        // plan is kept, and a row that leaves its retention period between two runs is gone from
        // the second, which reuses the plan.
        exec(admin, "CREATE TABLE visits (id BIGINT NOT NULL, seen TIMESTAMP NOT NULL)");
        long boundary = System.currentTimeMillis() + 8_000;
        exec(
                admin,
                "INSERT INTO visits VALUES (1, TIMESTAMP '2020-01-01 00:00:00'), (2, "
                        + timestamp(System.currentTimeMillis() + 86_400_000L) + "), (3, "
                        + timestamp(boundary - 30 * 86_400_000L) + ")");
        exec(admin, "ALTER TABLE visits SET RETENTION 30 DAYS ON seen");
        String q = "SELECT COUNT(*) FROM visits";
        long[] before = counters();
        assertEquals(2, count(admin, q), "row 3 is 30 days old only at the boundary");
        long[] first = counters();
        assertEquals(before[1] + 1, first[1], "the first run plans");
        waitUntilAfter(boundary);
        assertEquals(1, count(admin, q), "row 3 is now 30 days old or more");
        long[] after = counters();
        assertEquals(first[0] + 1, after[0], "the second run reuses the plan");
        assertEquals(first[1], after[1]);
    }

    @Test
    void aCachedPlanWithConsentSeesAConsentExpireBetweenTwoRuns() throws Exception {
        // Consent is checked at each execution's statement time: a cached plan run after a consent
        // expired no longer sees its unit's rows; one run after a consent took effect sees them.
        long boundary = System.currentTimeMillis() + 8_000;
        exec(
                admin,
                "CREATE TABLE consents (unit_id BIGINT, purpose VARCHAR, category VARCHAR, granted_at TIMESTAMP,"
                        + " expires_at TIMESTAMP, withdrawn_at TIMESTAMP)");
        exec(
                admin,
                "INSERT INTO consents SELECT id, 'analytics', 'general', TIMESTAMP '2000-01-01 00:00:00',"
                        + " CASE WHEN id = 7 THEN " + timestamp(boundary) + " ELSE NULL END, NULL FROM people"
                        + " WHERE id <= 10");
        exec(
                admin,
                "INSERT INTO consents VALUES (11, 'analytics', 'general', " + timestamp(boundary) + ", NULL, NULL)");
        exec(
                admin,
                "ALTER TABLE consents SET CONSENT SOURCE (UNIT unit_id REFERENCES people (id), PURPOSE purpose,"
                        + " CATEGORY category, GRANTED granted_at, EXPIRES expires_at, WITHDRAWN withdrawn_at)");
        exec(admin, "CREATE PURPOSE analytics");
        exec(admin, "ALTER TABLE people SET CONSENT REQUIRED");
        exec(admin, "SET PURPOSE analytics");
        String q = "SELECT id FROM people ORDER BY id";
        long[] before = counters();
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), ids(rows(admin, q)), "7 consents, 11 not yet");
        long[] first = counters();
        waitUntilAfter(boundary);
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 8L, 9L, 10L, 11L), ids(rows(admin, q)), "7 expired, 11 began");
        long[] after = counters();
        assertEquals(before[1] + 1, first[1], "the first run plans");
        assertEquals(first[0] + 1, after[0], "the second run reuses the plan");
        assertEquals(first[1], after[1]);
        // A consent withdrawn (a new version of the consent table) is seen by the next run at once.
        exec(
                admin,
                "INSERT INTO consents VALUES (1, 'analytics', 'general', NULL, NULL, "
                        + timestamp(System.currentTimeMillis() - 1000) + ")");
        assertEquals(List.of(2L, 3L, 4L, 5L, 6L, 8L, 9L, 10L, 11L), ids(rows(admin, q)));
    }

    private static List<Long> ids(List<List<Object>> rows) {
        List<Long> ids = new ArrayList<>();
        for (List<Object> row : rows) {
            ids.add(((Number) row.get(0)).longValue());
        }
        return ids;
    }

    @Test
    void aRepeatedStatementReusesItsPlanWithTheSameAnswers() throws SQLException {
        String q = "SELECT team, COUNT(*), SUM(score) FROM notes WHERE score > 2 GROUP BY team ORDER BY team";
        long[] before = counters();
        List<List<Object>> first = rows(admin, q);
        long[] afterFirst = counters();
        assertEquals(before[1] + 1, afterFirst[1], "the first run is a miss");
        for (int i = 0; i < 3; i++) {
            assertEquals(first, rows(admin, q));
        }
        long[] after = counters();
        assertEquals(afterFirst[0] + 3, after[0], "later runs are hits");
        assertEquals(afterFirst[1], after[1]);
        List<List<Object>> plan = rows(admin, "EXPLAIN PLAN FOR " + q);
        assertTrue(((String) plan.get(plan.size() - 1).get(0)).contains("is cached"));
        // Plans over system tables are not kept.
        String system = "SELECT COUNT(*) FROM veil.audit";
        long audited = count(admin, system);
        assertTrue(count(admin, system) > audited, "a system table is read afresh");
    }

    @Test
    void usersNeverShareAPlan() throws SQLException {
        String q = "SELECT COUNT(*) FROM notes";
        for (int i = 0; i < 2; i++) {
            assertEquals(100, count(eve, q), "red rows only");
            assertEquals(200, count(flo, q), "blue rows only");
            assertEquals(300, count(admin, q), "every row");
        }
    }

    @Test
    void everyKindOfChangeIsSeenByTheNextRun() throws SQLException {
        String q = "SELECT COUNT(*) FROM notes";
        assertEquals(100, count(eve, q));
        assertEquals(100, count(eve, q));
        // Data.
        exec(admin, "INSERT INTO notes VALUES (1000, 'red', 1)");
        assertEquals(101, count(eve, q));
        // Policy.
        exec(admin, "ALTER TABLE notes SET ROW FILTER (team = 'red' AND score > 4) FOR ROLE red_team");
        long filtered = count(eve, q);
        assertTrue(filtered < 101, "the new row filter applies");
        exec(admin, "ALTER TABLE notes DROP ROW FILTER FOR ROLE red_team");
        // Views.
        exec(admin, "CREATE VIEW top_notes AS SELECT id, score FROM notes WHERE score > 8");
        String v = "SELECT COUNT(*) FROM top_notes";
        long top = count(admin, v);
        assertEquals(top, count(admin, v));
        exec(admin, "CREATE OR REPLACE VIEW top_notes AS SELECT id, score FROM notes WHERE score > 100");
        assertEquals(0, count(admin, v));
        // Grants: a restricted schema, granted, then revoked.
        exec(admin, "CREATE SCHEMA vault");
        exec(admin, "CREATE TABLE vault.gold (id BIGINT NOT NULL)");
        exec(admin, "INSERT INTO vault.gold VALUES (1), (2)");
        exec(admin, "ALTER SCHEMA vault SET ACCESS RESTRICTED");
        String g = "SELECT COUNT(*) FROM vault.gold";
        assertThrows(SQLException.class, () -> count(flo, g));
        exec(admin, "GRANT SELECT ON SCHEMA vault TO USER flo");
        assertEquals(2, count(flo, g));
        assertEquals(2, count(flo, g));
        exec(admin, "REVOKE SELECT ON SCHEMA vault FROM USER flo");
        assertThrows(SQLException.class, () -> count(flo, g));
        // A session setting the rewrite reads: SET EPSILON changes what a DP query spends.
        String dp = "SELECT city, COUNT(*) FROM people WHERE pay >= 0 GROUP BY city";
        double before = spent(eve);
        rows(eve, dp);
        assertEquals(before + 1.0, spent(eve), 1e-9);
        exec(eve, "SET EPSILON = 0.25");
        rows(eve, dp);
        assertEquals(before + 1.25, spent(eve), 1e-9, "the cached plan spends the session's epsilon");
    }

    @Test
    void aDpPlanCachedAtOneEpsilonServesAnotherWithItsOwnBudgetNoiseAndReplays() throws SQLException {
        String dp = "SELECT city, SUM(pay) FROM people WHERE pay >= 3 GROUP BY city";
        rows(eve, dp);
        double before = spent(eve);
        long[] start = counters();
        exec(eve, "SET EPSILON = 0.25");
        List<List<Object>> quarter = rows(eve, dp);
        exec(eve, "SET EPSILON = 0.5");
        List<List<Object>> half = rows(eve, dp);
        long[] end = counters();
        // counters() itself is a miss each time (the admin's EXPLAIN of a new text is not cached).
        assertEquals(2, end[0] - start[0], "both runs reused the plan planned at epsilon 1");
        assertEquals(before + 0.75, spent(eve), 1e-9, "each run charged its own epsilon");
        assertTrue(!quarter.equals(half), "fresh noise at each epsilon: " + quarter + " " + half);
        // The question at an epsilon already asked replays that answer, for free.
        exec(eve, "SET EPSILON = 0.25");
        assertEquals(quarter, rows(eve, dp));
        assertEquals(before + 0.75, spent(eve), 1e-9, "a replay is free");
    }

    @Test
    void aCachedDpPlanDrawsItsNoiseAtTheEpsilonAskedNotTheOneItWasPlannedAt() throws SQLException {
        // SUM(pay) over 300 units, pay bounded to [0, 100]: 14,850. The plan is cached at one epsilon
        // and asked at another 1,000 times larger or smaller; each run's noise must be at its own
        // scale. At epsilon 1 the noise is a few hundred at most (median |error| above 3,000 in 12
        // runs: negligible); at 0.001 a thousand times that (median below 3,000: about 1e-8).
        String sum = "SELECT SUM(pay) FROM people WHERE pay >= 0";
        exec(eve, "SET EPSILON = 0.001");
        rows(eve, sum);
        long[] start = counters();
        double[] precise = new double[12];
        for (int k = 0; k < precise.length; k++) {
            exec(eve, "SET EPSILON = " + (1 - (k + 1) * 1e-9));
            precise[k] = Math.abs(((Number) rows(eve, sum).get(0).get(0)).doubleValue() - 14_850);
        }
        double[] coarse = new double[12];
        for (int k = 0; k < coarse.length; k++) {
            exec(eve, "SET EPSILON = " + (0.001 + (k + 1) * 1e-12));
            coarse[k] = Math.abs(((Number) rows(eve, sum).get(0).get(0)).doubleValue() - 14_850);
        }
        long[] end = counters();
        assertTrue(end[0] - start[0] >= 24, "every run reused the plan cached at epsilon 0.001");
        java.util.Arrays.sort(precise);
        java.util.Arrays.sort(coarse);
        assertTrue(precise[6] < 3_000, "epsilon 1 drew noise at its own scale: " + java.util.Arrays.toString(precise));
        assertTrue(
                coarse[5] > 3_000, "epsilon 0.001 drew noise at its own scale: " + java.util.Arrays.toString(coarse));
    }

    @Test
    void cachedDpPlansDrawFreshNoiseAndAreChargedEveryTime() throws SQLException {
        // Differently spelled questions (a repeat is a free replay): each is charged and noisy anew.
        Set<List<List<Object>>> answers = new HashSet<>();
        double before = spent(eve);
        int asked = 0;
        for (int i = 0; i < 6; i++) {
            answers.add(rows(eve, "SELECT city, SUM(pay) FROM people WHERE pay >= " + i + " GROUP BY city"));
            asked++;
        }
        assertEquals(before + asked, spent(eve), 1e-9, "every question charged");
        assertTrue(answers.size() >= 5, "fresh noise for each question: " + answers);
        // A question that reads the clock has no fingerprint: its cached plan draws fresh noise each
        // run and is charged each run.
        String clock = "SELECT SUM(pay) FROM people WHERE CURRENT_DATE > DATE '2000-01-01'";
        long[] start = counters();
        double spentBefore = spent(eve);
        List<Object> sums = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sums.add(rows(eve, clock).get(0).get(0));
        }
        long[] end = counters();
        assertTrue(end[0] - start[0] >= 3, "the plan was reused");
        assertEquals(spentBefore + 4, spent(eve), 1e-9, "charged on every execution");
        // A replay gives four equal sums. Fresh noise (about 1% of draws on the likeliest integer,
        // measured over 900 runs) gives four equal ones with probability about 1e-7; "at least 3
        // different" failed once in CI-like runs (two equal pairs or a triple: about 2e-4).
        assertTrue(new HashSet<>(sums).size() >= 2, "fresh noise on every execution: " + sums);
        // The same question again replays the stored release for free, as without the cache.
        String same = "SELECT city, SUM(pay) FROM people WHERE pay >= 0 GROUP BY city";
        List<List<Object>> first = rows(eve, same);
        double after = spent(eve);
        assertEquals(first, rows(eve, same));
        assertEquals(after, spent(eve), 1e-9);
        assertNotEquals(0, answers.size());
    }

    @Test
    void concurrentRunsOfCachedPlansGiveEachUserTheirOwnRows() throws Exception {
        String q = "SELECT COUNT(*), SUM(score) FROM notes WHERE score >= 0";
        List<List<Object>> red = rows(eve, q);
        List<List<Object>> blue = rows(flo, q);
        assertNotEquals(red, blue);
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<Void>> runs = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                String user = t % 2 == 0 ? "eve" : "flo";
                List<List<Object>> expected = t % 2 == 0 ? red : blue;
                runs.add(pool.submit(() -> {
                    try (Connection c =
                            DriverManager.getConnection(EmbeddedDriver.PREFIX + warehouse + ";user=" + user)) {
                        for (int i = 0; i < 15; i++) {
                            assertEquals(expected, rows(c, q), user);
                        }
                    }
                    return null;
                }));
            }
            for (java.util.concurrent.Future<Void> run : runs) {
                run.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
