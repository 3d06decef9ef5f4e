package dev.veil.exec.privacy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.catalog.VeilType;
import dev.veil.exec.scan.KeySet;
import dev.veil.session.EmbeddedDriver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Consent along a path of lookups composed into one set of the first step's keys ({@link
 * ConsentKeySets}): the rows a statement sees are those whose unit consents at its statement time,
 * on the scan's row path and on the vectorized aggregation alike; a consent withdrawn or expiring
 * between two executions of one cached plan changes the composed set for the next; NULL anywhere
 * along the path hides the row.
 */
class ConsentPathTest {
    @TempDir
    Path dir;

    private Connection admin;

    @BeforeEach
    void create() throws SQLException {
        admin = DriverManager.getConnection(EmbeddedDriver.PREFIX + dir.resolve("wh") + ";create=true");
    }

    @AfterEach
    void close() throws SQLException {
        admin.close();
    }

    @Test
    void aConsentChangeBetweenTwoRunsOfACachedPlanChangesTheComposedSet() throws Exception {
        // items -> orders -> customers; customer c owns order 10c, which has items 100c and 100c + 1.
        long boundary = System.currentTimeMillis() + 8_000;
        exec("CREATE TABLE customers (id BIGINT NOT NULL, name VARCHAR)");
        exec("INSERT INTO customers VALUES (1, 'a'), (2, 'b'), (3, 'c'), (4, 'd')");
        exec("CREATE TABLE orders (okey BIGINT NOT NULL, cust BIGINT)");
        exec("INSERT INTO orders VALUES (10, 1), (20, 2), (30, 3), (40, 4)");
        exec("CREATE TABLE items (ikey BIGINT NOT NULL, okey BIGINT, qty INTEGER)");
        exec("INSERT INTO items VALUES (100, 10, 1), (101, 10, 2), (200, 20, 3), (201, 20, 4),"
                + " (300, 30, 5), (301, 30, 6), (400, 40, 7), (401, 40, 8)");
        exec("ALTER TABLE customers SET PRIVACY UNIT (id)");
        exec("ALTER TABLE orders SET PRIVACY UNIT VIA (cust) REFERENCES customers (id)");
        exec("ALTER TABLE items SET PRIVACY UNIT VIA (okey) REFERENCES orders (okey)");
        exec("CREATE TABLE consents (unit_id BIGINT, purpose VARCHAR, category VARCHAR, granted_at TIMESTAMP,"
                + " expires_at TIMESTAMP, withdrawn_at TIMESTAMP)");
        // 1 and 2 consent for good, 3 until the boundary, 4 never.
        exec("INSERT INTO consents VALUES (1, 'analytics', 'general', TIMESTAMP '2000-01-01 00:00:00', NULL, NULL),"
                + " (2, 'analytics', 'general', TIMESTAMP '2000-01-01 00:00:00', NULL, NULL),"
                + " (3, 'analytics', 'general', TIMESTAMP '2000-01-01 00:00:00', " + timestamp(boundary) + ", NULL)");
        exec("ALTER TABLE consents SET CONSENT SOURCE (UNIT unit_id REFERENCES customers (id), PURPOSE purpose,"
                + " CATEGORY category, GRANTED granted_at, EXPIRES expires_at, WITHDRAWN withdrawn_at)");
        exec("CREATE PURPOSE analytics");
        exec("ALTER TABLE items SET CONSENT REQUIRED");
        exec("SET PURPOSE analytics");
        String rows = "SELECT ikey FROM items ORDER BY ikey";
        String sum = "SELECT SUM(qty), COUNT(*) FROM items";

        long composed = ConsentKeySets.composedCount();
        assertEquals(List.of(100L, 101L, 200L, 201L, 300L, 301L), longs(rows));
        assertEquals(List.of(21L, 6L), firstRow(sum));
        assertEquals(composed + 1, ConsentKeySets.composedCount(), "one composition, for both statements");
        assertEquals(List.of(100L, 101L, 200L, 201L, 300L, 301L), longs(rows));
        assertEquals(composed + 1, ConsentKeySets.composedCount(), "the next statement in the window reuses it");

        waitUntilAfter(boundary);
        assertEquals(List.of(100L, 101L, 200L, 201L), longs(rows), "3's consent expired");
        assertEquals(List.of(10L, 4L), firstRow(sum));
        assertEquals(composed + 2, ConsentKeySets.composedCount(), "a new window, a new composition");

        exec("INSERT INTO consents VALUES (1, 'analytics', 'general', NULL, NULL, "
                + timestamp(System.currentTimeMillis() - 1000) + ")");
        assertEquals(List.of(200L, 201L), longs(rows), "1 withdrew");
        assertEquals(List.of(7L, 2L), firstRow(sum));
        assertEquals(composed + 3, ConsentKeySets.composedCount(), "a new consent version, a new composition");
    }

    @Test
    void aNullAnywhereAlongAThreeStepPathHidesTheRow() throws Exception {
        // lines -> orders -> accounts -> people; every person consents.
        exec("CREATE TABLE people (pid BIGINT NOT NULL)");
        exec("INSERT INTO people VALUES (1), (2), (3)");
        exec("CREATE TABLE accounts (acct BIGINT NOT NULL, pid BIGINT)");
        // Account 3 has no person.
        exec("INSERT INTO accounts VALUES (1, 1), (2, 2), (3, NULL)");
        exec("CREATE TABLE orders (okey BIGINT NOT NULL, acct BIGINT)");
        // Order 20 has no account, order 30's account has no person, order 40's account does not exist.
        exec("INSERT INTO orders VALUES (10, 1), (11, 2), (20, NULL), (30, 3), (40, 9)");
        exec("CREATE TABLE lines (lkey BIGINT NOT NULL, okey BIGINT, qty INTEGER)");
        // Line 6 has no order, line 7's order does not exist.
        exec("INSERT INTO lines VALUES (1, 10, 1), (2, 11, 2), (3, 20, 4), (4, 30, 8), (5, 40, 16), (6, NULL, 32),"
                + " (7, 99, 64)");
        exec("ALTER TABLE people SET PRIVACY UNIT (pid)");
        exec("ALTER TABLE accounts SET PRIVACY UNIT VIA (pid) REFERENCES people (pid)");
        exec("ALTER TABLE orders SET PRIVACY UNIT VIA (acct) REFERENCES accounts (acct)");
        exec("ALTER TABLE lines SET PRIVACY UNIT VIA (okey) REFERENCES orders (okey)");
        exec("CREATE TABLE consents (unit_id BIGINT, purpose VARCHAR, category VARCHAR, granted_at TIMESTAMP,"
                + " expires_at TIMESTAMP)");
        exec("INSERT INTO consents SELECT pid, 'analytics', 'general', TIMESTAMP '2000-01-01 00:00:00', NULL"
                + " FROM people");
        exec("ALTER TABLE consents SET CONSENT SOURCE (UNIT unit_id REFERENCES people (pid), PURPOSE purpose,"
                + " CATEGORY category, GRANTED granted_at, EXPIRES expires_at)");
        exec("CREATE PURPOSE analytics");
        exec("ALTER TABLE lines SET CONSENT REQUIRED");
        exec("SET PURPOSE analytics");

        long composed = ConsentKeySets.composedCount();
        assertEquals(List.of(1L, 2L), longs("SELECT lkey FROM lines ORDER BY lkey"));
        assertEquals(List.of(3L, 2L), firstRow("SELECT SUM(qty), COUNT(*) FROM lines"));
        assertTrue(ConsentKeySets.composedCount() > composed, "the path was composed");
        // Without the rule every line is there.
        exec("ALTER TABLE lines DROP CONSENT REQUIRED");
        assertEquals(List.of(127L, 7L), firstRow("SELECT SUM(qty), COUNT(*) FROM lines"));
    }

    @Test
    void aComposedSetHoldsExactlyTheFirstKeysWhoseUnitIsFoundAndConsents() {
        // key -> middle: 1 -> 5, 2 -> 6, 3 -> 7 (7 has no unit), 4 -> 8 (8's unit does not consent).
        LongUnitMap first = map(new long[][] {{1, 5}, {2, 6}, {3, 7}, {4, 8}});
        LongUnitMap second = map(new long[][] {{5, 50}, {6, 60}, {8, 80}});
        KeySet.Builder units = new KeySet.Builder();
        units.add(50);
        units.add(60);
        ConsentUnitSets.UnitSet unitSet = ConsentUnitSets.UnitSet.ofLongs(units.build());
        StatementMemoryAccounts accounts = new StatementMemoryAccounts();
        KeySet keys = ConsentKeySets.compose(
                unitSet, new LongUnitMap[] {first, second}, accounts.account(), new AtomicBoolean());
        for (long k = -2; k < 12; k++) {
            assertEquals(k == 1 || k == 2, keys.contains(k), "key " + k);
        }
        int[] rows = {0, 1, 2, 3, 4, 5};
        long[] values = {4, 2, -1, 1, Long.MIN_VALUE, 3};
        assertEquals(2, keys.filter(values, rows, rows.length));
        assertEquals(1, rows[0]);
        assertEquals(3, rows[1]);
        assertTrue(accounts.memory.used() > 0, "the set was accounted");
        assertFalse(keys.contains(Long.MAX_VALUE));
    }

    private static LongUnitMap map(long[][] pairs) {
        LongUnitMap.Builder builder = new LongUnitMap.Builder(VeilType.BIGINT);
        for (long[] pair : pairs) {
            builder.add(pair[0], pair[1]);
        }
        return builder.build();
    }

    /** A statement's memory with room for small sets. */
    private static final class StatementMemoryAccounts {
        final dev.veil.control.StatementMemory memory = dev.veil.control.StatementMemory.withDefaultLimit();

        dev.veil.control.StatementMemory.Account account() {
            return memory.account("test");
        }
    }

    private void exec(String sql) throws SQLException {
        try (Statement s = admin.createStatement()) {
            s.execute(sql);
        }
    }

    private List<Long> longs(String sql) throws SQLException {
        List<Long> values = new ArrayList<>();
        try (Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getLong(1));
            }
        }
        return values;
    }

    private List<Long> firstRow(String sql) throws SQLException {
        try (Statement s = admin.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            List<Long> row = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                row.add(rs.getLong(i));
            }
            return row;
        }
    }

    private static String timestamp(long millis) {
        return "TIMESTAMP '"
                + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
                        .withZone(ZoneOffset.UTC)
                        .format(Instant.ofEpochMilli(millis))
                + "'";
    }

    /** Waits until the clock is past {@code millis}. */
    private static void waitUntilAfter(long millis) throws InterruptedException {
        while (System.currentTimeMillis() <= millis + 50) {
            Thread.sleep(Math.max(1, millis + 60 - System.currentTimeMillis()));
        }
    }
}
