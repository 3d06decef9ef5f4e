package dev.veil.sql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.session.EmbeddedDriver;
import dev.veil.storage.Warehouse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code EXPORT POLICIES} and {@code APPLY POLICIES} with the rules of a version 2 file
 * (docs/policy-yaml.md): purposes, schema access and grants, table and view grants, categories,
 * consent, retention and ON ERASE survive an export and re-apply exactly, a failed apply changes
 * nothing, and a version 1 file leaves those rules alone.
 */
class PolicyFilesTest {
    @TempDir
    Path dir;

    Path wh;

    @BeforeEach
    void setUp() throws Exception {
        wh = dir.resolve("wh");
        try (Warehouse w = Warehouse.create(wh)) {
            for (String schema : new String[] {"shop", "crm", "web", "hr"}) {
                w.catalog().createSchema(schema, true);
            }
        }
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            s.execute("CREATE USER admin PASSWORD 'admin-pw-long-secret' ROLE admin");
            s.execute("CREATE ROLE marketers");
            s.execute("CREATE ROLE support");
            s.execute("CREATE USER ana PASSWORD 'ana-pw-long-secret' ROLE marketers");
            s.execute("CREATE USER bob PASSWORD 'bob-pw-long-secret'");
            s.execute("CREATE TABLE shop.customers (id BIGINT NOT NULL, email VARCHAR, phone VARCHAR)");
            s.execute("CREATE TABLE shop.orders (order_id BIGINT NOT NULL, customer_id BIGINT, amount DOUBLE)");
            s.execute("CREATE TABLE crm.consents (customer_id BIGINT, purpose VARCHAR, category VARCHAR,"
                    + " granted_at TIMESTAMP, expires_at TIMESTAMP, withdrawn_at TIMESTAMP)");
            s.execute("CREATE TABLE web.events (id BIGINT, customer_id BIGINT, event_time TIMESTAMP)");
            s.execute("CREATE TABLE hr.salaries (id BIGINT, amount DOUBLE)");
            s.execute("CREATE VIEW hr.totals AS SELECT COUNT(*) AS n FROM hr.salaries");
            s.execute("INSERT INTO web.events VALUES (1, 1, CURRENT_TIMESTAMP - INTERVAL '1' DAY),"
                    + " (2, 1, CURRENT_TIMESTAMP - INTERVAL '500' DAY)");

            s.execute("CREATE PURPOSE marketing COMMENT 'campaigns' RENEWAL EVERY 365 DAYS");
            s.execute("CREATE PURPOSE analytics");
            s.execute("GRANT PURPOSE marketing TO ROLE marketers");
            s.execute("GRANT PURPOSE analytics TO USER bob");
            s.execute("ALTER ROLE marketers SET PURPOSE marketing");
            s.execute("ALTER SCHEMA hr SET ACCESS RESTRICTED");
            s.execute("GRANT SELECT ON SCHEMA hr TO ROLE support");
            s.execute("GRANT SELECT ON hr.salaries TO USER bob");
            s.execute("GRANT SELECT ON hr.totals TO ROLE marketers");
            s.execute("ALTER TABLE shop.customers SET PRIVACY UNIT (id)");
            s.execute("ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)"
                    + " ON ERASE SET NULL");
            s.execute("ALTER TABLE shop.customers ALTER COLUMN email SET CATEGORY contact");
            s.execute("ALTER TABLE shop.customers ALTER COLUMN phone SET CATEGORY contact");
            s.execute("ALTER TABLE shop.customers ALTER COLUMN email SET POLICY HIDDEN");
            s.execute("ALTER TABLE crm.consents SET CONSENT SOURCE (UNIT customer_id REFERENCES shop.customers (id),"
                    + " PURPOSE purpose, CATEGORY category, GRANTED granted_at, EXPIRES expires_at,"
                    + " WITHDRAWN withdrawn_at)");
            s.execute("ALTER TABLE shop.orders SET CONSENT REQUIRED");
            s.execute("ALTER TABLE web.events SET RETENTION 400 DAYS ON event_time");
        }
    }

    @Test
    void anExportAppliedAgainRestoresEveryRule() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            String exported = export(s);
            for (String line : new String[] {
                "version: 2",
                "  - purpose: marketing\n    comment: campaigns\n    renewal_days: 365\n    granted_to:\n      roles:\n"
                        + "        - marketers\n    default_for:\n      roles:\n        - marketers\n",
                "  - purpose: analytics\n    granted_to:\n      users:\n        - bob\n",
                "  - schema: hr\n    access: RESTRICTED\n    select:\n      roles:\n        - support\n",
                "      on_erase: SET NULL\n",
                "    categories:\n      email: contact\n      phone: contact\n",
                "    consent_required: true\n",
                "    consent_source:\n      unit: customer_id\n",
                "      withdrawn: withdrawn_at\n",
                "  - table: hr.salaries\n    select:\n      users:\n        - bob\n",
                "  - table: hr.totals\n    select:\n      roles:\n        - marketers\n",
                "  - table: web.events\n    retention:\n      days: 400\n      column: event_time\n"
            }) {
                assertTrue(exported.contains(line), line + " in\n" + exported);
            }
            assertEquals(1L, count(s, "SELECT COUNT(*) FROM web.events"));

            // Undo every rule by statements.
            s.execute("REVOKE PURPOSE marketing FROM ROLE marketers");
            s.execute("ALTER ROLE marketers RESET PURPOSE");
            s.execute("REVOKE SELECT ON hr.salaries FROM USER bob");
            s.execute("REVOKE SELECT ON hr.totals FROM ROLE marketers");
            s.execute("ALTER SCHEMA hr SET ACCESS OPEN");
            s.execute("REVOKE SELECT ON SCHEMA hr FROM ROLE support");
            s.execute("ALTER TABLE shop.orders SET PRIVACY UNIT VIA (customer_id) REFERENCES shop.customers (id)");
            s.execute("ALTER TABLE shop.customers ALTER COLUMN email SET CATEGORY general");
            s.execute("ALTER TABLE crm.consents DROP CONSENT SOURCE");
            s.execute("ALTER TABLE shop.orders DROP CONSENT REQUIRED");
            s.execute("ALTER TABLE web.events DROP RETENTION");
            s.execute("ALTER TABLE shop.customers ALTER COLUMN phone SET CATEGORY health");
            assertEquals(2L, count(s, "SELECT COUNT(*) FROM web.events"));
            assertNotEquals(exported, export(s));

            s.execute("APPLY POLICIES '" + exported.replace("'", "''") + "'");
            assertEquals(exported, export(s));
            assertEquals(1L, count(s, "SELECT COUNT(*) FROM web.events"), "the retention is back at once");
        }
        // What the file granted works: ana runs under marketing by default.
        try (Connection c = connect("ana");
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SHOW PURPOSE")) {
            rs.next();
            assertEquals("marketing", rs.getString(1));
        }
    }

    @Test
    void aFailedApplyChangesNothingAndNamesTheEntry() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            String before = export(s);
            String bad = before.replace("retention:\n      days: 400", "retention:\n      days: 30")
                    .replace("        - bob\n  - table: hr.totals", "        - nobody\n  - table: hr.totals");
            assertNotEquals(before, bad);
            SQLException e = assertThrows(SQLException.class, () -> s.execute("APPLY POLICIES '" + bad + "'"));
            assertTrue(
                    e.getMessage().contains("(hr.salaries)") && e.getMessage().contains("'nobody'"), e.getMessage());
            assertEquals(before, export(s));

            String view = "version: 2\ntables:\n  - table: hr.totals\n    retention: {days: 5, column: n}\n";
            e = assertThrows(SQLException.class, () -> s.execute("APPLY POLICIES '" + view + "'"));
            assertTrue(e.getMessage().contains("hr.totals is a view"), e.getMessage());
            assertEquals(before, export(s));
        }
    }

    @Test
    void aVersionOneFileLeavesTheOtherRulesAlone() throws Exception {
        try (Connection c = connect(null);
                Statement s = c.createStatement()) {
            String before = export(s);
            s.execute("APPLY POLICIES 'version: 1\ntables:\n  - table: web.events\n  - table: hr.salaries\n'");
            assertEquals(before, export(s));
            // A version 2 entry with nothing but its name clears that table's rules, and only that table's.
            s.execute("APPLY POLICIES 'version: 2\ntables:\n  - table: web.events\n'");
            String after = export(s);
            assertTrue(!after.contains("table: web.events") && after.contains("table: hr.salaries"), after);
            assertEquals(2L, count(s, "SELECT COUNT(*) FROM web.events"));
        }
    }

    private static String export(Statement s) throws SQLException {
        try (ResultSet rs = s.executeQuery("EXPORT POLICIES")) {
            assertTrue(rs.next());
            return rs.getString(1);
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next());
            return rs.getLong(1);
        }
    }

    private Connection connect(String user) throws SQLException {
        Properties info = new Properties();
        if (user != null) {
            info.setProperty("user", user);
        }
        return DriverManager.getConnection(EmbeddedDriver.PREFIX + wh, info);
    }
}
