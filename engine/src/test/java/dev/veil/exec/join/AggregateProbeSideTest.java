package dev.veil.exec.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.exec.runtime.ExecutionOptions;
import dev.veil.session.EmbeddedWarehouse;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * TPC-H Q2's shape through SQL: the cheapest offers of a few items, the minimum price per item a
 * correlated sub-query. The decorrelated minimum per item is an aggregation over every offer;
 * the join is turned round so that the few items' keys filter the offers it aggregates
 * ({@link AggregateProbeSide}, {@link EnumerableDeferred}). Offers have NULL items, items that do
 * not exist, and ties for the minimum; every answer equals the row path's and the data's.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AggregateProbeSideTest {
    private static final int ITEMS = 20_000;
    private static final int OFFERS_PER_ITEM = 4;

    private EmbeddedWarehouse warehouse;
    private Statement statement;

    private static boolean chosen(int item) {
        return item % 97 == 5;
    }

    /** Offer s of item i: price in cents, with ties between suppliers 0 and 2 of every third item. */
    private static int cents(int item, int s) {
        int base = 1000 + (item * 37) % 500;
        return item % 3 == 0 && (s == 0 || s == 2) ? base : base + 10 * (s + 1) - (s == 3 ? 45 : 0);
    }

    @BeforeAll
    void open(@TempDir Path dir) throws Exception {
        warehouse = EmbeddedWarehouse.create(dir);
        statement = warehouse.statement();
        statement.execute("CREATE SCHEMA s");
        statement.execute("CREATE TABLE s.item (id BIGINT NOT NULL, kind VARCHAR NOT NULL)");
        statement.execute(
                "CREATE TABLE s.offer (item_id BIGINT, supplier BIGINT NOT NULL, price DECIMAL(10,2) NOT NULL)");
        statement.execute("CREATE TABLE s.supplier (id BIGINT NOT NULL, region VARCHAR NOT NULL)");
        load("supplier", "0,eu\n1,eu\n2,eu\n3,us\n9,eu\n");
        StringBuilder items = new StringBuilder();
        for (int i = 0; i < ITEMS; i++) {
            items.append(i).append(',').append(chosen(i) ? "brass" : "tin").append('\n');
        }
        load("item", items);
        StringBuilder offers = new StringBuilder();
        for (int i = 0; i < ITEMS; i++) {
            for (int s = 0; s < OFFERS_PER_ITEM; s++) {
                offers.append(i)
                        .append(',')
                        .append(s)
                        .append(',')
                        .append(price(cents(i, s)))
                        .append('\n');
            }
        }
        for (int i = 0; i < 500; i++) {
            // NULL items (matching nothing, cheaper than any offer) and items that do not exist.
            offers.append(",9,0.01\n");
            offers.append(ITEMS + i).append(",9,0.01\n");
        }
        load("offer", offers);
    }

    private static String price(int cents) {
        return BigDecimal.valueOf(cents, 2).toPlainString();
    }

    private void load(String table, CharSequence csv) throws IOException, SQLException {
        warehouse.load("s", table, csv, "HEADER = FALSE, NULL = ''");
    }

    @AfterAll
    void close() throws Exception {
        warehouse.close();
    }

    private String plan(String sql) throws SQLException {
        List<String> lines = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery("EXPLAIN PLAN FOR " + sql)) {
            while (rs.next()) {
                lines.add(rs.getString(1));
            }
        }
        return String.join("\n", lines);
    }

    private List<String> rows(String sql) throws SQLException {
        List<String> out = new ArrayList<>();
        try (ResultSet rs = statement.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder row = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    row.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                out.add(row.toString());
            }
        }
        return out;
    }

    private List<String> rowPath(String sql) throws SQLException {
        ExecutionOptions.set(ExecutionOptions.current().withColumnar(false));
        try {
            assertFalse(plan(sql).contains("EnumerableDeferred"), sql);
            return rows(sql);
        } finally {
            ExecutionOptions.set(ExecutionOptions.current().withColumnar(true));
        }
    }

    /** Whether supplier s (0 to 3) is in region 'eu'. */
    private static boolean european(int s) {
        return s != 3;
    }

    /** The cheapest European offers of the items of {@code kind}, the minimum taken over European offers. */
    private static String cheapest(String kind) {
        return "SELECT i.id, o.supplier, o.price FROM s.item i, s.offer o, s.supplier sp "
                + "WHERE i.id = o.item_id AND sp.id = o.supplier AND sp.region = 'eu' AND i.kind = '" + kind
                + "' AND o.price = (SELECT MIN(o2.price) FROM s.offer o2, s.supplier sp2 "
                + "WHERE o2.item_id = i.id AND sp2.id = o2.supplier AND sp2.region = 'eu') ORDER BY i.id, o.supplier";
    }

    @Test
    void minimumPerItemAggregatesOnlyTheOffersOfTheChosenItems() throws SQLException {
        String sql = cheapest("brass");
        String text = plan(sql);
        assertTrue(text.contains("EnumerableDeferred"), text);
        int deferred = text.indexOf("EnumerableDeferred");
        int aggregate = text.indexOf("EnumerableAggregate", deferred);
        assertTrue(aggregate > deferred, text);
        // The aggregation's offer scan takes the chosen items' keys.
        int scan = text.indexOf("table=[[s, offer]]", aggregate);
        assertTrue(scan > aggregate, text);
        String scanLine = text.substring(scan, text.indexOf('\n', scan) < 0 ? text.length() : text.indexOf('\n', scan));
        assertTrue(scanLine.contains("dynamicFilters=[[$0 IN DF"), text);

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < ITEMS; i++) {
            if (!chosen(i)) {
                continue;
            }
            int min = Integer.MAX_VALUE;
            for (int s = 0; s < OFFERS_PER_ITEM; s++) {
                if (european(s)) {
                    min = Math.min(min, cents(i, s));
                }
            }
            for (int s = 0; s < OFFERS_PER_ITEM; s++) {
                if (european(s) && cents(i, s) == min) {
                    expected.add(i + "|" + s + "|" + price(min));
                }
            }
        }
        List<String> actual = rows(sql);
        assertEquals(expected, actual);
        assertTrue(
                actual.size()
                        > expected.stream()
                                .map(r -> r.split("\\|")[0])
                                .distinct()
                                .count(),
                "ties kept");
        assertEquals(expected, rowPath(sql));
    }

    @Test
    void noChosenItemGivesNoRows() throws SQLException {
        String sql = cheapest("gold");
        assertEquals(List.of(), rows(sql));
        assertEquals(List.of(), rowPath(sql));
    }

    @Test
    void everyItemStillAnswersAsTheRowPath() throws SQLException {
        // The outer side as large as the offers: whichever side is hashed, the rows are the same.
        String sql = "SELECT COUNT(*), SUM(o.price) FROM s.item i, s.offer o, s.supplier sp "
                + "WHERE i.id = o.item_id AND sp.id = o.supplier AND o.price = (SELECT MIN(o2.price) "
                + "FROM s.offer o2, s.supplier sp2 WHERE o2.item_id = i.id AND sp2.id = o2.supplier AND sp2.region = 'eu')";
        assertEquals(rowPath(sql), rows(sql));
    }
}
