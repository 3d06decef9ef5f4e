package dev.veil.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.session.EmbeddedDriver;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demo warehouse as {@code veil demo} builds it: the query it prints gives a different count
 * under each purpose, each exactly the customers whose consent rows (read by the admin and checked
 * here in Java, by the rule of docs/consent-and-retention.md) make them consent; under marketing,
 * customers who never opted in, whose consent expired (or is longer than the renewal period) or
 * who withdrew are not seen, by the analyst (per city) or by an admin under marketing (row by row);
 * a category nobody consented to for a purpose hides every row; web events past their retention
 * period are gone for everyone.
 */
class DemoConsentTest {
    private static final long DAY = 86_400_000L;

    @TempDir
    Path dir;

    @Test
    void theDemoQueryShowsThePurposesAndMarketingHidesWhoDidNotConsent() throws Exception {
        DemoCommand demo = new DemoCommand();
        demo.warehouse = dir.resolve("demo");
        demo.create();
        Map<String, Long> shown = demo.purposeCounts();
        assertEquals(DemoCommand.PURPOSES, List.copyOf(shown.keySet()));

        String url = EmbeddedDriver.PREFIX + demo.warehouse;
        try (Connection admin = DriverManager.getConnection(url + ";user=admin");
                Connection analyst = DriverManager.getConnection(url + ";user=" + DemoCommand.ANALYST);
                Statement a = admin.createStatement();
                Statement s = analyst.createStatement()) {
            // What the consent rows say, under the admin's own purpose (no consent needed).
            long now = System.currentTimeMillis();
            Map<String, Set<Long>> consenting = new HashMap<>();
            Map<String, Set<Long>> withRow = new HashMap<>();
            Map<Long, String> expired = new HashMap<>();
            Set<Long> withdrawnMarketing = new HashSet<>();
            Map<String, Map<String, Map<Long, int[]>>> state = new HashMap<>();
            try (ResultSet rs = a.executeQuery("SELECT customer_id, purpose, category, granted_at, expires_at,"
                    + " withdrawn_at FROM shop.consents")) {
                while (rs.next()) {
                    long unit = rs.getLong(1);
                    String purpose = rs.getString(2);
                    String category = rs.getString(3);
                    long granted = rs.getTimestamp(4).getTime();
                    Timestamp e = rs.getTimestamp(5);
                    Timestamp w = rs.getTimestamp(6);
                    withRow.computeIfAbsent(purpose, p -> new HashSet<>()).add(unit);
                    boolean renewal = purpose.equals("marketing");
                    boolean valid = granted <= now
                            && (renewal
                                    ? e != null && e.getTime() > now && e.getTime() - granted <= 365 * DAY
                                    : e == null || e.getTime() > now);
                    boolean withdrawn = w != null && w.getTime() <= now;
                    if (renewal && e != null && e.getTime() <= now) {
                        expired.put(unit, purpose);
                    }
                    if (renewal && withdrawn) {
                        withdrawnMarketing.add(unit);
                    }
                    int[] flags = state.computeIfAbsent(purpose, p -> new HashMap<>())
                            .computeIfAbsent(category, c -> new HashMap<>())
                            .computeIfAbsent(unit, u -> new int[2]);
                    flags[0] |= valid ? 1 : 0;
                    flags[1] |= withdrawn ? 1 : 0;
                }
            }
            for (var purpose : state.entrySet()) {
                for (var category : purpose.getValue().values()) {
                    category.forEach((unit, flags) -> {
                        if (flags[0] == 1 && flags[1] == 0) {
                            consenting
                                    .computeIfAbsent(purpose.getKey(), p -> new HashSet<>())
                                    .add(unit);
                        }
                    });
                }
            }

            // The demo's query: one count per purpose, each the consenting customers, all different.
            for (String purpose : DemoCommand.PURPOSES) {
                assertEquals((long) consenting.get(purpose).size(), shown.get(purpose), purpose);
            }
            assertNotEquals(shown.get("analytics"), shown.get("marketing"));
            assertNotEquals(shown.get("analytics"), shown.get("personalisation"));
            assertNotEquals(shown.get("marketing"), shown.get("personalisation"));

            // Who must not exist under marketing: never opted in, expired, withdrawn.
            Set<Long> all = new HashSet<>();
            try (ResultSet rs = a.executeQuery("SELECT customer_id FROM shop.customers")) {
                while (rs.next()) {
                    all.add(rs.getLong(1));
                }
            }
            Set<Long> optedOut = new HashSet<>(all);
            optedOut.removeAll(withRow.get("marketing"));
            Set<Long> marketing = consenting.get("marketing");
            assertFalse(optedOut.isEmpty());
            assertFalse(expired.isEmpty());
            assertFalse(withdrawnMarketing.isEmpty());

            // The analyst under marketing, per city: exactly the consenting customers of each city.
            Map<Long, String> cityOf = new HashMap<>();
            try (ResultSet rs = a.executeQuery("SELECT customer_id, city FROM shop.customers")) {
                while (rs.next()) {
                    cityOf.put(rs.getLong(1), rs.getString(2));
                }
            }
            Map<String, Long> expectedPerCity = new TreeMap<>();
            for (long unit : marketing) {
                expectedPerCity.merge(cityOf.get(unit), 1L, Long::sum);
            }
            s.execute("SET PURPOSE marketing");
            Map<String, Long> perCity = new TreeMap<>();
            try (ResultSet rs = s.executeQuery("SELECT city, COUNT(*) FROM shop.customers GROUP BY city")) {
                while (rs.next()) {
                    perCity.put(rs.getString(1), rs.getLong(2));
                }
            }
            assertFalse(perCity.isEmpty());
            perCity.forEach((city, count) -> assertEquals(expectedPerCity.get(city), count, city));
            assertEquals(count(s, "SELECT COUNT(*) FROM shop.customers"), (long) marketing.size());

            // An admin under marketing sees rows: none of those who did not consent.
            a.execute("SET PURPOSE marketing");
            Set<Long> seen = new HashSet<>();
            try (ResultSet rs = a.executeQuery("SELECT customer_id FROM shop.customers")) {
                while (rs.next()) {
                    seen.add(rs.getLong(1));
                }
            }
            assertEquals(marketing, seen);
            for (Set<Long> excluded : List.of(optedOut, expired.keySet(), withdrawnMarketing)) {
                for (long unit : excluded) {
                    assertFalse(seen.contains(unit), "customer " + unit + " is seen under marketing");
                }
            }
            // Their orders are gone too (orders reach the customer through their foreign key).
            long ordersSeen = count(a, "SELECT COUNT(*) FROM shop.orders");
            a.execute("SET PURPOSE administration");
            long ordersOfAll = count(a, "SELECT COUNT(*) FROM shop.orders");
            assertTrue(ordersSeen > 0 && ordersSeen < ordersOfAll, ordersSeen + " of " + ordersOfAll);

            // Personalisation has no consent for demographics: reading birth dates hides every customer.
            a.execute("SET PURPOSE personalisation");
            assertEquals(0, count(a, "SELECT COUNT(birth_date) FROM shop.customers"));
            assertEquals(
                    (long) consenting.get("personalisation").size(), count(a, "SELECT COUNT(*) FROM shop.customers"));

            // Retention: no web event before the demo's first kept day, for anyone.
            a.execute("SET PURPOSE administration");
            assertEquals(
                    0,
                    count(
                            a,
                            "SELECT COUNT(*) FROM shop.web_events WHERE event_time < TIMESTAMP '"
                                    + DemoCommand.WEB_EVENTS_KEPT_FROM + " 00:00:00'"));
            assertTrue(count(a, "SELECT COUNT(*) FROM shop.web_events") > 0);
        }
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            assertTrue(rs.next(), sql);
            return rs.getLong(1);
        }
    }
}
