package dev.veil.sqltests;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Checks {@link ResultComparator} on real DuckDB result sets. */
class ResultComparatorTest {
    private static Connection duckdb;

    @BeforeAll
    static void open() throws SQLException {
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
    }

    @AfterAll
    static void close() throws SQLException {
        duckdb.close();
    }

    @Test
    void integersEqualDecimalsOfTheSameValue() throws SQLException {
        assertSame(
                "select 5::INTEGER, 7::BIGINT, 9::HUGEINT",
                "select 5.00::DECIMAL(5,2), 7::DECIMAL(18,0), 9.0::DECIMAL(38,1)",
                RowOrder.UNORDERED);
    }

    @Test
    void decimalsCompareExactlyWhateverTheirScale() throws SQLException {
        assertSame("select 1.50::DECIMAL(15,2)", "select 1.5000::DECIMAL(38,4)", RowOrder.UNORDERED);
        assertDifferent("select 1.50::DECIMAL(15,2)", "select 1.5001::DECIMAL(38,4)", RowOrder.UNORDERED, "column 1");
    }

    @Test
    void doublesMatchWithinRelativeTolerance() throws SQLException {
        assertSame(
                "select 0.3::DECIMAL(3,1), 1e20::DOUBLE",
                "select 0.1::DOUBLE + 0.2::DOUBLE, 1.0000000000001e20::DOUBLE",
                RowOrder.UNORDERED);
        assertDifferent("select 1::DOUBLE", "select 1.00000001::DOUBLE", RowOrder.UNORDERED, "column 1");
        // A decimal against a double: equal within half a unit of the decimal's last place.
        assertSame("select 1.00::DECIMAL(3,2)", "select 1.004::DOUBLE", RowOrder.UNORDERED);
        assertDifferent("select 1.00::DECIMAL(3,2)", "select 1.006::DOUBLE", RowOrder.UNORDERED, "column 1");
    }

    @Test
    void doublesNearZeroMatchWithinAbsoluteTolerance() throws SQLException {
        assertSame("select 0::DOUBLE", "select 1e-12::DOUBLE", RowOrder.UNORDERED);
        assertDifferent("select 0::DOUBLE", "select 1e-6::DOUBLE", RowOrder.UNORDERED, "column 1");
    }

    @Test
    void nullEqualsOnlyNull() throws SQLException {
        assertSame("select NULL::DOUBLE", "select NULL::DECIMAL(15,2)", RowOrder.UNORDERED);
        assertDifferent("select NULL::INTEGER", "select 0", RowOrder.UNORDERED, "expected NULL but got <0>");
    }

    @Test
    void unorderedResultsCompareAsMultisets() throws SQLException {
        assertSame(
                values("(1, 'a', 1), (2, 'b', 2), (2, 'b', 3)"),
                values("(2, 'b', 1), (1, 'a', 2), (2, 'b', 3)"),
                RowOrder.UNORDERED);
        assertDifferent(
                values("(1, 'a', 1), (1, 'a', 2), (2, 'b', 3)"),
                values("(1, 'a', 1), (2, 'b', 2), (2, 'b', 3)"),
                RowOrder.UNORDERED,
                "column 1");
    }

    @Test
    void orderedResultsMustFollowTheOrderKeys() throws SQLException {
        assertDifferent(
                values("(1, 'a', 1), (2, 'b', 2)"),
                values("(2, 'b', 1), (1, 'a', 2)"),
                RowOrder.by(1),
                "row 1, column 1");
    }

    @Test
    void rowsThatTieOnTheOrderKeysMayComeInAnyOrder() throws SQLException {
        assertSame(
                values("(1, 'a', 1), (1, 'b', 2), (2, 'c', 3)"),
                values("(1, 'b', 1), (1, 'a', 2), (2, 'c', 3)"),
                RowOrder.by(1));
        assertDifferent(
                values("(1, 'a', 1), (1, 'b', 2), (2, 'c', 3)"),
                values("(1, 'a', 1), (1, 'c', 2), (2, 'b', 3)"),
                RowOrder.by(1),
                "rows 1..2 tie on the ORDER BY keys");
    }

    @Test
    void mismatchNamesQueryRowColumnAndBothValues() throws SQLException {
        String message = assertDifferent(
                values("(1, 'a', 1), (2, 'b', 2)"), values("(1, 'a', 1), (2, 'x', 2)"), RowOrder.by(1), "row 2");
        assertTrue(message.startsWith("q99: row 2, column 2 (v): expected <b> (String) but got <x> (String)"), message);
    }

    @Test
    void differentRowOrColumnCountsAreReported() throws SQLException {
        assertDifferent(
                "select 1 union all select 2", "select 1", RowOrder.UNORDERED, "q99: expected 2 rows but got 1 rows");
        assertDifferent(
                "select 1 as a, 2 as b",
                "select 1 as a",
                RowOrder.UNORDERED,
                "q99: expected 2 columns [a, b] but got 1 columns [a]");
    }

    @Test
    void datesCompareByValueAcrossJdbcTypes() throws SQLException {
        assertSame("select DATE '1995-03-15'", "select DATE '1995-03-15'", RowOrder.UNORDERED);
        assertEquals(LocalDate.of(1995, 3, 15), QueryResult.canonical(java.sql.Date.valueOf("1995-03-15"), false));
        assertDifferent("select DATE '1995-03-15'", "select DATE '1995-03-16'", RowOrder.UNORDERED, "column 1");
    }

    @Test
    void charPaddingIsIgnoredButVarcharBlanksAreNot() throws SQLException {
        assertEquals("ab", QueryResult.canonical("ab  ", true));
        assertEquals("ab  ", QueryResult.canonical("ab  ", false));
        assertDifferent("select 'ab'", "select 'ab '", RowOrder.UNORDERED, "column 1");
    }

    @Test
    void orderKeyBeyondTheColumnsIsAHarnessError() throws SQLException {
        assertThrows(
                IllegalArgumentException.class,
                () -> ResultComparator.difference("q99", query("select 1"), query("select 1"), RowOrder.by(2)));
    }

    /** A two-column (k, v) result of the given (k, v, position) tuples, in position order. */
    private static String values(String tuples) {
        return "select k, v from (values " + tuples + ") as t(k, v, position) order by position";
    }

    private static void assertSame(String expectedSql, String actualSql, RowOrder order) throws SQLException {
        Optional<String> difference = ResultComparator.difference("q99", query(expectedSql), query(actualSql), order);
        assertEquals(Optional.empty(), difference);
    }

    private static String assertDifferent(String expectedSql, String actualSql, RowOrder order, String expectedText)
            throws SQLException {
        Optional<String> difference = ResultComparator.difference("q99", query(expectedSql), query(actualSql), order);
        assertTrue(difference.isPresent(), "no difference found");
        assertTrue(difference.get().contains(expectedText), difference.get());
        return difference.get();
    }

    private static QueryResult query(String sql) throws SQLException {
        try (Statement statement = duckdb.createStatement();
                ResultSet resultSet = statement.executeQuery(sql)) {
            return QueryResult.read(resultSet);
        }
    }
}
