package dev.veil.rewrite;

import static dev.veil.rewrite.Shop.row;
import static dev.veil.rewrite.Shop.rows;
import static dev.veil.rewrite.Shop.table;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.veil.policy.Mask;
import dev.veil.policy.MaskKind;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Attempts to get raw protected values or small groups out, each either rejected (with an error
 * that contains no data value) or answered with protected data only. Customer is the privacy unit
 * (orders and line items reach it by foreign keys), groups need 3 customers; Oslo (2 customers)
 * and Rome (1) are small groups. Email is HIDDEN, phone SHOW_LAST(4), amounts AGGREGATE ONLY.
 */
class AdversarialQueriesTest {
    @TempDir
    static Path dir;

    private static Shop shop;
    private static Connection alice;

    /** Patterns only raw protected values match; no error may contain any of them. */
    private static final List<Pattern> RAW_VALUES = Stream.of("cust\\d", "@mail", "\\+336", "690\\d\\d", "19[78]\\d-")
            .map(Pattern::compile)
            .toList();

    @BeforeAll
    static void createShop() throws Exception {
        shop = Shop.create(dir);
        alice = shop.connect("alice");
        shop.install(Shop.customerUnit(3)
                .hidden("shop.customer", "email", null)
                .masked("shop.customer", "phone", Mask.of(MaskKind.SHOW_LAST, BigDecimal.valueOf(4)), null)
                .aggregateOnly("shop.orders", "amount", "0", "100", null));
    }

    @AfterAll
    static void closeShop() throws Exception {
        shop.close();
    }

    /** An attempt: the SQL and either the error it must fail with or the only rows it may return. */
    record Attempt(String name, String sql, String rejection, List<List<Object>> rows) {
        static Attempt rejected(String name, String sql, String because) {
            return new Attempt(name, sql, because, null);
        }

        static Attempt answered(String name, String sql, List<List<Object>> rows) {
            return new Attempt(name, sql, null, rows);
        }

        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Attempt> attempts() {
        String rows = "without aggregation";
        return Stream.of(
                Attempt.rejected("raw select", "SELECT name, city FROM shop.customer", rows),
                Attempt.rejected("select star", "SELECT * FROM shop.customer", rows),
                Attempt.rejected("select star of a joined table", "SELECT o.* FROM shop.orders o", rows),
                Attempt.rejected(
                        "where on the unique id",
                        "SELECT COUNT(*) FROM shop.customer WHERE c_id = 7",
                        "compared with a constant"),
                Attempt.rejected(
                        "id in a list",
                        "SELECT SUM(score) FROM shop.customer WHERE c_id IN (1, 2, 3)",
                        "compared with a constant"),
                Attempt.rejected(
                        "id range",
                        "SELECT AVG(score) FROM shop.customer WHERE c_id BETWEEN 7 AND 7",
                        "compared with a constant"),
                Attempt.rejected(
                        "conditional aggregate on the id",
                        "SELECT SUM(CASE WHEN c_id = 7 THEN score ELSE 0 END) FROM shop.customer",
                        "compared with a constant"),
                Attempt.rejected(
                        "unit tested by a pattern",
                        "SELECT SUM(score) FROM shop.customer " + "WHERE CAST(c_id AS VARCHAR) SIMILAR TO '7'",
                        "compared with a constant"),
                Attempt.rejected(
                        "unit tested inside a filtered aggregate",
                        "SELECT COUNT(*) FILTER (WHERE c_id = 3) " + "FROM shop.customer",
                        "compared with a constant"),
                Attempt.rejected(
                        "unit compared with a constant disguised as arithmetic",
                        "SELECT city, COUNT(*) "
                                + "FROM shop.customer WHERE c_id <> 7 + 0 * CHAR_LENGTH(city) GROUP BY city",
                        "privacy unit column 'shop.customer.c_id'"),
                Attempt.rejected(
                        "unit moved across an equation",
                        "SELECT SUM(score) FROM shop.customer " + "WHERE c_id - score = 7 - score",
                        "privacy unit column 'shop.customer.c_id'"),
                Attempt.rejected(
                        "foreign key of the path in arithmetic",
                        "SELECT COUNT(*) FROM shop.orders " + "WHERE o_cust + 0 * o_id <> 3",
                        "privacy unit column 'shop.orders.o_cust'"),
                Attempt.rejected(
                        "group key computed from the unit",
                        "SELECT c_id / 3, COUNT(*) FROM shop.customer " + "GROUP BY c_id / 3",
                        "privacy unit column 'shop.customer.c_id'"),
                Attempt.answered(
                        "where on a unique column",
                        "SELECT COUNT(*), SUM(score) FROM shop.customer " + "WHERE name = 'cust7'",
                        table()),
                Attempt.rejected("group by the unit", "SELECT c_id, SUM(score) FROM shop.customer GROUP BY c_id", rows),
                Attempt.rejected(
                        "group by the unit, counted", "SELECT COUNT(*) FROM shop.customer GROUP BY c_id", rows),
                Attempt.answered(
                        "group by a unique column",
                        "SELECT name, SUM(score) FROM shop.customer GROUP BY name",
                        table()),
                Attempt.answered(
                        "group by enough columns to isolate",
                        "SELECT city, segment, score, COUNT(*) " + "FROM shop.customer GROUP BY city, segment, score",
                        table()),
                Attempt.rejected("min", "SELECT MIN(score) FROM shop.customer", "MIN releases one unit's value"),
                Attempt.rejected(
                        "max of a per-unit sum",
                        "SELECT MAX(s) FROM (SELECT o_cust, SUM(amount) AS s " + "FROM shop.orders GROUP BY o_cust)",
                        "MAX releases one unit's value"),
                Attempt.rejected(
                        "any value",
                        "SELECT city, ANY_VALUE(name) FROM shop.customer GROUP BY city",
                        "ANY_VALUE releases"),
                Attempt.rejected(
                        "listagg",
                        "SELECT city, LISTAGG(name, ',') FROM shop.customer GROUP BY city",
                        "releases every row's value"),
                Attempt.rejected(
                        "array_agg", "SELECT ARRAY_AGG(name) FROM shop.customer", "releases every row's value"),
                Attempt.rejected(
                        "window row_number",
                        "SELECT name, ROW_NUMBER() OVER (ORDER BY score) " + "FROM shop.customer",
                        "Window functions over protected rows"),
                Attempt.rejected(
                        "window aggregate",
                        "SELECT SUM(score) OVER () FROM shop.customer",
                        "Window functions over protected rows"),
                Attempt.rejected(
                        "union of raw rows",
                        "SELECT name FROM shop.customer UNION ALL " + "SELECT status FROM shop.orders",
                        rows),
                Attempt.rejected(
                        "distinct union inside an aggregate",
                        "SELECT COUNT(*) FROM (SELECT city " + "FROM shop.customer UNION SELECT city FROM shop.cities)",
                        "UNION over protected rows"),
                Attempt.rejected(
                        "intersect with a guessed list",
                        "SELECT city FROM shop.cities INTERSECT " + "SELECT city FROM shop.customer",
                        "INTERSECT over protected rows"),
                Attempt.rejected(
                        "except",
                        "SELECT city FROM shop.cities EXCEPT SELECT city FROM shop.customer",
                        "EXCEPT over protected rows"),
                Attempt.rejected(
                        "self cross join",
                        "SELECT COUNT(*) FROM shop.customer a, shop.customer b " + "WHERE a.score > b.score",
                        "not on their privacy unit"),
                Attempt.rejected(
                        "scalar sub-query of one row",
                        "SELECT (SELECT name FROM shop.customer " + "WHERE c_id = 3)",
                        "compared with a constant"),
                Attempt.answered(
                        "scalar sub-query over a small group",
                        "SELECT (SELECT SUM(score) FROM " + "shop.customer WHERE city = 'Rome')",
                        table(row((Object) null))),
                Attempt.rejected(
                        "correlated sub-query per customer",
                        "SELECT city, (SELECT COUNT(*) FROM "
                                + "shop.orders o WHERE o.o_cust = c.c_id) FROM shop.customer c",
                        rows),
                Attempt.rejected(
                        "cte of raw rows",
                        "WITH t AS (SELECT name, score FROM shop.customer) " + "SELECT * FROM t",
                        rows),
                Attempt.answered(
                        "cast error as a side channel",
                        "SELECT COUNT(*) FROM shop.customer " + "WHERE city = 'Rome' OR CAST(name AS INTEGER) = 1",
                        table()),
                Attempt.answered(
                        "division by zero as a side channel",
                        "SELECT city, COUNT(*) FROM shop.customer "
                                + "WHERE 1 / (CAST(score AS INTEGER) - 7) = 0 GROUP BY city ORDER BY city",
                        table(row("Lyon", 5L))),
                Attempt.rejected(
                        "limit before aggregation",
                        "SELECT SUM(score) FROM (SELECT score FROM " + "shop.customer ORDER BY score DESC LIMIT 1)",
                        "LIMIT or OFFSET over protected rows"),
                Attempt.answered(
                        "order by and limit after aggregation only sees released groups",
                        "SELECT city, COUNT(*) FROM shop.customer GROUP BY city ORDER BY 2 LIMIT 1",
                        table(row("Porto", 4L))),
                Attempt.answered(
                        "masked column in where",
                        "SELECT COUNT(*) FROM shop.customer " + "WHERE phone = '+33612345607'",
                        table()),
                Attempt.answered(
                        "masked column to isolate a unit",
                        "SELECT city, AVG(score) FROM shop.customer " + "WHERE phone LIKE '%5607' GROUP BY city",
                        table()),
                Attempt.rejected(
                        "hidden column",
                        "SELECT COUNT(*) FROM shop.customer WHERE email LIKE 'c7%'",
                        "is HIDDEN for role 'analyst'"),
                Attempt.rejected(
                        "aggregate-only column as a group",
                        "SELECT amount, COUNT(*) FROM shop.orders " + "GROUP BY amount",
                        "is AGGREGATE ONLY for role 'analyst'"),
                Attempt.rejected("unit inside sum", "SELECT SUM(c_id) FROM shop.customer", "appears inside SUM"),
                Attempt.rejected(
                        "unit joined with a guessed list",
                        "SELECT COUNT(*) FROM shop.orders o "
                                + "JOIN (SELECT CHAR_LENGTH(city) AS x FROM shop.cities) v ON o.o_cust = v.x",
                        "joined with data of an unprotected table"),
                Attempt.rejected(
                        "copy raw rows out with create table as",
                        "CREATE TABLE public.loot AS " + "SELECT name, phone FROM shop.customer",
                        rows),
                Attempt.rejected(
                        "copy raw rows out with insert select",
                        "INSERT INTO shop.cities " + "SELECT name, city FROM shop.customer",
                        "INSERT requires the admin role"),
                Attempt.answered(
                        "grouping sets with a per-unit set",
                        "SELECT city, COUNT(*) FROM shop.customer "
                                + "GROUP BY GROUPING SETS ((city), (c_id)) ORDER BY city",
                        table(row("Lyon", 5L), row("Porto", 4L))),
                Attempt.answered(
                        "having below the minimum",
                        "SELECT city, COUNT(*) FROM shop.customer " + "GROUP BY city HAVING COUNT(*) < 3",
                        table()),
                Attempt.rejected(
                        "sample of protected rows",
                        "SELECT COUNT(*) FROM shop.customer " + "TABLESAMPLE BERNOULLI(50)",
                        "cannot check"),
                Attempt.rejected(
                        "plain explain shows policy internals",
                        "EXPLAIN PLAN FOR SELECT city, COUNT(*) FROM shop.customer GROUP BY city",
                        "use EXPLAIN PRIVACY"),
                Attempt.rejected(
                        "explain privacy is no way around the checks",
                        "EXPLAIN PRIVACY SELECT name FROM shop.customer",
                        rows));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attempts")
    void attemptIsRejectedOrProtected(Attempt attempt) throws Exception {
        if (attempt.rejection() != null) {
            SQLException e = assertThrows(SQLException.class, () -> execute(attempt.sql()), attempt.sql());
            String message = e.getMessage().substring(Math.max(0, e.getMessage().indexOf("VEIL-")));
            assertTrue(message.contains(attempt.rejection()), attempt.sql() + ": " + message);
            for (Pattern raw : RAW_VALUES) {
                assertFalse(raw.matcher(message).find(), "error reveals a data value: " + message);
            }
        } else {
            assertEquals(attempt.rows(), rows(alice, attempt.sql()), attempt.sql());
        }
    }

    private static void execute(String sql) throws SQLException {
        try (Statement s = alice.createStatement()) {
            if (s.execute(sql)) {
                try (ResultSet rs = s.getResultSet()) {
                    while (rs.next()) {
                        rs.getObject(1);
                    }
                }
            }
        }
    }

    @Test
    void atLeastThirtyAttempts() {
        assertTrue(attempts().count() >= 30);
    }

    @Test
    void metadataDoesNotListHiddenColumns() throws Exception {
        try (ResultSet rs = alice.getMetaData().getColumns(null, "shop", "customer", "email")) {
            assertFalse(rs.next());
        }
        try (ResultSet rs = shop.admin.getMetaData().getColumns(null, "shop", "customer", "email")) {
            assertTrue(rs.next());
        }
    }
}
