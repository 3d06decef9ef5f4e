package dev.veil.sqltests.script;

import java.math.BigDecimal;
import java.math.MathContext;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints a JDBC result as the lines a script's expected result is written in: one line per
 * row, values separated by {@code " | "}.
 *
 * <p>Values: {@code NULL}; {@code (empty)} for the empty string; exact numbers as written
 * (a DECIMAL keeps its scale: {@code 10.50}); approximate numbers rounded to 12 significant
 * digits without trailing zeros ({@code 0.1 + 0.2} prints {@code 0.3}, {@code 2.0} prints
 * {@code 2}); dates {@code 2025-01-31}; timestamps {@code 2025-01-31 10:00:00}; booleans
 * {@code true}/{@code false}; text as it is.
 */
public final class ResultPrinter {
    private static final MathContext DOUBLE_DIGITS = new MathContext(12);

    private ResultPrinter() {}

    /** The column labels, as one line. */
    public static String header(ResultSet resultSet) throws SQLException {
        ResultSetMetaData metaData = resultSet.getMetaData();
        List<String> names = new ArrayList<>();
        for (int column = 1; column <= metaData.getColumnCount(); column++) {
            names.add(metaData.getColumnLabel(column));
        }
        return String.join(" | ", names);
    }

    /** Every remaining row, one line each; at most {@code limit} rows, then a line saying how many more. */
    public static List<String> rows(ResultSet resultSet, int limit) throws SQLException {
        ResultSetMetaData metaData = resultSet.getMetaData();
        int columns = metaData.getColumnCount();
        List<String> lines = new ArrayList<>();
        long more = 0;
        while (resultSet.next()) {
            if (lines.size() >= limit) {
                more++;
                continue;
            }
            StringBuilder line = new StringBuilder();
            for (int column = 1; column <= columns; column++) {
                line.append(column == 1 ? "" : " | ").append(value(resultSet, column, metaData.getColumnType(column)));
            }
            lines.add(line.toString());
        }
        if (more > 0) {
            lines.add("... and " + more + " more rows");
        }
        return lines;
    }

    static String value(ResultSet resultSet, int column, int type) throws SQLException {
        Object value = resultSet.getObject(column);
        if (value == null) {
            return "NULL";
        }
        switch (type) {
            case Types.DATE, Types.TIME, Types.TIMESTAMP -> {
                String text = resultSet.getString(column);
                return text.replaceFirst("\\.0+$", "");
            }
            default -> {
                return format(value);
            }
        }
    }

    /** A value in its printed form. */
    public static String format(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return Double.toString(d);
            }
            if (d == 0) {
                return "0";
            }
            return new BigDecimal(d).round(DOUBLE_DIGITS).stripTrailingZeros().toPlainString();
        }
        if (value instanceof BigDecimal decimal) {
            return decimal.toPlainString();
        }
        if (value instanceof String text) {
            return text.isEmpty() ? "(empty)" : text;
        }
        return value.toString();
    }
}
