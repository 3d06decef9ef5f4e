package dev.veil.sqltests;

import static java.util.Objects.requireNonNull;

import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Compares the result of a query on the engine under test with a reference result, by value.
 *
 * <p>Rules: same column count, same row count; unordered results are compared as multisets
 * (both sides sorted by a canonical key); ordered results must show the same runs of equal
 * {@link RowOrder} keys in the same sequence, with rows inside a run (ties) in any order.
 * Values: exact numbers by {@code compareTo} (scale does not matter, and integers equal
 * decimals of the same value); when either side is a {@code double} or {@code float}, a
 * relative difference of at most {@value #TOLERANCE} (absolute near zero); strings exactly
 * ({@code CHAR} padding aside); dates and timestamps by value. Column names are not compared.
 */
public final class ResultComparator {
    /** Largest relative (or, near zero, absolute) difference accepted between approximate numbers. */
    public static final double TOLERANCE = 1e-9;

    private ResultComparator() {}

    /**
     * Reads both result sets and fails with an {@link AssertionError} naming the query, row,
     * column and both values at the first difference.
     */
    public static void assertSameResult(String query, ResultSet expected, ResultSet actual, RowOrder order)
            throws SQLException {
        assertSameResult(query, QueryResult.read(expected), QueryResult.read(actual), order);
    }

    /** Fails with an {@link AssertionError} describing the first difference, if any. */
    public static void assertSameResult(String query, QueryResult expected, QueryResult actual, RowOrder order) {
        Optional<String> difference = difference(query, expected, actual, order);
        if (difference.isPresent()) {
            throw new AssertionError(difference.get());
        }
    }

    /** The first difference between {@code expected} and {@code actual}, described for a person, or empty. */
    public static Optional<String> difference(String query, QueryResult expected, QueryResult actual, RowOrder order) {
        requireNonNull(query, "query is null");
        requireNonNull(expected, "expected is null");
        requireNonNull(actual, "actual is null");
        requireNonNull(order, "order is null");
        if (expected.columnCount() != actual.columnCount()) {
            return Optional.of(String.format(
                    "%s: expected %d columns %s but got %d columns %s",
                    query, expected.columnCount(), expected.columnNames(), actual.columnCount(), actual.columnNames()));
        }
        for (int key : order.keyColumns()) {
            if (key > expected.columnCount()) {
                throw new IllegalArgumentException(query + ": order key column " + key + " is beyond the "
                        + expected.columnCount() + " result columns");
            }
        }
        if (expected.rows().size() != actual.rows().size()) {
            return Optional.of(String.format(
                    "%s: expected %d rows but got %d rows",
                    query, expected.rows().size(), actual.rows().size()));
        }
        Comparator<List<Object>> canonicalOrder = canonicalOrder(approximateColumns(expected, actual));
        if (!order.isOrdered()) {
            return compareRun(
                    query,
                    expected,
                    actual,
                    0,
                    expected.rows().size(),
                    canonicalOrder,
                    "rows compared in canonical order, the query's row order is unspecified");
        }
        int start = 0;
        while (start < expected.rows().size()) {
            int end = start + 1;
            while (end < expected.rows().size()
                    && sameKeys(expected.rows().get(start), expected.rows().get(end), order)) {
                end++;
            }
            String note = end - start == 1
                    ? null
                    : String.format(
                            "rows %d..%d tie on the ORDER BY keys and are compared in canonical order", start + 1, end);
            Optional<String> difference = compareRun(query, expected, actual, start, end, canonicalOrder, note);
            if (difference.isPresent()) {
                return difference;
            }
            start = end;
        }
        return Optional.empty();
    }

    /** Whether two values are equal under this comparator's rules. */
    public static boolean sameValue(Object expected, Object actual) {
        if (expected == null || actual == null) {
            return expected == actual;
        }
        if (expected instanceof Number && actual instanceof Number) {
            if (expected instanceof Double && actual instanceof BigDecimal d) {
                return closeToDecimal((Double) expected, d);
            }
            if (actual instanceof Double && expected instanceof BigDecimal d) {
                return closeToDecimal((Double) actual, d);
            }
            if (expected instanceof Double || actual instanceof Double) {
                return closeEnough(((Number) expected).doubleValue(), ((Number) actual).doubleValue());
            }
            if (expected instanceof BigDecimal && actual instanceof BigDecimal) {
                return ((BigDecimal) expected).compareTo((BigDecimal) actual) == 0;
            }
        }
        return expected.equals(actual);
    }

    /**
     * A double against a decimal (one engine answers a division or average in DOUBLE, the other in
     * DECIMAL of some scale): equal within the decimal's own rounding, half a unit in its last place,
     * or within the double tolerance.
     */
    private static boolean closeToDecimal(double value, BigDecimal decimal) {
        if (closeEnough(value, decimal.doubleValue())) {
            return true;
        }
        double halfUnit = 0.5 * Math.pow(10, -decimal.scale());
        return Math.abs(value - decimal.doubleValue()) <= halfUnit * (1 + TOLERANCE);
    }

    private static boolean closeEnough(double expected, double actual) {
        if (Double.isNaN(expected) || Double.isNaN(actual)) {
            return Double.isNaN(expected) && Double.isNaN(actual);
        }
        if (expected == actual) {
            return true;
        }
        double difference = Math.abs(expected - actual);
        return difference <= TOLERANCE || difference <= TOLERANCE * Math.max(Math.abs(expected), Math.abs(actual));
    }

    private static boolean sameKeys(List<Object> left, List<Object> right, RowOrder order) {
        for (int key : order.keyColumns()) {
            if (!sameValue(left.get(key - 1), right.get(key - 1))) {
                return false;
            }
        }
        return true;
    }

    private static Optional<String> compareRun(
            String query,
            QueryResult expected,
            QueryResult actual,
            int start,
            int end,
            Comparator<List<Object>> canonicalOrder,
            String note) {
        List<List<Object>> expectedRows = new ArrayList<>(expected.rows().subList(start, end));
        List<List<Object>> actualRows = new ArrayList<>(actual.rows().subList(start, end));
        if (end - start > 1) {
            expectedRows.sort(canonicalOrder);
            actualRows.sort(canonicalOrder);
        }
        for (int i = 0; i < expectedRows.size(); i++) {
            List<Object> expectedRow = expectedRows.get(i);
            List<Object> actualRow = actualRows.get(i);
            for (int column = 0; column < expected.columnCount(); column++) {
                Object expectedValue = expectedRow.get(column);
                Object actualValue = actualRow.get(column);
                if (!sameValue(expectedValue, actualValue)) {
                    return Optional.of(String.format(
                            "%s: row %d, column %d (%s): expected %s but got %s%n  expected row: %s%n  actual row:   %s%s",
                            query,
                            start + i + 1,
                            column + 1,
                            expected.columnNames().get(column),
                            describe(expectedValue),
                            describe(actualValue),
                            expectedRow,
                            actualRow,
                            note == null ? "" : "\n  (" + note + ")"));
                }
            }
        }
        return Optional.empty();
    }

    private static String describe(Object value) {
        return value == null ? "NULL" : "<" + value + "> (" + value.getClass().getSimpleName() + ")";
    }

    /** Columns holding a floating-point value on either side; they sort last so near-equal values rarely reorder rows. */
    private static List<Integer> approximateColumns(QueryResult expected, QueryResult actual) {
        List<Integer> approximate = new ArrayList<>();
        for (int column = 0; column < expected.columnCount(); column++) {
            if (hasDouble(expected, column) || hasDouble(actual, column)) {
                approximate.add(column);
            }
        }
        return approximate;
    }

    private static boolean hasDouble(QueryResult result, int column) {
        for (List<Object> row : result.rows()) {
            if (row.get(column) instanceof Double) {
                return true;
            }
        }
        return false;
    }

    private static Comparator<List<Object>> canonicalOrder(List<Integer> approximateColumns) {
        return (left, right) -> {
            int columns = left.size();
            for (int pass = 0; pass < 2; pass++) {
                for (int column = 0; column < columns; column++) {
                    if (approximateColumns.contains(column) == (pass == 0)) {
                        continue;
                    }
                    int result = compareValues(left.get(column), right.get(column));
                    if (result != 0) {
                        return result;
                    }
                }
            }
            return 0;
        };
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object left, Object right) {
        if (left == null || right == null) {
            return left == null ? (right == null ? 0 : -1) : 1;
        }
        if (left instanceof Number && right instanceof Number) {
            if (left instanceof Double || right instanceof Double) {
                return Double.compare(((Number) left).doubleValue(), ((Number) right).doubleValue());
            }
            if (left instanceof BigDecimal && right instanceof BigDecimal) {
                return ((BigDecimal) left).compareTo((BigDecimal) right);
            }
        }
        if (left.getClass() == right.getClass() && left instanceof Comparable) {
            return ((Comparable) left).compareTo(right);
        }
        int byClass = left.getClass().getName().compareTo(right.getClass().getName());
        return byClass != 0 ? byClass : left.toString().compareTo(right.toString());
    }
}
