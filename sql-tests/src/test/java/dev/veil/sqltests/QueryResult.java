package dev.veil.sqltests;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A query result read fully into memory, with every value in a canonical Java form so that
 * results from different JDBC drivers compare by value.
 *
 * <p>Canonical forms: exact numbers (all integer types, {@code BigInteger}, {@code BigDecimal}) are
 * {@link BigDecimal}; {@code float} and {@code double} are {@link Double}; {@code DATE},
 * {@code TIME} and {@code TIMESTAMP} values are {@code java.time} local values; {@code CHAR}
 * values lose their trailing blanks; {@code NULL} is {@code null}. Other values stay as returned.
 */
public record QueryResult(List<String> columnNames, List<List<Object>> rows) {
    public QueryResult {
        columnNames = List.copyOf(columnNames);
        rows = List.copyOf(rows);
    }

    /** Reads all remaining rows of {@code resultSet}; does not close it. */
    public static QueryResult read(ResultSet resultSet) throws SQLException {
        ResultSetMetaData metaData = resultSet.getMetaData();
        int columnCount = metaData.getColumnCount();
        List<String> names = new ArrayList<>();
        boolean[] blankPadded = new boolean[columnCount];
        for (int column = 1; column <= columnCount; column++) {
            names.add(metaData.getColumnLabel(column));
            int type = metaData.getColumnType(column);
            blankPadded[column - 1] = type == Types.CHAR || type == Types.NCHAR;
        }
        List<List<Object>> rows = new ArrayList<>();
        while (resultSet.next()) {
            Object[] row = new Object[columnCount];
            for (int column = 1; column <= columnCount; column++) {
                row[column - 1] = canonical(resultSet.getObject(column), blankPadded[column - 1]);
            }
            // Arrays.asList, not List.of: rows may hold nulls.
            rows.add(java.util.Collections.unmodifiableList(Arrays.asList(row)));
        }
        return new QueryResult(names, rows);
    }

    /** The number of columns. */
    public int columnCount() {
        return columnNames.size();
    }

    static Object canonical(Object value, boolean blankPadded) {
        if (value == null) {
            return null;
        }
        if (value instanceof BigDecimal) {
            return value;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return BigDecimal.valueOf(((Number) value).longValue());
        }
        if (value instanceof BigInteger) {
            return new BigDecimal((BigInteger) value);
        }
        if (value instanceof Double || value instanceof Float) {
            return ((Number) value).doubleValue();
        }
        if (value instanceof String) {
            return blankPadded ? ((String) value).stripTrailing() : value;
        }
        if (value instanceof Character) {
            return blankPadded ? value.toString().stripTrailing() : value.toString();
        }
        if (value instanceof java.sql.Date) {
            return ((java.sql.Date) value).toLocalDate();
        }
        if (value instanceof java.sql.Timestamp) {
            return ((java.sql.Timestamp) value).toLocalDateTime();
        }
        if (value instanceof java.sql.Time) {
            return ((java.sql.Time) value).toLocalTime();
        }
        return value;
    }
}
